import type { EpochMs } from '../shared/time.js';
import type { SegmentRule } from './segment-rule.js';

/**
 * Where a segment comes from. Every kind is evaluated the same way, by its rule: built-in RFM
 * segments read `features.rfm.segment`, cluster segments read `features.cluster.<clustering>`.
 */
export type SegmentKind = 'rule' | 'rfm' | 'cluster';

export interface SegmentDefinition {
  /** Unique per workspace; what `in segment "key"` and the API name. */
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly kind: SegmentKind;
  /** The validated JSON form. */
  readonly rule: SegmentRule;
  /** Increases with every edit; memberships record the version that decided them. */
  readonly version: number;
  readonly createdAtMs: EpochMs;
  readonly updatedAtMs: EpochMs;
}

/** Segment keys: lowercase slug, so they read well in rules, URLs and exports. */
export const SEGMENT_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Keys taken by fixed paths under /v1/segments/ (GET /v1/segments/{key} could never reach them). */
export const RESERVED_SEGMENT_KEYS: ReadonlySet<string> = new Set(['overlap', 'changes', 'stream', 'preview']);

/** Exactly the fields of a definition (what adapters store), so extra runtime fields never reach disk. */
export function definitionFields(definition: SegmentDefinition): SegmentDefinition {
  return {
    key: definition.key,
    name: definition.name,
    description: definition.description,
    kind: definition.kind,
    rule: definition.rule,
    version: definition.version,
    createdAtMs: definition.createdAtMs,
    updatedAtMs: definition.updatedAtMs,
  };
}

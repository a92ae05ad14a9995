import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import { evaluateSegment } from '../../core/segments/evaluate-segment.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { ProfileSegment } from '../attune-app.js';
import type { SegmentEngine } from './segment-engine.js';
import { ProfileSegmentInput } from './segment-input.js';

/**
 * A profile's current segments (from memory) with why it is in each: the rule is evaluated again
 * at nowMs for the reasons, which is cheap for one profile.
 */
export function describeProfileSegments(engine: SegmentEngine, workspace: WorkspaceId, state: ProfileState, nowMs: EpochMs, spec: ProfileSpec): ProfileSegment[] {
  const registry = engine.registry(workspace);
  const index = engine.index(workspace);
  const current = index.segmentsOf(state.profileId);
  const input = new ProfileSegmentInput(state, nowMs, spec, engine.enrichers(workspace), current, engine.predictors(workspace));
  const out: ProfileSegment[] = [];
  for (const segment of registry.ordered) {
    const key = segment.definition.key;
    if (!current.has(key)) continue;
    out.push({
      key,
      name: segment.definition.name,
      kind: segment.definition.kind,
      enteredAtMs: index.members(key).get(state.profileId) ?? nowMs,
      reasons: evaluateSegment(segment.compiled, input, nowMs).reasons,
    });
  }
  return out;
}

import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import type { Rng } from '../../core/shared/rng.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Storage } from '../../ports/storage.js';
import type { SegmentEngine } from './segment-engine.js';
import type { SegmentService } from './segment-service.js';
import type { FeatureEnricher } from './segment-input.js';

/**
 * Shared plumbing of the workspace models (RFM, clusterings, personas): scanning every stored
 * profile, bounded uniform samples, one enricher per model family, and one job at a time per
 * workspace.
 */

/** Profiles read per page when a model scans a workspace. */
export const SCAN_PAGE_PROFILES = 2_000;

/** What the model services (RFM, clusterings, personas) are built from. */
export interface ModelServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly engine: SegmentEngine;
  readonly segments: SegmentService;
  readonly specFor: (workspace: WorkspaceId) => Promise<ProfileSpec>;
  /** Makes the profile store hold every acknowledged change (profiles are written behind). */
  readonly flushed: () => Promise<void>;
}

/** Every stored profile of the workspace, in profile-id order (call `flushed()` first). */
export async function* scanProfiles(storage: Storage, workspace: WorkspaceId, pageSize = SCAN_PAGE_PROFILES): AsyncGenerator<ProfileState> {
  let afterId: ProfileId | null = null;
  for (;;) {
    const page: readonly ProfileState[] = await storage.read.profiles.list(workspace, { afterId, limit: pageSize });
    for (const state of page) yield state;
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) return;
    afterId = last.profileId;
  }
}

/**
 * A uniform sample of at most `capacity` items from a stream of unknown length (Vitter's
 * algorithm R), seeded so the same stream gives the same sample.
 */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;
  private readonly capacity: number;
  private readonly rng: Rng;

  constructor(capacity: number, rng: Rng) {
    this.capacity = capacity;
    this.rng = rng;
  }

  offer(item: T): void {
    this.seen++;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    const slot = this.rng.nextInt(this.seen);
    if (slot < this.capacity) this.items[slot] = item;
  }

  /** Items offered so far (the sample is exact when it equals items.length). */
  get offered(): number {
    return this.seen;
  }
}

/** An enricher tagged with the model family that installed it ('rfm', 'cluster'). */
export interface SourcedEnricher extends FeatureEnricher {
  readonly source: string;
}

const isSourced = (enricher: FeatureEnricher): enricher is SourcedEnricher =>
  typeof (enricher as Partial<SourcedEnricher>).source === 'string';

/**
 * Installs (or, with null, removes) one family's enricher and keeps the others. Families run in
 * source order, so the features a profile gets do not depend on which model was loaded first.
 */
export function setSourcedEnricher(engine: SegmentEngine, workspace: WorkspaceId, source: string, enricher: SourcedEnricher | null): void {
  const others = engine.enrichers(workspace).filter((e) => !isSourced(e) || e.source !== source);
  const next = enricher === null ? others : [...others, enricher];
  const sourceOf = (e: FeatureEnricher): string => (isSourced(e) ? e.source : '');
  engine.setEnrichers(workspace, [...next].sort((a, b) => (sourceOf(a) < sourceOf(b) ? -1 : sourceOf(a) > sourceOf(b) ? 1 : 0)));
}

/** Plain JSON of a typed document (drops undefined, checks it is serializable). */
export function toJsonValue(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Runs jobs one at a time per key (a refit while a fit runs waits for it). */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(job, job);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

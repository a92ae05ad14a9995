import type { JsonObject } from '../shared/json.js';
import type { EpochMs } from '../shared/time.js';

/**
 * A compiled `where` over event properties. `key` is a canonical text of the condition, equal for
 * equal conditions, so an implementation can cache or index by it.
 */
export interface EventFilter {
  readonly key: string;
  test(properties: JsonObject): boolean;
}

/** Track events named `event` (and passing `filter`) with sinceMs <= timestampMs <= untilMs. */
export interface BehaviorQuery {
  readonly event: string;
  readonly filter: EventFilter | null;
  /** Inclusive; null: from the first recorded event. */
  readonly sinceMs: EpochMs | null;
  /** Inclusive; evaluation passes nowMs, so events stamped after now are not counted yet. */
  readonly untilMs: EpochMs;
}

export interface SequenceStepQuery {
  readonly event: string;
  readonly filter: EventFilter | null;
}

/**
 * Sequence semantics, with events in compareEventOrder (time, then messageId) and only those
 * stamped at or before nowMs:
 * - a *first* is an event matching `first` with timestampMs >= firstSinceMs (when not null);
 * - a *follower* of first f is an event matching `then`, strictly after f in that order, with
 *   timestampMs <= f.timestampMs + windowMs;
 * - thenKind 'did': f is *complete* when it has a follower;
 * - thenKind 'did_not': f is *complete* when it has no follower and its window has fully passed
 *   (f.timestampMs + windowMs < nowMs); it is *pending* while it has no follower and the window
 *   is still open (it completes at f.timestampMs + windowMs + 1 unless a follower arrives).
 * The sequence holds when at least one first is complete.
 */
export interface SequenceQuery {
  readonly first: SequenceStepQuery;
  readonly then: SequenceStepQuery;
  readonly thenKind: 'did' | 'did_not';
  readonly windowMs: number;
  readonly firstSinceMs: EpochMs | null;
  readonly nowMs: EpochMs;
}

export interface SequenceState {
  readonly completeCount: number;
  /** timestampMs of the latest complete first; null when none. */
  readonly lastCompleteFirstAtMs: EpochMs | null;
  /** Earliest instant a pending first completes ('did_not' only); null when none is pending. */
  readonly nextPendingCompletesAtMs: EpochMs | null;
}

/**
 * The engine's window onto one profile's events. The engine implements it over its own indexes;
 * createBehaviorViewFromEvents is the reference implementation over a plain event list, and both
 * must agree on the semantics above (a contract suite can run the golden cases against each).
 */
export interface BehaviorView {
  countMatching(query: BehaviorQuery): number;
  /** timestampMs of the n-th most recent matching event (n = 1: the latest); null if fewer than n. */
  nthLatestMatchAtMs(query: BehaviorQuery, n: number): EpochMs | null;
  sequenceState(query: SequenceQuery): SequenceState;
}

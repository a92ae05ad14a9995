import type { NormalizedEvent } from '../events/event.js';
import { compareEventOrder } from '../events/event.js';
import type { EpochMs } from '../shared/time.js';
import type { BehaviorQuery, BehaviorView, SequenceQuery, SequenceState, SequenceStepQuery } from './behavior-view.js';

/**
 * The reference BehaviorView over a plain list of one profile's events (backfill and tests).
 * Only `track` events take part, matched by their `event` name. Linear scans: the engine's own
 * view answers from indexes, this one defines the answers.
 */
export function createBehaviorViewFromEvents(events: readonly NormalizedEvent[]): BehaviorView {
  const byName = new Map<string, NormalizedEvent[]>();
  for (const event of [...events].sort(compareEventOrder)) {
    if (event.type !== 'track' || event.event === null) continue;
    const list = byName.get(event.event);
    if (list === undefined) byName.set(event.event, [event]);
    else list.push(event);
  }

  function matching(step: SequenceStepQuery, sinceMs: EpochMs | null, untilMs: EpochMs): NormalizedEvent[] {
    return (byName.get(step.event) ?? []).filter(
      (event) =>
        event.timestampMs <= untilMs &&
        (sinceMs === null || event.timestampMs >= sinceMs) &&
        (step.filter === null || step.filter.test(event.properties)),
    );
  }

  return {
    countMatching(query: BehaviorQuery): number {
      return matching(query, query.sinceMs, query.untilMs).length;
    },
    nthLatestMatchAtMs(query: BehaviorQuery, n: number): EpochMs | null {
      const found = matching(query, query.sinceMs, query.untilMs);
      return n >= 1 ? (found[found.length - n]?.timestampMs ?? null) : null;
    },
    sequenceState(query: SequenceQuery): SequenceState {
      const firsts = matching(query.first, query.firstSinceMs, query.nowMs);
      const thens = matching(query.then, null, query.nowMs);
      let completeCount = 0;
      let lastCompleteFirstAtMs: EpochMs | null = null;
      let nextPendingCompletesAtMs: EpochMs | null = null;
      for (const first of firsts) {
        const deadlineMs = first.timestampMs + query.windowMs;
        const followed = thens.some((then) => then !== first && compareEventOrder(first, then) < 0 && then.timestampMs <= deadlineMs);
        const complete = query.thenKind === 'did' ? followed : !followed && deadlineMs < query.nowMs;
        if (complete) {
          completeCount += 1;
          lastCompleteFirstAtMs = first.timestampMs;
        } else if (query.thenKind === 'did_not' && !followed) {
          const completesAtMs = deadlineMs + 1;
          if (nextPendingCompletesAtMs === null || completesAtMs < nextPendingCompletesAtMs) nextPendingCompletesAtMs = completesAtMs;
        }
      }
      return { completeCount, lastCompleteFirstAtMs, nextPendingCompletesAtMs };
    },
  };
}

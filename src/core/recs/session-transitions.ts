import type { InteractionLog } from './interaction-log.js';
import type { ItemNeighbours } from './item-neighbours.js';
import { fromRows } from './item-neighbours.js';

/**
 * Session-based next-item model ("people who looked at this went on to look at …").
 *
 * Each session (a run of consecutive log rows with the same `session` number) is first collapsed to
 * its distinct steps: consecutive repeats of one item (a reload, a view then an add-to-cart) are one
 * step. For every step a and each of the next `window` steps b with item(b) ≠ item(a), weight 1/d is
 * added to the transition a → b, d being the distance in steps (1 for the very next one).
 *
 * Each item's row is then normalised to a plain conditional share
 *
 *   score(a → b) = w(a → b) / Σ_b' w(a → b')
 *
 * with no popularity damping of b (no √(out(a)·in(b)) style correction): the model is meant to
 * answer "what comes next", and popular next items are legitimately likely next items. The
 * denominator sums every transition out of a, including the pairs dropped below, so a score stays
 * an estimate of "share of a's next-steps going to b" and dropping noise does not inflate the rest.
 * A pair is dropped when fewer than `minCount` distinct sessions contributed to it. The best
 * `neighbours` targets are kept per item, best first, ties by ascending index.
 */
export interface SessionTransitionOptions {
  /** Targets kept per item (≥ 1); default 50. */
  readonly neighbours?: number;
  /** How many following distinct steps each step links to (≥ 1); default 3. */
  readonly window?: number;
  /** Pairs seen in fewer distinct sessions are dropped (≥ 1); default 1. */
  readonly minCount?: number;
}

export function fitSessionTransitions(log: InteractionLog, options: SessionTransitionOptions = {}): ItemNeighbours {
  const neighbours = options.neighbours ?? 50;
  const window = options.window ?? 3;
  const minCount = options.minCount ?? 1;
  if (!(Number.isInteger(neighbours) && neighbours >= 1)) throw new RangeError(`fitSessionTransitions: neighbours must be an integer ≥ 1, got ${neighbours}`);
  if (!(Number.isInteger(window) && window >= 1)) throw new RangeError(`fitSessionTransitions: window must be an integer ≥ 1, got ${window}`);
  if (!(Number.isInteger(minCount) && minCount >= 1)) throw new RangeError(`fitSessionTransitions: minCount must be an integer ≥ 1, got ${minCount}`);
  const n = log.items.length;
  const nRows = log.item.length;

  // Pair key a·n + b → slot; per slot: source, target, weight, sessions contributing, last session seen.
  const slotOf = new Map<number, number>();
  const src: number[] = [];
  const dst: number[] = [];
  const weight: number[] = [];
  const sessions: number[] = [];
  const lastSession: number[] = [];
  const outTotal = new Float64Array(n);
  const steps: number[] = [];

  let r = 0;
  let sessionOrdinal = 0;
  while (r < nRows) {
    const s = log.session[r] as number;
    steps.length = 0;
    let end = r;
    for (; end < nRows && (log.session[end] as number) === s; end++) {
      const item = log.item[end] as number;
      if (!(item >= 0 && item < n)) continue;
      if (steps.length > 0 && steps[steps.length - 1] === item) continue;
      steps.push(item);
    }
    for (let p = 0; p < steps.length; p++) {
      const a = steps[p] as number;
      const last = Math.min(steps.length - 1, p + window);
      for (let q = p + 1; q <= last; q++) {
        const b = steps[q] as number;
        if (b === a) continue;
        const w = 1 / (q - p);
        const key = a * n + b;
        let slot = slotOf.get(key);
        if (slot === undefined) {
          slot = src.length;
          slotOf.set(key, slot);
          src.push(a);
          dst.push(b);
          weight.push(0);
          sessions.push(0);
          lastSession.push(-1);
        }
        weight[slot] = (weight[slot] as number) + w;
        if (lastSession[slot] !== sessionOrdinal) {
          lastSession[slot] = sessionOrdinal;
          sessions[slot] = (sessions[slot] as number) + 1;
        }
        outTotal[a] = (outTotal[a] as number) + w;
      }
    }
    sessionOrdinal++;
    r = end;
  }

  const bySource: number[][] = Array.from({ length: n }, () => []);
  for (let slot = 0; slot < src.length; slot++) {
    if ((sessions[slot] as number) < minCount) continue;
    (bySource[src[slot] as number] as number[]).push(slot);
  }
  const rows = bySource.map((slots, a) => {
    const total = outTotal[a] as number;
    slots.sort((x, y) => (weight[y] as number) - (weight[x] as number) || (dst[x] as number) - (dst[y] as number));
    const keep = slots.slice(0, neighbours);
    return { idx: keep.map((slot) => dst[slot] as number), sim: keep.map((slot) => (weight[slot] as number) / total) };
  });
  return fromRows(n, rows);
}

/**
 * Next-item scores for a live session: Σ over the session's items of their transition rows, the most
 * recent item with weight 1, the one before with `decay`, then decay², … so the last viewed item
 * dominates. As in training, consecutive repeats of one item count as one step. Items outside
 * [0, nItems) are ignored but still take their place in the decay (they were still viewed then).
 */
export function sessionScores(
  model: ItemNeighbours,
  recent: ArrayLike<number>,
  out: Float64Array = new Float64Array(model.nItems),
  decay = 0.5,
): Float64Array {
  if (!(decay >= 0 && Number.isFinite(decay))) throw new RangeError(`sessionScores: decay must be a finite number ≥ 0, got ${decay}`);
  out.fill(0);
  let w = 1;
  for (let t = recent.length - 1; t >= 0; t--) {
    const a = recent[t] as number;
    if (t < recent.length - 1 && recent[t + 1] === a) continue;
    if (a >= 0 && a < model.nItems && Number.isInteger(a)) {
      const end = model.nbrPtr[a + 1] as number;
      for (let e = model.nbrPtr[a] as number; e < end; e++) {
        const j = model.nbrIdx[e] as number;
        out[j] = (out[j] as number) + w * (model.nbrSim[e] as number);
      }
    }
    w *= decay;
  }
  return out;
}

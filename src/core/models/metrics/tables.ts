import { checkBinary, orderByScore } from './labels.js';

/**
 * Grouped views of a binary target under scores: rows sorted by score and cut into equal-count
 * groups (group g holds sorted positions floor(g n / G) .. floor((g + 1) n / G) - 1). Tied scores
 * keep row order, so the cut is deterministic even where a tie straddles it.
 */

export interface LiftRow {
  /** 1 = the highest-scored tenth. */
  readonly decile: number;
  readonly count: number;
  readonly positives: number;
  /** positives / count. */
  readonly rate: number;
  /** rate / overall positive rate. */
  readonly lift: number;
  /** Share of all positives captured by deciles 1..decile. */
  readonly cumulativeCapture: number;
  /** Positive rate of deciles 1..decile over the overall rate. */
  readonly cumulativeLift: number;
}

export interface CalibrationRow {
  /** 1 = the lowest predicted probabilities. */
  readonly bin: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
  readonly minPredicted: number;
  readonly maxPredicted: number;
}

function bounds(n: number, groups: number, g: number): [number, number] {
  return [Math.floor((g * n) / groups), Math.floor(((g + 1) * n) / groups)];
}

function checkGroups(what: string, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${what}: groups must be a positive integer, got ${groups}`);
}

/** Lift by decile (or any number of groups), highest scores first. Empty groups are left out. */
export function liftByDecile(y: ArrayLike<number>, scores: ArrayLike<number>, groups = 10): LiftRow[] {
  checkGroups('liftByDecile', groups);
  const positives = checkBinary('liftByDecile', y, scores);
  const n = y.length;
  const overall = n === 0 ? NaN : positives / n;
  const order = orderByScore(scores);
  const rows: LiftRow[] = [];
  let cumCount = 0;
  let cumPositives = 0;
  for (let g = 0; g < groups; g++) {
    const [lo, hi] = bounds(n, groups, g);
    if (hi === lo) continue;
    let pos = 0;
    for (let k = lo; k < hi; k++) pos += y[order[k] ?? 0] ?? 0;
    cumCount += hi - lo;
    cumPositives += pos;
    const rate = pos / (hi - lo);
    rows.push({
      decile: g + 1,
      count: hi - lo,
      positives: pos,
      rate,
      lift: rate / overall,
      cumulativeCapture: positives === 0 ? NaN : cumPositives / positives,
      cumulativeLift: cumPositives / cumCount / overall,
    });
  }
  return rows;
}

/** Calibration table: equal-count groups by predicted probability (lowest first), predicted vs observed. */
export function calibrationTable(y: ArrayLike<number>, p: ArrayLike<number>, groups = 10): CalibrationRow[] {
  checkGroups('calibrationTable', groups);
  checkBinary('calibrationTable', y, p);
  const n = y.length;
  const order = orderByScore(p, true);
  const rows: CalibrationRow[] = [];
  for (let g = 0; g < groups; g++) {
    const [lo, hi] = bounds(n, groups, g);
    if (hi === lo) continue;
    let sumP = 0;
    let pos = 0;
    for (let k = lo; k < hi; k++) {
      const i = order[k] ?? 0;
      sumP += p[i] ?? 0;
      pos += y[i] ?? 0;
    }
    rows.push({
      bin: g + 1,
      count: hi - lo,
      meanPredicted: sumP / (hi - lo),
      observedRate: pos / (hi - lo),
      minPredicted: p[order[lo] ?? 0] ?? NaN,
      maxPredicted: p[order[hi - 1] ?? 0] ?? NaN,
    });
  }
  return rows;
}

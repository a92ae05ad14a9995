import { checkBinary, orderByScore } from './labels.js';

/**
 * Ranking metrics of a binary target (labels 0/1) against scores (higher = more likely positive).
 * Both return NaN when the labels hold only one class (the metric is undefined), never throw for it.
 */

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative,
 * ties counting one half. Computed as the Mann-Whitney statistic with tied scores given their
 * average rank, so it equals the trapezoidal area under the ROC curve.
 */
export function rocAuc(y: ArrayLike<number>, scores: ArrayLike<number>): number {
  const positives = checkBinary('rocAuc', y, scores);
  const n = y.length;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  const order = orderByScore(scores, true);
  let rankSumPositives = 0;
  let i = 0;
  while (i < n) {
    const s = scores[order[i] ?? 0] ?? 0;
    let j = i;
    let tiedPositives = 0;
    while (j < n && (scores[order[j] ?? 0] ?? 0) === s) {
      tiedPositives += y[order[j] ?? 0] ?? 0;
      j++;
    }
    // Ranks i+1 .. j share their average.
    rankSumPositives += tiedPositives * ((i + 1 + j) / 2);
    i = j;
  }
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision (area under the precision-recall curve, step-wise): the sum over distinct score
 * thresholds, from the highest down, of (recall gained at the threshold) x (precision at it). Rows
 * with tied scores enter together, as one threshold.
 */
export function averagePrecision(y: ArrayLike<number>, scores: ArrayLike<number>): number {
  const positives = checkBinary('averagePrecision', y, scores);
  const n = y.length;
  if (positives === 0 || positives === n) return positives === 0 ? NaN : 1;
  const order = orderByScore(scores);
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let i = 0;
  while (i < n) {
    const s = scores[order[i] ?? 0] ?? 0;
    let gained = 0;
    while (i < n && (scores[order[i] ?? 0] ?? 0) === s) {
      gained += y[order[i] ?? 0] ?? 0;
      seen++;
      i++;
    }
    tp += gained;
    if (gained > 0) ap += (gained / positives) * (tp / seen);
  }
  return ap;
}

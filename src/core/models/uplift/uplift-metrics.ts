/**
 * Uplift metrics, defined as scikit-uplift (sklift.metrics) defines them, so figures compare with
 * published ones:
 *
 * - Qini curve: rows ordered by score, highest first. At the end of each run of equal scores (ties
 *   are one step: the curve is only evaluated where the score changes, and the trapezoid between
 *   two such points averages over every order within a tie), with n_t / n_c treated / control rows
 *   and Y_t / Y_c their summed outcomes so far:
 *     qini(n) = Y_t − Y_c · n_t / n_c        (the second term is 0 while n_c = 0)
 *   and the curve starts at (0, 0).
 * - Perfect Qini curve (sklift's default, negative_effect=True): the Qini curve of the score
 *   y·t − y·(1 − t), i.e. treated responders first, then every non-responder (one tie), then
 *   control responders last.
 * - qini_auc_score: (area under the model's curve − area under the random line) / (area under the
 *   perfect curve − area under the random line), where the random line goes straight from (0, 0) to
 *   the perfect curve's last point (n, qini(n)); areas by the trapezoid rule. 0 for random order in
 *   expectation, 1 for the perfect order; negative when worse than random.
 * - uplift_at_k, strategy 'overall': the first ⌊k·n⌋ rows by score (sklift's order: a stable
 *   ascending sort reversed, so within a tie the later row comes first), mean outcome of the treated
 *   among them minus mean outcome of the control among them (NaN when either group is empty there).
 * - Uplift curve: at each tie end, (Y_t / n_t − Y_c / n_c) · n (each ratio 0 while its count is 0).
 *
 * Outcomes may be any numbers for the curves (sklift's curves do not check), but qiniAucScore
 * follows sklift's qini_auc_score and needs 0/1 outcomes. Treatment must be 0/1.
 */

export interface Curve {
  /** Rows targeted at each point (0 first). */
  readonly x: Float64Array;
  readonly y: Float64Array;
}

function checkInputs(what: string, y: ArrayLike<number>, score: ArrayLike<number>, treatment: ArrayLike<number>): void {
  if (y.length !== score.length || y.length !== treatment.length) {
    throw new RangeError(`${what}: ${y.length} outcomes, ${score.length} scores and ${treatment.length} treatment flags`);
  }
  for (let i = 0; i < treatment.length; i++) {
    const t = treatment[i];
    if (t !== 0 && t !== 1) throw new RangeError(`${what}: treatment ${i} is ${String(t)}, expected 0 or 1`);
    if (Number.isNaN(score[i])) throw new RangeError(`${what}: score ${i} is NaN`);
    if (!Number.isFinite(y[i])) throw new RangeError(`${what}: outcome ${i} is ${String(y[i])}`);
  }
}

/** sklift's order: indices by score descending; within ties the later row first. */
export function skliftOrder(score: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: score.length }, (_, i) => i);
  // Stable ascending by score, then reversed == descending by score, ties by descending index.
  return order.sort((a, b) => (score[b] as number) - (score[a] as number) || b - a);
}

interface Cumulative {
  readonly x: number[];
  readonly nt: number[];
  readonly yt: number[];
  readonly yc: number[];
}

/** Cumulative counts and sums at the end of each tie run, highest scores first. */
function cumulativeAtThresholds(y: ArrayLike<number>, score: ArrayLike<number>, treatment: ArrayLike<number>): Cumulative {
  const order = skliftOrder(score);
  const out: Cumulative = { x: [], nt: [], yt: [], yc: [] };
  let nt = 0;
  let yt = 0;
  let yc = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r] as number;
    if (treatment[i] === 1) {
      nt++;
      yt += y[i] as number;
    } else {
      yc += y[i] as number;
    }
    const next = order[r + 1];
    if (next === undefined || score[next] !== score[i]) {
      out.x.push(r + 1);
      out.nt.push(nt);
      out.yt.push(yt);
      out.yc.push(yc);
    }
  }
  return out;
}

function withOrigin(x: number[], y: number[]): Curve {
  return { x: Float64Array.from([0, ...x]), y: Float64Array.from([0, ...y]) };
}

/** sklift.metrics.qini_curve. */
export function qiniCurve(y: ArrayLike<number>, score: ArrayLike<number>, treatment: ArrayLike<number>): Curve {
  checkInputs('qiniCurve', y, score, treatment);
  const c = cumulativeAtThresholds(y, score, treatment);
  const values = c.x.map((n, j) => {
    const nt = c.nt[j] as number;
    const nc = n - nt;
    return (c.yt[j] as number) - (nc === 0 ? 0 : ((c.yc[j] as number) * nt) / nc);
  });
  return withOrigin(c.x, values);
}

/** sklift.metrics.perfect_qini_curve with negative_effect=True. */
export function perfectQiniCurve(y: ArrayLike<number>, treatment: ArrayLike<number>): Curve {
  const ideal = Float64Array.from({ length: y.length }, (_, i) => (treatment[i] === 1 ? (y[i] as number) : -(y[i] as number)));
  return qiniCurve(y, ideal, treatment);
}

/** sklift.metrics.uplift_curve. */
export function upliftCurve(y: ArrayLike<number>, score: ArrayLike<number>, treatment: ArrayLike<number>): Curve {
  checkInputs('upliftCurve', y, score, treatment);
  const c = cumulativeAtThresholds(y, score, treatment);
  const values = c.x.map((n, j) => {
    const nt = c.nt[j] as number;
    const nc = n - nt;
    const rt = nt === 0 ? 0 : (c.yt[j] as number) / nt;
    const rc = nc === 0 ? 0 : (c.yc[j] as number) / nc;
    return (rt - rc) * n;
  });
  return withOrigin(c.x, values);
}

/** Area under a curve by the trapezoid rule (sklearn.metrics.auc on increasing x). */
export function trapezoidArea(curve: Curve): number {
  let area = 0;
  for (let i = 1; i < curve.x.length; i++) {
    area += (((curve.x[i] as number) - (curve.x[i - 1] as number)) * ((curve.y[i] as number) + (curve.y[i - 1] as number))) / 2;
  }
  return area;
}

/**
 * sklift.metrics.qini_auc_score (negative_effect=True): the area between the model's Qini curve and
 * the random line, over the same area of the perfect curve. NaN when the perfect curve adds no area
 * over the random line (no responders at all). sklift accepts 0/1 outcomes only; with
 * `{ continuous: true }` the same formula is applied to any outcome (e.g. spend): the curves are
 * sklift's own, and the perfect order is then treated rows by outcome descending, the rest, and
 * control rows by outcome ascending. That extension is Attune's, not sklift's.
 */
export function qiniAucScore(y: ArrayLike<number>, score: ArrayLike<number>, treatment: ArrayLike<number>, options: { readonly continuous?: boolean } = {}): number {
  if (options.continuous !== true) {
    for (let i = 0; i < y.length; i++) {
      if (y[i] !== 0 && y[i] !== 1) throw new RangeError(`qiniAucScore: outcome ${i} is ${String(y[i])}, expected 0 or 1`);
    }
  }
  const actual = qiniCurve(y, score, treatment);
  const perfect = perfectQiniCurve(y, treatment);
  const last = perfect.x.length - 1;
  const baseline: Curve = { x: Float64Array.of(0, perfect.x[last] as number), y: Float64Array.of(0, perfect.y[last] as number) };
  const base = trapezoidArea(baseline);
  const perfectArea = trapezoidArea(perfect) - base;
  return perfectArea === 0 ? Number.NaN : (trapezoidArea(actual) - base) / perfectArea;
}

/** sklift.metrics.uplift_at_k with strategy='overall' and a fractional k in (0, 1]. */
export function upliftAtK(y: ArrayLike<number>, score: ArrayLike<number>, treatment: ArrayLike<number>, k: number): number {
  checkInputs('upliftAtK', y, score, treatment);
  if (!(k > 0 && k <= 1)) throw new RangeError(`upliftAtK: k must be in (0, 1], got ${k}`);
  const order = skliftOrder(score);
  const size = Math.floor(y.length * k);
  let nt = 0;
  let nc = 0;
  let yt = 0;
  let yc = 0;
  for (let r = 0; r < size; r++) {
    const i = order[r] as number;
    if (treatment[i] === 1) {
      nt++;
      yt += y[i] as number;
    } else {
      nc++;
      yc += y[i] as number;
    }
  }
  return (nt === 0 ? Number.NaN : yt / nt) - (nc === 0 ? Number.NaN : yc / nc);
}

import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import { perfectQiniCurve, qiniAucScore, qiniCurve, trapezoidArea, upliftAtK, upliftCurve } from './uplift-metrics.js';

/*
 * Hand example A (no ties), rows already in score order:
 *   y = 1 0 1 0 1 0,  t = 1 1 0 0 1 0,  score = .9 .8 .7 .6 .5 .4
 *   n:    1  2   3  4   5   6
 *   n_t:  1  2   2  2   3   3      Y_t: 1 1 1 1 2 2
 *   n_c:  0  0   1  2   2   3      Y_c: 0 0 1 1 1 1
 *   qini: 1  1  -1  0  0.5  1      (Y_t − Y_c·n_t/n_c, 0 while n_c = 0)
 *   area = 0.5 + 1 + 0 − 0.5 + 0.25 + 0.75 = 2; random line (0,0)–(6,1): 3.
 *   perfect score y·t − y·(1−t) = 1 0 −1 0 1 0: ties end at n = 2 (qini 2), 5 (2), 6 (2 − 1·3/3 = 1)
 *   perfect area = 2 + 6 + 1.5 = 9.5. Qini coefficient = (2 − 3) / (9.5 − 3) = −1 / 6.5.
 */
const A = { y: [1, 0, 1, 0, 1, 0], t: [1, 1, 0, 0, 1, 0], s: [0.9, 0.8, 0.7, 0.6, 0.5, 0.4] };

/*
 * Hand example B (ties): y = 1 0 0 1, t = 1 0 1 0, score = 1 1 0 0.
 *   tie ends at n = 2 (n_t 1, Y_t 1, n_c 1, Y_c 0: qini 1) and n = 4 (2, 1, 2, 1: qini 0);
 *   area = 1 + 1 = 2, random line (0,0)–(4,0): 0.
 *   perfect score 1 0 0 −1: ends at 1 (qini 1), 3 (n_t 2, Y_t 1, n_c 1, Y_c 0: 1), 4 (1 − 1·2/2 = 0)
 *   perfect area = 0.5 + 2 + 0.5 = 3. Qini coefficient = 2 / 3.
 */
const B = { y: [1, 0, 0, 1], t: [1, 0, 1, 0], s: [1, 1, 0, 0] };

describe('qiniCurve and qiniAucScore (sklift definitions)', () => {
  it('matches hand example A', () => {
    const curve = qiniCurve(A.y, A.s, A.t);
    expect(Array.from(curve.x)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(curve.y)).toEqual([0, 1, 1, -1, 0, 0.5, 1]);
    expect(trapezoidArea(curve)).toBeCloseTo(2, 12);
    const perfect = perfectQiniCurve(A.y, A.t);
    expect(Array.from(perfect.x)).toEqual([0, 2, 5, 6]);
    expect(Array.from(perfect.y)).toEqual([0, 2, 2, 1]);
    expect(qiniAucScore(A.y, A.s, A.t)).toBeCloseTo(-1 / 6.5, 12);
  });

  it('matches hand example B: a tie is one step, whatever the order inside it', () => {
    const curve = qiniCurve(B.y, B.s, B.t);
    expect(Array.from(curve.x)).toEqual([0, 2, 4]);
    expect(Array.from(curve.y)).toEqual([0, 1, 0]);
    expect(qiniAucScore(B.y, B.s, B.t)).toBeCloseTo(2 / 3, 12);
    // The same rows listed in another order give the same score.
    const p = [3, 1, 2, 0];
    const pick = (v: number[]): number[] => p.map((i) => v[i] as number);
    expect(qiniAucScore(pick(B.y), pick(B.s), pick(B.t))).toBeCloseTo(2 / 3, 12);
  });

  it('is 1 for the perfect order, 0 for a constant score, and near 0 for random scores', () => {
    const rng = createRng(3);
    const n = 20_000;
    const t = Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
    const y = t.map((ti) => (rng.next() < (ti === 1 ? 0.2 : 0.1) ? 1 : 0));
    const ideal = y.map((yi, i) => (t[i] === 1 ? yi : -yi));
    expect(qiniAucScore(y, ideal, t)).toBeCloseTo(1, 12);
    expect(qiniAucScore(y, new Array<number>(n).fill(0.5), t)).toBeCloseTo(0, 12);
    const random = Array.from({ length: n }, () => rng.next());
    expect(Math.abs(qiniAucScore(y, random, t))).toBeLessThan(0.05);
  });

  it('refuses non-binary outcomes unless asked for the continuous extension', () => {
    expect(() => qiniAucScore([2, 0], [1, 0], [1, 0])).toThrow(RangeError);
    const y = [5, 0, 3, 0];
    const t = [1, 1, 0, 0];
    expect(qiniAucScore(y, [0, 1, 2, 3], t, { continuous: true })).toBeLessThan(0);
    expect(qiniAucScore(y, [4, 3, 1, 2], t, { continuous: true })).toBeCloseTo(1, 12);
  });
});

describe('upliftAtK (strategy overall) and upliftCurve', () => {
  it('takes the top floor(k·n) rows: example A at k = 0.5 is 1/2 − 1', () => {
    expect(upliftAtK(A.y, A.s, A.t, 0.5)).toBeCloseTo(-0.5, 12);
    // k = 1: treated 2/3, control 1/3.
    expect(upliftAtK(A.y, A.s, A.t, 1)).toBeCloseTo(1 / 3, 12);
    // Only treated rows in the top 2: NaN, as sklift's mean of an empty group.
    expect(upliftAtK(A.y, A.s, A.t, 0.34)).toBeNaN();
  });

  it('breaks ties as sklift does: the later row first', () => {
    // All tied: the top 2 of 4 are rows 3 and 2 (t = 0, y = 1; t = 1, y = 0): 0 − 1.
    expect(upliftAtK(B.y, [0, 0, 0, 0], B.t, 0.5)).toBe(-1);
  });

  it('gives (treated rate − control rate) · n at each tie end', () => {
    const curve = upliftCurve(A.y, A.s, A.t);
    expect(Array.from(curve.x)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const expected = [0, 1, 1, (1 / 2 - 1) * 3, (1 / 2 - 1 / 2) * 4, (2 / 3 - 1 / 2) * 5, (2 / 3 - 1 / 3) * 6];
    Array.from(curve.y).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 12));
  });
});

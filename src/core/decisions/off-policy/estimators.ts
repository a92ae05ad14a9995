import type { Vector } from '../bandit/linalg.js';

/**
 * Off-policy evaluation of a target policy from logged decisions (each with the probability the
 * logging policy gave its arm): inverse propensity scoring, its self-normalized form, and doubly
 * robust (Dudík, Langford & Li 2011). All three assume the logging propensities are right and
 * positive wherever the target puts mass (the ε-floor of the bandits guarantees that).
 */
export interface LoggedDecision {
  readonly x: Vector;
  readonly arm: string;
  /** P(arm | x, eligible) under the logging policy, in (0, 1]. */
  readonly propensity: number;
  readonly reward: number;
  readonly eligible: readonly string[];
}

/**
 * A target policy: the arm it plays (deterministic), or its probability for each arm of `eligible`,
 * in that order (summing to 1).
 */
export type TargetPolicy = (x: Vector, eligible: readonly string[]) => string | readonly number[];

/** q̂(x, a): a model of the expected reward of arm a in context x. */
export type RewardModel = (x: Vector, arm: string) => number;

export interface OffPolicyOptions {
  /** Importance weights above this are clipped to it (biased, lower variance); default none. */
  readonly maxWeight?: number;
}

export interface OffPolicyEstimate {
  readonly estimate: number;
  /** Sample sd of the per-decision terms / √n (SNIPS: delta method, see `snips`). */
  readonly standardError: number;
  readonly n: number;
  /** Kish's effective sample size (Σw)² / Σw² of the (clipped) weights. */
  readonly effectiveSampleSize: number;
  /** Decisions whose weight was clipped. */
  readonly clipped: number;
}

/** The target's probability of each eligible arm, in `eligible` order. */
export function targetProbabilities(target: TargetPolicy, x: Vector, eligible: readonly string[]): readonly number[] {
  const out = target(x, eligible);
  if (typeof out !== 'string') {
    if (out.length !== eligible.length) throw new RangeError('target policy: one probability per eligible arm expected');
    return out;
  }
  const i = eligible.indexOf(out);
  if (i < 0) throw new RangeError(`target policy chose ${out}, which is not eligible`);
  return eligible.map((_, j) => (j === i ? 1 : 0));
}

interface Weighted {
  readonly weights: Float64Array;
  readonly probabilities: (readonly number[])[];
  readonly clipped: number;
}

function importanceWeights(logs: readonly LoggedDecision[], target: TargetPolicy, options: OffPolicyOptions): Weighted {
  const weights = new Float64Array(logs.length);
  const probabilities: (readonly number[])[] = [];
  const cap = options.maxWeight ?? Infinity;
  let clipped = 0;
  logs.forEach((log, t) => {
    if (!(log.propensity > 0 && log.propensity <= 1)) throw new RangeError(`logged decision ${t}: propensity must be in (0, 1], got ${log.propensity}`);
    const probs = targetProbabilities(target, log.x, log.eligible);
    probabilities.push(probs);
    const i = log.eligible.indexOf(log.arm);
    if (i < 0) throw new RangeError(`logged decision ${t}: arm ${log.arm} is not in its eligible set`);
    let w = (probs[i] ?? 0) / log.propensity;
    if (w > cap) {
      w = cap;
      clipped++;
    }
    weights[t] = w;
  });
  return { weights, probabilities, clipped };
}

function meanAndSe(terms: Float64Array): { mean: number; se: number } {
  const n = terms.length;
  if (n === 0) return { mean: Number.NaN, se: Number.NaN };
  let sum = 0;
  for (const v of terms) sum += v;
  const mean = sum / n;
  if (n < 2) return { mean, se: Number.NaN };
  let ss = 0;
  for (const v of terms) ss += (v - mean) * (v - mean);
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}

function ess(weights: Float64Array): number {
  let s = 0;
  let s2 = 0;
  for (const w of weights) {
    s += w;
    s2 += w * w;
  }
  return s2 === 0 ? 0 : (s * s) / s2;
}

/** IPS: mean of w_t r_t with w_t = π(a_t|x_t) / p_t. Unbiased (unclipped); high variance. */
export function ips(logs: readonly LoggedDecision[], target: TargetPolicy, options: OffPolicyOptions = {}): OffPolicyEstimate {
  const { weights, clipped } = importanceWeights(logs, target, options);
  const terms = weights.map((w, t) => w * (logs[t]?.reward ?? 0));
  const { mean, se } = meanAndSe(terms);
  return { estimate: mean, standardError: se, n: logs.length, effectiveSampleSize: ess(weights), clipped };
}

/**
 * Self-normalized IPS: Σ w r / Σ w (slightly biased, consistent, usually far less variance).
 * Standard error by the delta method: the sd of w_t (r_t − V̂) / w̄, over √n.
 */
export function snips(logs: readonly LoggedDecision[], target: TargetPolicy, options: OffPolicyOptions = {}): OffPolicyEstimate {
  const { weights, clipped } = importanceWeights(logs, target, options);
  let sw = 0;
  let swr = 0;
  weights.forEach((w, t) => {
    sw += w;
    swr += w * (logs[t]?.reward ?? 0);
  });
  const n = logs.length;
  const estimate = sw > 0 ? swr / sw : Number.NaN;
  const meanW = sw / n;
  const influence = weights.map((w, t) => (w * ((logs[t]?.reward ?? 0) - estimate)) / meanW);
  const { se } = meanAndSe(influence);
  return { estimate, standardError: se, n, effectiveSampleSize: ess(weights), clipped };
}

/**
 * Doubly robust: mean of Σ_a π(a|x_t) q̂(x_t, a) + w_t (r_t − q̂(x_t, a_t)). Unbiased when either the
 * propensities or q̂ are right; its variance shrinks as q̂ improves. q̂ fitted on the same logs (as
 * `fitRidgeRewardModel` does when given them) adds a small bias; cross-fit on a split to avoid it.
 */
export function doublyRobust(
  logs: readonly LoggedDecision[],
  target: TargetPolicy,
  model: RewardModel,
  options: OffPolicyOptions = {},
): OffPolicyEstimate {
  const { weights, probabilities, clipped } = importanceWeights(logs, target, options);
  const terms = new Float64Array(logs.length);
  logs.forEach((log, t) => {
    const probs = probabilities[t] ?? [];
    let direct = 0;
    log.eligible.forEach((arm, i) => {
      const p = probs[i] ?? 0;
      if (p > 0) direct += p * model(log.x, arm);
    });
    terms[t] = direct + (weights[t] ?? 0) * (log.reward - model(log.x, log.arm));
  });
  const { mean, se } = meanAndSe(terms);
  return { estimate: mean, standardError: se, n: logs.length, effectiveSampleSize: ess(weights), clipped };
}

import type { Rng } from '../../shared/rng.js';
import type { Vector } from './linalg.js';
import { cholesky, dot, quadraticForm, standardNormal } from './linalg.js';
import type { BanditChoice, LinearArm, LinTsConfig, LinTsState } from './linear-arms.js';
import {
  armOrFresh,
  checkCommonConfig,
  checkContext,
  checkEligible,
  DEFAULT_EPSILON,
  epsilonFloor,
  mixtureProbability,
  ridgeCoefficients,
} from './linear-arms.js';

/**
 * Linear Thompson sampling (Agrawal & Goyal 2013) on disjoint arms: posterior θ_a ~ N(θ̂_a, v²A_a⁻¹);
 * draw one θ̃_a per eligible arm and play argmax θ̃_aᵀx, inside the same ε-floor as LinUCB.
 *
 * Only θ̃_aᵀx matters for the choice, and for a fixed x it is exactly N(θ̂_aᵀx, v²·xᵀA_a⁻¹x), so
 * `chooseLinTs` draws that scalar (one normal per arm, O(d²)) instead of the full vector through a
 * Cholesky factor (d normals, O(d³)): the same distribution of choices, cheaper and with no
 * factorisation to go wrong. `sampleLinTsCoefficients` draws the full θ̃ via Cholesky of A⁻¹ where the
 * vector itself is wanted.
 *
 * Propensity: the probability that Thompson picks a given arm has no closed form, so it is a
 * MONTE-CARLO ESTIMATE from `propensitySamples` extra posterior draws (default 32):
 * p̂ = ε/K + (1 − ε)·(wins of the arm / samples), which is ≥ ε/K by construction (the clip the
 * estimate needs). With ε = 0 an arm that won none of the extra draws would get 0; keep ε > 0 when
 * the logs feed off-policy evaluation.
 */
export interface LinTsOptions {
  readonly dim: number;
  /** Default 0.5. */
  readonly v?: number;
  /** Default 1. */
  readonly lambda?: number;
  /** Default 0.05. */
  readonly epsilon?: number;
  /** Default 32. */
  readonly propensitySamples?: number;
}

export function createLinTs(options: LinTsOptions): LinTsState {
  const config: LinTsConfig = {
    dim: options.dim,
    v: options.v ?? 0.5,
    lambda: options.lambda ?? 1,
    epsilon: options.epsilon ?? DEFAULT_EPSILON,
    propensitySamples: options.propensitySamples ?? 32,
  };
  checkCommonConfig(config.dim, config.lambda, config.epsilon);
  if (!(config.v > 0)) throw new RangeError(`createLinTs: v must be > 0, got ${config.v}`);
  if (!Number.isInteger(config.propensitySamples) || config.propensitySamples < 1) {
    throw new RangeError(`createLinTs: propensitySamples must be a positive integer, got ${config.propensitySamples}`);
  }
  return { kind: 'lints', config, arms: [] };
}

/** One posterior draw θ̃ = θ̂ + v·L z, with L Lᵀ = A⁻¹ (Cholesky) and z ~ N(0, I). */
export function sampleLinTsCoefficients(state: LinTsState, arm: string, rng: Rng): Float64Array {
  const d = state.config.dim;
  const a: LinearArm = armOrFresh(state, arm);
  const theta = ridgeCoefficients(a, d);
  const l = cholesky(a.aInv, d);
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) z[i] = standardNormal(rng);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += (l[i * d + k] ?? 0) * (z[k] ?? 0);
    theta[i] = (theta[i] ?? 0) + state.config.v * s;
  }
  return theta;
}

interface Posterior {
  readonly means: Float64Array;
  readonly sds: Float64Array;
}

/** Per eligible arm, the posterior of θᵀx: mean θ̂ᵀx and sd v·sqrt(xᵀA⁻¹x). */
function projectedPosterior(state: LinTsState, eligible: readonly string[], x: Vector): Posterior {
  const d = state.config.dim;
  const means = new Float64Array(eligible.length);
  const sds = new Float64Array(eligible.length);
  eligible.forEach((id, i) => {
    const arm = armOrFresh(state, id);
    means[i] = dot(ridgeCoefficients(arm, d), x, d);
    sds[i] = state.config.v * Math.sqrt(Math.max(0, quadraticForm(arm.aInv, x, d)));
  });
  return { means, sds };
}

/** One Thompson draw: the winning index and the sampled values (written into `out`). */
function thompsonDraw(p: Posterior, rng: Rng, out: Float64Array): number {
  let best = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = (p.means[i] ?? 0) + (p.sds[i] ?? 0) * standardNormal(rng);
    if ((out[i] ?? 0) > (out[best] ?? 0)) best = i;
  }
  return best;
}

/** How often each eligible arm wins among `samples` Thompson draws, as fractions. */
function winShares(p: Posterior, samples: number, rng: Rng): Float64Array {
  const wins = new Float64Array(p.means.length);
  const scratch = new Float64Array(p.means.length);
  for (let s = 0; s < samples; s++) {
    const w = thompsonDraw(p, rng, scratch);
    wins[w] = (wins[w] ?? 0) + 1;
  }
  for (let i = 0; i < wins.length; i++) wins[i] = (wins[i] ?? 0) / samples;
  return wins;
}

/** The ε-floored distribution over `eligible`, estimated from `samples` draws (sums to 1). */
export function linTsDistribution(state: LinTsState, eligible: readonly string[], x: Vector, rng: Rng, samples = state.config.propensitySamples): number[] {
  checkEligible(eligible);
  checkContext(x, state.config.dim);
  const shares = winShares(projectedPosterior(state, eligible, x), samples, rng);
  return Array.from(shares, (s) => mixtureProbability(state.config.epsilon, eligible.length, s));
}

/**
 * Chooses among `eligible`. Randomness, in order: one Thompson draw, the ε-floor's uniform (and an
 * integer when exploring), then `propensitySamples` draws for the propensity estimate.
 */
export function chooseLinTs(state: LinTsState, eligible: readonly string[], x: Vector, rng: Rng): BanditChoice {
  checkEligible(eligible);
  checkContext(x, state.config.dim);
  const posterior = projectedPosterior(state, eligible, x);
  const sampled = new Float64Array(eligible.length);
  const top = thompsonDraw(posterior, rng, sampled);
  const k = eligible.length;
  const { index, reason } = epsilonFloor(k, state.config.epsilon, top, rng);
  const shares = winShares(posterior, state.config.propensitySamples, rng);
  return {
    arm: eligible[index] ?? '',
    propensity: mixtureProbability(state.config.epsilon, k, shares[index] ?? 0),
    reason,
    scores: Array.from(sampled),
  };
}

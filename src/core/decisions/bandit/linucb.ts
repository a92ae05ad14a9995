import type { Rng } from '../../shared/rng.js';
import type { Vector } from './linalg.js';
import { dot, quadraticForm } from './linalg.js';
import type { BanditChoice, LinUcbConfig, LinUcbState } from './linear-arms.js';
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
 * Disjoint LinUCB (Li, Chu, Langford, Schapire 2010, Algorithm 1): per arm a ridge estimate
 * θ̂_a = A_a⁻¹ b_a, score_a(x) = θ̂_aᵀx + α·sqrt(xᵀA_a⁻¹x); play the best score (ties: first in
 * `eligible`), wrapped in the ε-floor so every eligible arm keeps probability ≥ ε/K and the logged
 * propensity is exact. α = 0 gives ε-greedy on the ridge estimates; ε = 1 gives uniform random.
 */
export interface LinUcbOptions {
  readonly dim: number;
  /** Default 1. */
  readonly alpha?: number;
  /** Default 1. */
  readonly lambda?: number;
  /** Default 0.05. */
  readonly epsilon?: number;
}

export function createLinUcb(options: LinUcbOptions): LinUcbState {
  const config: LinUcbConfig = {
    dim: options.dim,
    alpha: options.alpha ?? 1,
    lambda: options.lambda ?? 1,
    epsilon: options.epsilon ?? DEFAULT_EPSILON,
  };
  checkCommonConfig(config.dim, config.lambda, config.epsilon);
  if (!(config.alpha >= 0)) throw new RangeError(`createLinUcb: alpha must be ≥ 0, got ${config.alpha}`);
  return { kind: 'linucb', config, arms: [] };
}

/** UCB score of each eligible arm, in `eligible` order. */
export function linUcbScores(state: LinUcbState, eligible: readonly string[], x: Vector): number[] {
  const { dim: d, alpha } = state.config;
  return eligible.map((id) => {
    const arm = armOrFresh(state, id);
    const mean = dot(ridgeCoefficients(arm, d), x, d);
    return alpha === 0 ? mean : mean + alpha * Math.sqrt(Math.max(0, quadraticForm(arm.aInv, x, d)));
  });
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

/** The exact ε-floored distribution over `eligible` (sums to 1). Uses no randomness. */
export function linUcbDistribution(state: LinUcbState, eligible: readonly string[], x: Vector): number[] {
  checkEligible(eligible);
  checkContext(x, state.config.dim);
  const top = argmax(linUcbScores(state, eligible, x));
  const k = eligible.length;
  return eligible.map((_, i) => mixtureProbability(state.config.epsilon, k, i === top ? 1 : 0));
}

/** Chooses among `eligible` (arms never updated start fresh); reads nothing but `rng`. */
export function chooseLinUcb(state: LinUcbState, eligible: readonly string[], x: Vector, rng: Rng): BanditChoice {
  checkEligible(eligible);
  checkContext(x, state.config.dim);
  const scores = linUcbScores(state, eligible, x);
  const top = argmax(scores);
  const k = eligible.length;
  const { index, reason } = epsilonFloor(k, state.config.epsilon, top, rng);
  return {
    arm: eligible[index] ?? '',
    propensity: mixtureProbability(state.config.epsilon, k, index === top ? 1 : 0),
    reason,
    scores,
  };
}

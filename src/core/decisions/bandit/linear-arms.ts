import { z } from 'zod';
import type { Rng } from '../../shared/rng.js';
import type { Vector } from './linalg.js';
import { dot, matVec, scaledIdentity, shermanMorrisonUpdate } from './linalg.js';

/**
 * What disjoint linear bandits (LinUCB, linear Thompson sampling) keep per arm: the ridge statistics
 * A = λI + Σ x xᵀ (held only as its inverse, kept current by Sherman-Morrison) and b = Σ r x. The
 * whole state is plain JSON (arrays of numbers, string ids), so `JSON.parse(JSON.stringify(state))`
 * is the same bandit: doubles survive JSON exactly.
 */
export interface LinearArm {
  readonly id: string;
  /** A⁻¹, d x d row-major. */
  readonly aInv: number[];
  /** b = Σ reward · x. */
  readonly b: number[];
  /** Updates seen. */
  n: number;
}

export interface LinUcbConfig {
  readonly dim: number;
  /** Width of the confidence bonus α (0 = greedy on the ridge estimate). */
  readonly alpha: number;
  /** Ridge prior λ > 0: A starts at λI. */
  readonly lambda: number;
  /** Exploration floor ε in [0, 1]: every eligible arm has probability ≥ ε/K. */
  readonly epsilon: number;
}

export interface LinTsConfig {
  readonly dim: number;
  /** Posterior scale v > 0: θ̃ ~ N(θ̂, v² A⁻¹). */
  readonly v: number;
  readonly lambda: number;
  readonly epsilon: number;
  /** Extra posterior draws used to estimate the propensity of the Thompson arm (≥ 1). */
  readonly propensitySamples: number;
}

export interface LinUcbState {
  readonly kind: 'linucb';
  readonly config: LinUcbConfig;
  /** Arms in first-update order. */
  readonly arms: LinearArm[];
}

export interface LinTsState {
  readonly kind: 'lints';
  readonly config: LinTsConfig;
  readonly arms: LinearArm[];
}

export type LinearBanditState = LinUcbState | LinTsState;

/** One decision: the arm, the exact probability it had (Monte-Carlo for Thompson), and why. */
export interface BanditChoice {
  readonly arm: string;
  /** P(this arm | x, eligible) under the ε-floored policy; ≥ ε/K. */
  readonly propensity: number;
  /** 'explore': drawn by the uniform ε branch; 'exploit': the policy's own arm. */
  readonly reason: 'explore' | 'exploit';
  /** Per eligible arm, in `eligible` order: the UCB score (LinUCB) or the sampled mean (Thompson). */
  readonly scores: readonly number[];
}

export const DEFAULT_EPSILON = 0.05;

/** A fresh arm: A⁻¹ = I/λ, b = 0. */
export function freshArm(id: string, dim: number, lambda: number): LinearArm {
  return { id, aInv: scaledIdentity(dim, 1 / lambda), b: new Array<number>(dim).fill(0), n: 0 };
}

export function findArm(state: LinearBanditState, id: string): LinearArm | undefined {
  for (const arm of state.arms) if (arm.id === id) return arm;
  return undefined;
}

/** The stored arm, or a fresh (not stored) one for an arm never updated. */
export function armOrFresh(state: LinearBanditState, id: string): LinearArm {
  return findArm(state, id) ?? freshArm(id, state.config.dim, state.config.lambda);
}

/** θ̂ = A⁻¹ b. */
export function ridgeCoefficients(arm: LinearArm, dim: number): Float64Array {
  return matVec(arm.aInv, arm.b, dim);
}

/**
 * Learns from one outcome, in place (O(d²)): A ← A + x xᵀ via Sherman-Morrison on A⁻¹, b ← b + r x.
 * An arm never seen starts fresh. Mutates `state` (the online-learning hot path; copy first with
 * `structuredClone` if the old state must be kept).
 */
export function update(state: LinearBanditState, arm: string, x: Vector, reward: number): void {
  const d = state.config.dim;
  checkContext(x, d);
  if (!Number.isFinite(reward)) throw new RangeError(`update: reward must be finite, got ${reward}`);
  let stored = findArm(state, arm);
  if (stored === undefined) {
    stored = freshArm(arm, d, state.config.lambda);
    state.arms.push(stored);
  }
  shermanMorrisonUpdate(stored.aInv, x, d);
  for (let i = 0; i < d; i++) stored.b[i] = (stored.b[i] ?? 0) + reward * (x[i] ?? 0);
  stored.n += 1;
}

/** argmax θ̂ᵀx over eligible arms (ties: first in `eligible`): the learned policy with no exploration. */
export function greedyArm(state: LinearBanditState, eligible: readonly string[], x: Vector): string {
  checkEligible(eligible);
  checkContext(x, state.config.dim);
  const d = state.config.dim;
  let best = eligible[0] ?? '';
  let bestScore = -Infinity;
  for (const id of eligible) {
    const s = dot(ridgeCoefficients(armOrFresh(state, id), d), x, d);
    if (s > bestScore) {
      bestScore = s;
      best = id;
    }
  }
  return best;
}

/**
 * The ε-floor: with probability 1 − ε play the policy's arm, else one uniformly among the K eligible
 * arms. `exploitProbability(i)` is the policy's own probability of eligible[i]; the mixture gives
 * P(i) = ε/K + (1 − ε) · exploitProbability(i). Draws one uniform, plus one integer when exploring.
 */
export function epsilonFloor(
  eligibleCount: number,
  epsilon: number,
  exploitIndex: number,
  rng: Rng,
): { readonly index: number; readonly reason: 'explore' | 'exploit' } {
  if (epsilon > 0 && rng.next() < epsilon) return { index: rng.nextInt(eligibleCount), reason: 'explore' };
  return { index: exploitIndex, reason: 'exploit' };
}

export function mixtureProbability(epsilon: number, k: number, exploitProbability: number): number {
  return epsilon / k + (1 - epsilon) * exploitProbability;
}

export function checkEligible(eligible: readonly string[]): void {
  if (eligible.length === 0) throw new RangeError('bandit: no eligible arm');
  if (new Set(eligible).size !== eligible.length) throw new RangeError('bandit: duplicate arm in eligible');
}

export function checkContext(x: Vector, dim: number): void {
  if (x.length !== dim) throw new RangeError(`bandit: context has ${x.length} features, expected ${dim}`);
}

export function checkCommonConfig(dim: number, lambda: number, epsilon: number): void {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`bandit: dim must be a positive integer, got ${dim}`);
  if (!(lambda > 0)) throw new RangeError(`bandit: lambda must be > 0, got ${lambda}`);
  if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`bandit: epsilon must be in [0, 1], got ${epsilon}`);
}

// ---------------------------------------------------------------------------------------------
// JSON

const armSchema = z.object({ id: z.string(), aInv: z.array(z.number()), b: z.array(z.number()), n: z.number().int().nonnegative() });
const common = { dim: z.number().int().positive(), lambda: z.number().positive(), epsilon: z.number().min(0).max(1) };

export const linearBanditStateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('linucb'), config: z.object({ ...common, alpha: z.number().nonnegative() }), arms: z.array(armSchema) }),
  z.object({
    kind: z.literal('lints'),
    config: z.object({ ...common, v: z.number().positive(), propensitySamples: z.number().int().positive() }),
    arms: z.array(armSchema),
  }),
]);

/** Reads a state back from parsed JSON, checking every array has the configured size. */
export function parseLinearBanditState(json: unknown): LinearBanditState {
  const state: LinearBanditState = linearBanditStateSchema.parse(json);
  const d = state.config.dim;
  for (const arm of state.arms) {
    if (arm.aInv.length !== d * d || arm.b.length !== d) throw new RangeError(`bandit state: arm ${arm.id} does not match dim ${d}`);
  }
  return state;
}

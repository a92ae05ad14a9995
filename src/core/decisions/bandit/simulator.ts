import type { Rng } from '../../shared/rng.js';
import { createRng } from '../../shared/rng.js';
import type { LoggedDecision, TargetPolicy } from '../off-policy/estimators.js';
import { targetProbabilities } from '../off-policy/estimators.js';
import type { Vector } from './linalg.js';
import { standardNormal } from './linalg.js';
import type { LinearBanditState } from './linear-arms.js';
import { greedyArm, update } from './linear-arms.js';
import { choose } from './choose.js';

/**
 * A contextual bandit with a KNOWN answer, for measuring regret and checking off-policy estimates.
 * Context x (d = segments + continuous): a one-hot segment (uniform) followed by standard-normal
 * features. Arm a clicks with probability σ(w_aᵀx) (Bernoulli reward), w_a drawn once from the seed:
 * segment weights around logit(0.15) with spread 0.8, continuous weights N(0, 0.5²) — so the best
 * arm changes with the context and no single arm is best everywhere.
 */
export interface SimulatorOptions {
  /** Default 5. */
  readonly arms?: number;
  /** Default 4. */
  readonly segments?: number;
  /** Default 4. */
  readonly continuous?: number;
  /** Seeds the arms' true weights. */
  readonly seed: number;
}

export interface Simulator {
  readonly dim: number;
  readonly arms: readonly string[];
  /** True weights per arm (row a = arm a), known to the simulator only. */
  readonly weights: readonly (readonly number[])[];
  sampleContext(rng: Rng): Float64Array;
  /** The true click probability of `arm` in context x. */
  clickProbability(x: Vector, arm: string): number;
  /** A Bernoulli draw with that probability. */
  reward(x: Vector, arm: string, rng: Rng): number;
}

const BASE_LOGIT = Math.log(0.15 / 0.85);

export function createSimulator(options: SimulatorOptions): Simulator {
  const k = options.arms ?? 5;
  const segments = options.segments ?? 4;
  const continuous = options.continuous ?? 4;
  const dim = segments + continuous;
  const rng = createRng(options.seed);
  const arms = Array.from({ length: k }, (_, a) => `arm-${a}`);
  const weights = arms.map(() => {
    const w: number[] = [];
    for (let s = 0; s < segments; s++) w.push(BASE_LOGIT + 0.8 * standardNormal(rng));
    for (let c = 0; c < continuous; c++) w.push(0.5 * standardNormal(rng));
    return w;
  });
  const index = new Map(arms.map((id, a) => [id, a]));
  const clickProbability = (x: Vector, arm: string): number => {
    const a = index.get(arm);
    if (a === undefined) throw new RangeError(`simulator: unknown arm ${arm}`);
    const w = weights[a] ?? [];
    let z = 0;
    for (let i = 0; i < dim; i++) z += (w[i] ?? 0) * (x[i] ?? 0);
    return 1 / (1 + Math.exp(-z));
  };
  return {
    dim,
    arms,
    weights,
    sampleContext(r: Rng): Float64Array {
      const x = new Float64Array(dim);
      x[r.nextInt(segments)] = 1;
      for (let c = 0; c < continuous; c++) x[segments + c] = standardNormal(r);
      return x;
    },
    clickProbability,
    reward(x: Vector, arm: string, r: Rng): number {
      return r.next() < clickProbability(x, arm) ? 1 : 0;
    },
  };
}

/** What `runBandit` drives: choose an arm with its propensity, then learn from the reward. */
export interface OnlinePolicy {
  choose(eligible: readonly string[], x: Vector, rng: Rng): { readonly arm: string; readonly propensity: number };
  update(arm: string, x: Vector, reward: number): void;
}

/** A linear bandit state as an online policy (updates `state` in place). */
export function linearBanditPolicy(state: LinearBanditState): OnlinePolicy {
  return {
    choose: (eligible, x, rng) => choose(state, eligible, x, rng),
    update: (arm, x, reward) => update(state, arm, x, reward),
  };
}

/** A policy that never learns and plays a fixed arm distribution (uniform when `arm` is absent). */
export function staticPolicy(arm?: string): OnlinePolicy {
  return {
    choose: (eligible, _x, rng) => {
      if (arm !== undefined && eligible.includes(arm)) return { arm, propensity: 1 };
      return { arm: eligible[rng.nextInt(eligible.length)] ?? '', propensity: 1 / eligible.length };
    },
    update: () => undefined,
  };
}

export interface BanditRun {
  readonly rounds: number;
  /** Realised clicks. */
  readonly cumulativeReward: number;
  /** Σ_t p(x_t, a_t): the expected clicks of the arms played (less noisy than the realised ones). */
  readonly expectedReward: number;
  /** Σ_t max_a p(x_t, a) − p(x_t, a_t): pseudo-regret against the per-context oracle. */
  readonly regretVsOracle: number;
  /**
   * max_a Σ_t p(x_t, a) − Σ_t p(x_t, a_t): against the best single arm in hindsight on the same
   * contexts; negative when the policy beats every fixed arm by using the context.
   */
  readonly regretVsBestFixed: number;
  readonly bestFixedArm: string;
  /** Oracle regret after each tenth of the run. */
  readonly regretCurve: readonly number[];
  readonly logs: readonly LoggedDecision[];
}

/** Plays `rounds` rounds (every arm eligible); all randomness from `rng`. */
export function runBandit(sim: Simulator, policy: OnlinePolicy, rounds: number, rng: Rng): BanditRun {
  const logs: LoggedDecision[] = [];
  const fixedTotals = new Float64Array(sim.arms.length);
  const checkpoint = Math.max(1, Math.floor(rounds / 10));
  const regretCurve: number[] = [];
  let cumulativeReward = 0;
  let expectedReward = 0;
  let oracleTotal = 0;
  for (let t = 0; t < rounds; t++) {
    const x = sim.sampleContext(rng);
    let best = 0;
    sim.arms.forEach((arm, a) => {
      const p = sim.clickProbability(x, arm);
      fixedTotals[a] = (fixedTotals[a] ?? 0) + p;
      if (p > best) best = p;
    });
    const { arm, propensity } = policy.choose(sim.arms, x, rng);
    const reward = sim.reward(x, arm, rng);
    policy.update(arm, x, reward);
    logs.push({ x, arm, propensity, reward, eligible: sim.arms });
    cumulativeReward += reward;
    expectedReward += sim.clickProbability(x, arm);
    oracleTotal += best;
    if ((t + 1) % checkpoint === 0) regretCurve.push(oracleTotal - expectedReward);
  }
  let bestFixed = 0;
  fixedTotals.forEach((v, a) => {
    if (v > (fixedTotals[bestFixed] ?? 0)) bestFixed = a;
  });
  return {
    rounds,
    cumulativeReward,
    expectedReward,
    regretVsOracle: oracleTotal - expectedReward,
    regretVsBestFixed: (fixedTotals[bestFixed] ?? 0) - expectedReward,
    bestFixedArm: sim.arms[bestFixed] ?? '',
    regretCurve,
    logs,
  };
}

/**
 * The exact value of a target policy on given contexts: mean over x of Σ_a π(a|x) p(x, a). On the
 * logged contexts this is what an off-policy estimate from those logs estimates.
 */
export function trueValue(sim: Simulator, target: TargetPolicy, contexts: readonly Vector[]): number {
  let total = 0;
  for (const x of contexts) {
    const probs = targetProbabilities(target, x, sim.arms);
    sim.arms.forEach((arm, a) => {
      const p = probs[a] ?? 0;
      if (p > 0) total += p * sim.clickProbability(x, arm);
    });
  }
  return total / contexts.length;
}

/** The learned policy without exploration, as a target for off-policy evaluation. */
export function greedyTarget(state: LinearBanditState): TargetPolicy {
  return (x, eligible) => greedyArm(state, eligible, x);
}

/** The per-context best arm (the oracle), as a target policy. */
export function oracleTarget(sim: Simulator): TargetPolicy {
  return (x, eligible) => {
    let best = eligible[0] ?? '';
    let bestP = -1;
    for (const arm of eligible) {
      const p = sim.clickProbability(x, arm);
      if (p > bestP) {
        bestP = p;
        best = arm;
      }
    }
    return best;
  };
}

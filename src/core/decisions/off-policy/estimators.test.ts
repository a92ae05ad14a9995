import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import { createLinUcb } from '../bandit/linucb.js';
import { createSimulator, greedyTarget, linearBanditPolicy, oracleTarget, runBandit, staticPolicy, trueValue } from '../bandit/simulator.js';
import type { LoggedDecision, TargetPolicy } from './estimators.js';
import { doublyRobust, ips, snips, targetProbabilities } from './estimators.js';
import { fitRidgeRewardModel } from './ridge-reward-model.js';

const sim = createSimulator({ seed: 1 });
const logged = runBandit(sim, staticPolicy(), 20_000, createRng(31));
const logs = logged.logs;
const contexts = logs.map((l) => l.x);

/** A stochastic target: 70% the oracle's arm, 30% spread evenly. */
const oracle = oracleTarget(sim);
const soft: TargetPolicy = (x, eligible) => {
  const probs = targetProbabilities(oracle, x, eligible);
  return probs.map((p) => 0.7 * p + 0.3 / eligible.length);
};

describe('off-policy estimators on uniform logs', () => {
  const model = fitRidgeRewardModel(logs, { dim: sim.dim }).predict;

  // For a fixed arm the Bernoulli noise of the reward dominates both, so DR gains less there.
  for (const [name, target, drRatio] of [
    ['the oracle policy', oracle, 0.8],
    ['a stochastic policy', soft, 0.8],
    ['a fixed arm', ((): TargetPolicy => () => 'arm-2')(), 0.95],
  ] as const) {
    it(`estimates the true value of ${name} within 3 standard errors, DR with less variance than IPS`, () => {
      const truth = trueValue(sim, target, contexts);
      const results = { ips: ips(logs, target), snips: snips(logs, target), dr: doublyRobust(logs, target, model) };
      for (const r of Object.values(results)) {
        expect(r.n).toBe(logs.length);
        expect(r.standardError).toBeGreaterThan(0);
        expect(Math.abs(r.estimate - truth)).toBeLessThan(3 * r.standardError);
      }
      expect(results.dr.standardError).toBeLessThan(drRatio * results.ips.standardError);
    });
  }

  it('reports the effective sample size: n/K for a deterministic target under uniform logging', () => {
    const r = ips(logs, oracle);
    // Weights are K on the ~n/K matching rows and 0 elsewhere: ESS = (Σw)²/Σw² = matches.
    const matches = logs.filter((l) => targetProbabilities(oracle, l.x, l.eligible)[l.eligible.indexOf(l.arm)] === 1).length;
    expect(r.effectiveSampleSize).toBeCloseTo(matches, 6);
    expect(Math.abs(matches / logs.length - 1 / 5)).toBeLessThan(0.02);
  });

  it('clips weights at maxWeight', () => {
    const r = ips(logs, oracle, { maxWeight: 2 });
    expect(r.clipped).toBeGreaterThan(0);
    expect(r.estimate).toBeLessThan(ips(logs, oracle).estimate);
  });

  it('evaluates a learned bandit policy from ε-greedy logs (non-uniform propensities)', () => {
    const learner = createLinUcb({ dim: sim.dim, alpha: 0.5 });
    runBandit(sim, linearBanditPolicy(learner), 3000, createRng(40));
    const logger = createLinUcb({ dim: sim.dim, alpha: 0, epsilon: 0.3 });
    const eLogs = runBandit(sim, linearBanditPolicy(logger), 20_000, createRng(41)).logs;
    const target = greedyTarget(learner);
    const truth = trueValue(sim, target, eLogs.map((l) => l.x));
    const q = fitRidgeRewardModel(eLogs, { dim: sim.dim }).predict;
    for (const r of [ips(eLogs, target), snips(eLogs, target), doublyRobust(eLogs, target, q)]) {
      expect(Math.abs(r.estimate - truth)).toBeLessThan(3.5 * r.standardError);
    }
  });

  it('rejects logs it cannot use', () => {
    const bad: LoggedDecision[] = [{ x: [1], arm: 'a', propensity: 0, reward: 1, eligible: ['a'] }];
    expect(() => ips(bad, () => 'a')).toThrow(RangeError);
    const notEligible: LoggedDecision[] = [{ x: [1], arm: 'b', propensity: 1, reward: 1, eligible: ['a'] }];
    expect(() => snips(notEligible, () => 'a')).toThrow(RangeError);
  });
});

describe('fitRidgeRewardModel', () => {
  it('recovers a linear reward exactly (up to the ridge shrinkage)', () => {
    const rng = createRng(2);
    const rows: LoggedDecision[] = [];
    for (let t = 0; t < 2000; t++) {
      const x = [1, rng.next(), rng.next()];
      const arm = t % 2 === 0 ? 'a' : 'b';
      const reward = arm === 'a' ? 0.2 + 0.5 * (x[1] ?? 0) : 0.6 - 0.3 * (x[2] ?? 0);
      rows.push({ x, arm, propensity: 0.5, reward, eligible: ['a', 'b'] });
    }
    const m = fitRidgeRewardModel(rows, { dim: 3, lambda: 1e-6 });
    expect(m.predict([1, 0.5, 0.5], 'a')).toBeCloseTo(0.45, 5);
    expect(m.predict([1, 0.5, 0.5], 'b')).toBeCloseTo(0.45, 5);
    expect(m.predict([1, 0, 1], 'b')).toBeCloseTo(0.3, 5);
    expect(m.predict([1, 0, 1], 'c')).toBeCloseTo(m.fallback, 12);
  });
});

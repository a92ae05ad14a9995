import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import { choose } from './choose.js';
import { chooseLinTs, createLinTs, linTsDistribution, sampleLinTsCoefficients } from './lin-ts.js';
import type { LinearBanditState, LinTsState, LinUcbState } from './linear-arms.js';
import { parseLinearBanditState, update } from './linear-arms.js';
import { chooseLinUcb, createLinUcb, linUcbDistribution } from './linucb.js';
import { createSimulator, linearBanditPolicy, runBandit, staticPolicy } from './simulator.js';

const sim = createSimulator({ seed: 1 });

function trainedUcb(rounds: number, seed = 5): LinUcbState {
  const state = createLinUcb({ dim: sim.dim, alpha: 0.5 });
  runBandit(sim, linearBanditPolicy(state), rounds, createRng(seed));
  return state;
}

function trainedTs(rounds: number, seed = 5): LinTsState {
  const state = createLinTs({ dim: sim.dim, v: 0.2 });
  runBandit(sim, linearBanditPolicy(state), rounds, createRng(seed));
  return state;
}

describe('LinUCB', () => {
  it('learns the context: regret far below uniform random, and it beats the best fixed arm', () => {
    const rounds = 5000;
    const uniform = runBandit(sim, staticPolicy(), rounds, createRng(9));
    const linucb = runBandit(sim, linearBanditPolicy(createLinUcb({ dim: sim.dim, alpha: 0.5 })), rounds, createRng(9));
    expect(linucb.regretVsOracle).toBeLessThan(0.25 * uniform.regretVsOracle);
    // The best fixed arm's own oracle regret is its gap; LinUCB must beat that by a wide margin.
    const bestFixed = runBandit(sim, staticPolicy(linucb.bestFixedArm), rounds, createRng(9));
    expect(linucb.regretVsOracle).toBeLessThan(0.5 * bestFixed.regretVsOracle);
    expect(linucb.regretVsBestFixed).toBeLessThan(0);
    // Regret grows sublinearly: the last tenth costs much less than the first.
    const curve = linucb.regretCurve;
    expect((curve[9] ?? 0) - (curve[8] ?? 0)).toBeLessThan(0.5 * (curve[0] ?? 0));
  });

  it('gives every eligible arm probability in [ε/K, 1], summing to 1, and logs the exact propensity', () => {
    const state = trainedUcb(2000);
    const rng = createRng(2);
    const eligible = ['arm-3', 'arm-0', 'arm-4'];
    for (let t = 0; t < 200; t++) {
      const x = sim.sampleContext(rng);
      const dist = linUcbDistribution(state, eligible, x);
      expect(dist.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (const p of dist) {
        expect(p).toBeGreaterThanOrEqual(0.05 / 3 - 1e-15);
        expect(p).toBeLessThanOrEqual(1);
      }
      const c = chooseLinUcb(state, eligible, x, rng);
      expect(eligible).toContain(c.arm);
      expect(c.propensity).toBe(dist[eligible.indexOf(c.arm)]);
      expect(c.scores).toHaveLength(3);
    }
  });

  it('matches the logged propensities with empirical choice frequencies', () => {
    const state = trainedUcb(1000);
    const x = sim.sampleContext(createRng(4));
    const eligible = sim.arms;
    const dist = linUcbDistribution(state, eligible, x);
    const counts = new Map<string, number>();
    const rng = createRng(8);
    const n = 20_000;
    for (let t = 0; t < n; t++) {
      const { arm } = chooseLinUcb(state, eligible, x, rng);
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    eligible.forEach((arm, i) => expect(Math.abs((counts.get(arm) ?? 0) / n - (dist[i] ?? 0))).toBeLessThan(0.01));
  });

  it('chooses only among the eligible arms and starts unknown arms fresh', () => {
    const state = createLinUcb({ dim: 2, alpha: 1, epsilon: 0 });
    update(state, 'a', [1, 0], 0);
    update(state, 'a', [1, 0], 0);
    // 'b' was never seen: its bonus sqrt(xᵀx/λ) = 1 beats a's shrunken bonus and zero mean.
    const c = chooseLinUcb(state, ['a', 'b'], Float64Array.of(1, 0), createRng(1));
    expect(c).toMatchObject({ arm: 'b', propensity: 1, reason: 'exploit' });
    expect(state.arms.map((a) => a.id)).toEqual(['a']);
    expect(() => chooseLinUcb(state, [], Float64Array.of(1, 0), createRng(1))).toThrow(RangeError);
    expect(() => chooseLinUcb(state, ['a', 'a'], Float64Array.of(1, 0), createRng(1))).toThrow(RangeError);
    expect(() => chooseLinUcb(state, ['a'], Float64Array.of(1, 0, 0), createRng(1))).toThrow(RangeError);
  });

  it('round-trips through JSON to a bandit making identical choices', () => {
    for (const state of [trainedUcb(500), trainedTs(500)] as LinearBanditState[]) {
      const copy = parseLinearBanditState(JSON.parse(JSON.stringify(state)));
      expect(copy).toEqual(state);
      const r1 = createRng(21);
      const r2 = createRng(21);
      const xs = createRng(22);
      for (let t = 0; t < 300; t++) {
        const x = sim.sampleContext(xs);
        const a = choose(state, sim.arms, x, r1);
        const b = choose(copy, sim.arms, x, r2);
        expect(b).toEqual(a);
        const reward = sim.reward(x, a.arm, xs);
        update(state, a.arm, x, reward);
        update(copy, b.arm, x, reward);
      }
    }
  });

  it('is deterministic given the seed', () => {
    const a = runBandit(sim, linearBanditPolicy(createLinUcb({ dim: sim.dim })), 500, createRng(3));
    const b = runBandit(sim, linearBanditPolicy(createLinUcb({ dim: sim.dim })), 500, createRng(3));
    expect(b.logs.map((l) => l.arm)).toEqual(a.logs.map((l) => l.arm));
  });
});

describe('linear Thompson sampling', () => {
  it('learns the context too', () => {
    const uniform = runBandit(sim, staticPolicy(), 5000, createRng(9));
    const ts = runBandit(sim, linearBanditPolicy(createLinTs({ dim: sim.dim, v: 0.2 })), 5000, createRng(9));
    expect(ts.regretVsOracle).toBeLessThan(0.25 * uniform.regretVsOracle);
    expect(ts.regretVsBestFixed).toBeLessThan(0);
  });

  it('estimates propensities that are ≥ ε/K and close to the true choice frequencies', () => {
    const state = trainedTs(300);
    const x = sim.sampleContext(createRng(6));
    const eligible = sim.arms;
    const rng = createRng(7);
    const exact = linTsDistribution(state, eligible, x, rng, 200_000);
    expect(exact.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    let sumAbsErr = 0;
    for (let t = 0; t < 2000; t++) {
      const c = chooseLinTs(state, eligible, x, rng);
      expect(c.propensity).toBeGreaterThanOrEqual(0.05 / 5 - 1e-15);
      expect(c.propensity).toBeLessThanOrEqual(1);
      sumAbsErr += Math.abs(c.propensity - (exact[eligible.indexOf(c.arm)] ?? 0));
    }
    // 32 draws: per-decision error of order sqrt(p(1-p)/32) ≤ 0.09; on average well under that.
    expect(sumAbsErr / 2000).toBeLessThan(0.08);
  });

  it('samples full coefficient vectors via Cholesky with the posterior of the projected draw', () => {
    const state = trainedTs(300);
    const x = sim.sampleContext(createRng(6));
    const rng = createRng(12);
    const n = 20_000;
    const draws = Array.from({ length: n }, () => {
      const th = sampleLinTsCoefficients(state, 'arm-1', rng);
      let s = 0;
      for (let i = 0; i < sim.dim; i++) s += (th[i] ?? 0) * (x[i] ?? 0);
      return s;
    });
    const mean = draws.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    // θ̃ᵀx ~ N(θ̂ᵀx, v²·xᵀA⁻¹x): read θ̂ᵀx and sqrt(xᵀA⁻¹x) off LinUCB scores with α = 0 and α = 1.
    const ucb = createLinUcb({ dim: sim.dim, alpha: 0, epsilon: 0 });
    const copy = { ...ucb, arms: state.arms };
    const mu = chooseLinUcb(copy, ['arm-1'], x, createRng(1)).scores[0] ?? 0;
    const width = chooseLinUcb({ ...copy, config: { ...copy.config, alpha: 1 } }, ['arm-1'], x, createRng(1)).scores[0] ?? 0;
    const expectedSd = state.config.v * (width - mu);
    expect(Math.abs(mean - mu)).toBeLessThan(4 * (expectedSd / Math.sqrt(n)));
    expect(Math.abs(sd / expectedSd - 1)).toBeLessThan(0.03);
  });
});

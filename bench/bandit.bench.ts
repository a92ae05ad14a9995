/**
 * Issue 6's decisioning measure on a simulator with a known answer (src/core/decisions/bandit/
 * simulator.ts: 5 arms, d = 8 = 4 one-hot segments + 4 normal features, logistic click rates):
 *
 *  1. Online: uniform random, ε-greedy (ridge, ε = 0.1), LinUCB (α = 0.5, ε-floor 0.05) and linear
 *     Thompson sampling (v = 0.2, ε-floor 0.05) for R rounds; expected clicks, pseudo-regret vs the
 *     per-context oracle and vs the best fixed arm in hindsight (negative = beats every fixed arm).
 *  2. Off-policy: R rounds logged by a uniform policy; IPS, SNIPS and DR (per-arm ridge q̂) estimates
 *     of LinUCB's final greedy policy and of a fixed arm, next to the exact value on the logged
 *     contexts. Mean and sd over seeds; each seed draws a new simulator.
 *
 *   npm run bench:bandit
 *   npm run bench:bandit -- --rounds 20000 --seeds 5
 *
 * Reports; never gates. Results go to bench/results/bandit.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLinTs } from '../src/core/decisions/bandit/lin-ts.js';
import { createLinUcb } from '../src/core/decisions/bandit/linucb.js';
import type { OnlinePolicy } from '../src/core/decisions/bandit/simulator.js';
import { createSimulator, greedyTarget, linearBanditPolicy, runBandit, staticPolicy, trueValue } from '../src/core/decisions/bandit/simulator.js';
import type { TargetPolicy } from '../src/core/decisions/off-policy/estimators.js';
import { doublyRobust, ips, snips } from '../src/core/decisions/off-policy/estimators.js';
import { fitRidgeRewardModel } from '../src/core/decisions/off-policy/ridge-reward-model.js';
import { createRng } from '../src/core/shared/rng.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results', 'bandit.json');
const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '20000' }, seeds: { type: 'string', default: '5' } } });
const rounds = Number(args.rounds);
const seeds = Array.from({ length: Number(args.seeds) }, (_, i) => i + 1);

const POLICIES: Record<string, (dim: number) => OnlinePolicy> = {
  'uniform random': () => staticPolicy(),
  'ε-greedy (ε=0.1)': (dim) => linearBanditPolicy(createLinUcb({ dim, alpha: 0, epsilon: 0.1 })),
  'LinUCB (α=0.5, ε=0.05)': (dim) => linearBanditPolicy(createLinUcb({ dim, alpha: 0.5, epsilon: 0.05 })),
  'linear TS (v=0.2, ε=0.05)': (dim) => linearBanditPolicy(createLinTs({ dim, v: 0.2, epsilon: 0.05, propensitySamples: 32 })),
};

interface Stat {
  readonly mean: number;
  readonly sd: number;
}
const stat = (xs: readonly number[]): Stat => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
};
const fmt = (s: Stat, digits = 1): string => `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}`;

const started = performance.now();
const online: Record<string, { reward: number[]; expected: number[]; oracle: number[]; fixed: number[]; ms: number[] }> = {};
const ope: Record<string, Record<string, { estimate: number[]; se: number[]; error: number[]; ess: number[] }>> = {};
const truths: Record<string, number[]> = {};

for (const seed of seeds) {
  const sim = createSimulator({ seed: 1000 + seed });
  let learnedTarget: TargetPolicy | undefined;
  for (const [name, make] of Object.entries(POLICIES)) {
    const ucbState = name.startsWith('LinUCB') ? createLinUcb({ dim: sim.dim, alpha: 0.5, epsilon: 0.05 }) : undefined;
    const policy = ucbState !== undefined ? linearBanditPolicy(ucbState) : make(sim.dim);
    const t0 = performance.now();
    const run = runBandit(sim, policy, rounds, createRng(seed));
    const ms = performance.now() - t0;
    if (ucbState !== undefined) learnedTarget = greedyTarget(ucbState);
    const row = (online[name] ??= { reward: [], expected: [], oracle: [], fixed: [], ms: [] });
    row.reward.push(run.cumulativeReward);
    row.expected.push(run.expectedReward);
    row.oracle.push(run.regretVsOracle);
    row.fixed.push(run.regretVsBestFixed);
    row.ms.push(ms);
  }

  // Off-policy: fresh uniform logs, then estimate the learned greedy policy and a fixed arm.
  const logs = runBandit(sim, staticPolicy(), rounds, createRng(10_000 + seed)).logs;
  const contexts = logs.map((l) => l.x);
  const q = fitRidgeRewardModel(logs, { dim: sim.dim }).predict;
  const targets: Record<string, TargetPolicy> = { 'LinUCB greedy': learnedTarget ?? (() => 'arm-0'), 'fixed arm-0': () => 'arm-0' };
  for (const [tname, target] of Object.entries(targets)) {
    const truth = trueValue(sim, target, contexts);
    (truths[tname] ??= []).push(truth);
    const estimates = { IPS: ips(logs, target), SNIPS: snips(logs, target), DR: doublyRobust(logs, target, q) };
    for (const [ename, e] of Object.entries(estimates)) {
      const cell = ((ope[tname] ??= {})[ename] ??= { estimate: [], se: [], error: [], ess: [] });
      cell.estimate.push(e.estimate);
      cell.se.push(e.standardError);
      cell.error.push(e.estimate - truth);
      cell.ess.push(e.effectiveSampleSize);
    }
  }
}

console.log(`\nOnline, ${rounds} rounds, ${seeds.length} seeds (mean ± sd over seeds); regret in expected clicks\n`);
console.log('policy'.padEnd(28) + 'clicks'.padEnd(18) + 'expected clicks'.padEnd(18) + 'regret vs oracle'.padEnd(20) + 'regret vs best fixed'.padEnd(22) + 'ms/run');
const onlineOut: Record<string, unknown> = {};
for (const [name, r] of Object.entries(online)) {
  const s = { clicks: stat(r.reward), expectedClicks: stat(r.expected), regretVsOracle: stat(r.oracle), regretVsBestFixed: stat(r.fixed), msPerRun: stat(r.ms) };
  onlineOut[name] = s;
  console.log(
    name.padEnd(28) + fmt(s.clicks, 0).padEnd(18) + fmt(s.expectedClicks, 0).padEnd(18) + fmt(s.regretVsOracle, 0).padEnd(20) + fmt(s.regretVsBestFixed, 0).padEnd(22) + s.msPerRun.mean.toFixed(0),
  );
}

console.log(`\nOff-policy from ${rounds} uniform-logged rounds: estimate − true value (mean ± sd over seeds), mean SE, mean ESS\n`);
console.log('target'.padEnd(16) + 'true value'.padEnd(20) + 'estimator'.padEnd(10) + 'estimate'.padEnd(20) + 'error'.padEnd(22) + 'mean SE'.padEnd(10) + '|error|/SE'.padEnd(12) + 'ESS');
const opeOut: Record<string, unknown> = {};
for (const [tname, byEstimator] of Object.entries(ope)) {
  const truth = stat(truths[tname] ?? []);
  const out: Record<string, unknown> = { trueValue: truth };
  for (const [ename, c] of Object.entries(byEstimator)) {
    const z = c.error.map((e, i) => Math.abs(e) / (c.se[i] ?? 1));
    const s = { estimate: stat(c.estimate), error: stat(c.error), meanStandardError: stat(c.se).mean, meanAbsZ: stat(z).mean, effectiveSampleSize: stat(c.ess).mean };
    out[ename] = s;
    console.log(
      tname.padEnd(16) + fmt(truth, 4).padEnd(20) + ename.padEnd(10) + fmt(s.estimate, 4).padEnd(20) + fmt(s.error, 4).padEnd(22) + s.meanStandardError.toFixed(4).padEnd(10) + s.meanAbsZ.toFixed(2).padEnd(12) + s.effectiveSampleSize.toFixed(0),
    );
  }
  opeOut[tname] = out;
}

const totalSeconds = (performance.now() - started) / 1000;
console.log(`\ntotal ${totalSeconds.toFixed(1)} s`);
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(
  RESULTS,
  `${JSON.stringify(
    {
      bench: 'bandit',
      simulator: { arms: 5, dim: 8, segments: 4, continuous: 4, reward: 'Bernoulli(σ(w_aᵀx))' },
      rounds,
      seeds,
      node: process.version,
      totalSeconds,
      online: onlineOut,
      offPolicy: { logging: 'uniform', rewardModel: 'per-arm ridge, λ=1, fitted on the same logs', targets: opeOut },
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${RESULTS}`);

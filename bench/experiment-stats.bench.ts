/**
 * Statistical correctness of src/core/experiments on simulated experiments (issue 7):
 * - A/A false-positive rate at α = 0.05 of fixed-horizon Welch, naive peeking (Welch at each of
 *   20 looks) and the mSPRT (20 looks), on a normal metric and on conversions;
 * - A/B coverage at the nominal 95% of two-proportion (Newcombe, Wald), Welch, delta-method lift and
 *   CUPED intervals, and of the mSPRT confidence sequence at the end.
 * 2,000 simulated experiments each, seeded. Writes bench/results/experiment-stats.json.
 * Run: npm run bench:experiment-stats
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { simulateCoverage, simulatePeeking } from '../src/core/experiments/simulate.js';
import { createRng } from '../src/core/shared/rng.js';

const EXPERIMENTS = 2000;
const started = performance.now();

const aaNormal = simulatePeeking(createRng(1), { experiments: EXPERIMENTS, looks: 20, perArmPerLook: 100 });
const aaConversion = simulatePeeking(createRng(2), { experiments: EXPERIMENTS, looks: 20, perArmPerLook: 250, metric: 'bernoulli', rate: 0.1 });
const abNormal = simulatePeeking(createRng(3), { experiments: EXPERIMENTS, looks: 20, perArmPerLook: 100, effect: 0.1 });
const coverage = simulateCoverage(createRng(4), { experiments: EXPERIMENTS, n: 2000 });

/** Binomial standard error of a rate over the simulated experiments. */
const se = (p: number): number => Math.sqrt((p * (1 - p)) / EXPERIMENTS);

const result = {
  bench: 'experiment-stats',
  experimentsPerScenario: EXPERIMENTS,
  alpha: 0.05,
  nominalCoverage: 0.95,
  aaFalsePositiveRate: {
    normalMetric: { setup: 'N(0,1) both arms, 20 looks of 100 units per arm', ...aaNormal, seOfRate: se(0.05) },
    conversion: { setup: 'Bernoulli(0.10) both arms, 20 looks of 250 units per arm', ...aaConversion, seOfRate: se(0.05) },
  },
  abWithKnownEffect: {
    setup: 'N(0,1) vs N(0.1,1), 20 looks of 100 units per arm',
    power: { fixedHorizonWelch: abNormal.fixedHorizonWelch, naivePeekingWelch: abNormal.naivePeekingWelch, msprt: abNormal.msprt },
    msprtConfidenceSequenceCoverage: abNormal.msprtCoverage,
  },
  intervalCoverage: {
    setup: '2,000 units per arm; see simulateCoverage in src/core/experiments/simulate.ts',
    ...coverage,
    seOfRate: se(0.95),
  },
  seconds: Math.round((performance.now() - started) / 100) / 10,
};

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/experiment-stats.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));

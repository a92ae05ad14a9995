import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  chiSquareSf,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
  studentTCdf,
  studentTQuantile,
} from '../models/special/distributions.js';
import { assignmentBucket } from './assignment.js';
import { bayesianBetaPosterior, bayesianProbBBeatsAExact } from './bayes.js';
import { compareRatios, diffProportions, welchInterval } from './intervals.js';
import { sampleRatioMismatch } from './srm.js';
import type { RatioSummary, SampleSummary } from './summary.js';

// Generated once by scripts/gen-golden-experiments.py (scipy 1.10).
interface Golden {
  normalCdf: [number, number][];
  normalQuantile: [number, number][];
  tCdf: [number, number, number][];
  tQuantile: [number, number, number][];
  chiSquareSf: [number, number, number][];
  regularizedBeta: [number, number, number, number][];
  regularizedGammaP: [number, number, number][];
  welch: { a: SampleSummary; b: SampleSummary; t: number; pValue: number; df: number; lower: number; upper: number }[];
  proportions: { counts: { successesA: number; nA: number; successesB: number; nB: number }; wald: [number, number]; waldCc: [number, number]; newcombe: [number, number]; pValue: number }[];
  ratio: { a: RatioSummary; b: RatioSummary; ratioA: number; ratioB: number; seDifference: number; seLift: number };
  srm: { observed: number[]; weights: number[]; statistic: number; pValue: number }[];
  assignment: [string, number, string, string, number][];
  bayes: { a: [number, number]; b: [number, number]; probBBeatsA: number; quantilesA: [number, number] }[];
}

const golden = JSON.parse(readFileSync(new URL('./experiments.golden.json', import.meta.url), 'utf8')) as Golden;

function expectRel(actual: number, expected: number, rel: number, abs = 0): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + abs);
}

describe('special functions against scipy', () => {
  it('normal CDF, relative accuracy in the far lower tail', () => {
    for (const [x, p] of golden.normalCdf) expectRel(normalCdf(x), p, 1e-12);
  });
  it('normal quantile', () => {
    for (const [p, x] of golden.normalQuantile) expectRel(normalQuantile(p), x, 1e-12, 1e-13);
  });
  it('Student t CDF and quantile', () => {
    for (const [t, df, p] of golden.tCdf) expectRel(studentTCdf(t, df), p, 1e-10);
    for (const [p, df, t] of golden.tQuantile) expectRel(studentTQuantile(p, df), t, 1e-9, 1e-12);
  });
  it('chi-square upper tail, regularized beta and gamma', () => {
    for (const [x, k, p] of golden.chiSquareSf) expectRel(chiSquareSf(x, k), p, 1e-11);
    for (const [x, a, b, v] of golden.regularizedBeta) expectRel(regularizedBeta(x, a, b), v, 1e-10, 1e-15);
    for (const [a, x, v] of golden.regularizedGammaP) expectRel(regularizedGammaP(a, x), v, 1e-12);
  });
});

describe('intervals against scipy', () => {
  it('Welch: t, Welch–Satterthwaite df, p-value (ttest_ind equal_var=False) and CI', () => {
    for (const c of golden.welch) {
      const r = welchInterval(c.a, c.b);
      expectRel(r.tStatistic, c.t, 1e-10);
      expectRel(r.df, c.df, 1e-10);
      expectRel(r.pValue, c.pValue, 1e-8);
      expectRel(r.lower, c.lower, 1e-9, 1e-12);
      expectRel(r.upper, c.upper, 1e-9, 1e-12);
    }
  });
  it('two proportions: Wald, Wald with continuity correction, Newcombe hybrid score', () => {
    for (const c of golden.proportions) {
      const w = diffProportions(c.counts, 'wald');
      const cc = diffProportions(c.counts, 'wald-cc');
      const nw = diffProportions(c.counts, 'newcombe');
      for (const [r, [lo, hi]] of [[w, c.wald], [cc, c.waldCc], [nw, c.newcombe]] as const) {
        expectRel(r.lower, lo, 1e-10, 1e-14);
        expectRel(r.upper, hi, 1e-10, 1e-14);
      }
      expectRel(nw.pValue, c.pValue, 1e-9, 1e-300);
    }
  });
  it('ratio metric (revenue per order) by the delta method', () => {
    const r = compareRatios(golden.ratio.a, golden.ratio.b);
    expectRel(r.ratioA, golden.ratio.ratioA, 1e-12);
    expectRel(r.ratioB, golden.ratio.ratioB, 1e-12);
    expectRel(r.difference.standardError, golden.ratio.seDifference, 1e-10);
    expectRel(r.lift.standardError, golden.ratio.seLift, 1e-10);
  });
});

describe('SRM and Bayesian against scipy', () => {
  it('chi-square goodness of fit (scipy.stats.chisquare)', () => {
    for (const c of golden.srm) {
      const r = sampleRatioMismatch(c.observed, c.weights);
      expectRel(r.statistic, c.statistic, 1e-12);
      expectRel(r.pValue, c.pValue, 1e-10);
    }
  });
  it('exact P(B beats A) matches numerical integration; Beta credible bounds match beta.ppf', () => {
    for (const c of golden.bayes) {
      const a = bayesianBetaPosterior(c.a[0], c.a[1]);
      const b = bayesianBetaPosterior(c.b[0], c.b[1]);
      expectRel(bayesianProbBBeatsAExact(a, b), c.probBBeatsA, 1e-9);
      expectRel(a.lower, c.quantilesA[0], 1e-9);
      expectRel(a.upper, c.quantilesA[1], 1e-9);
    }
  });
});

describe('assignment hash is portable', () => {
  it('matches an independent Python implementation of the spec (UTF-16 code units, FNV-1a, fmix32)', () => {
    for (const [experiment, version, unit, salt, bucket] of golden.assignment) {
      expect(assignmentBucket(experiment, version, unit, salt)).toBe(bucket);
    }
  });
});

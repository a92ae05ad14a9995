/**
 * Bayesian summaries, labelled as such (reports must say "Bayesian: chance to beat control", never
 * "significant"):
 * - conversion rates: Beta(α0 + successes, β0 + failures) posteriors (uniform prior Beta(1, 1) by
 *   default), the exact P(p_B > p_A) by the finite sum of Miller (2015) for integer α_B
 *   (O(successes_B) terms, in logs), or by Monte-Carlo with a passed Rng for any prior;
 * - expected loss E[max(p_A - p_B, 0)] of shipping B (and the reverse) by Monte-Carlo;
 * - revenue per user: the normal approximation mean_B - mean_A ~ N(ȳ_B - ȳ_A, s²_A/n_A + s²_B/n_B)
 *   (flat prior), with closed-form chance to beat and expected loss.
 */
import { sampleGamma } from '../models/clv/simulate.js';
import { betaQuantile, logBeta, normalCdf, normalPdf } from '../models/special/distributions.js';
import type { Rng } from '../shared/rng.js';
import type { SampleSummary } from './summary.js';

export interface BetaPosterior {
  readonly alpha: number;
  readonly beta: number;
  readonly mean: number;
  /** Equal-tailed credible interval at the requested level. */
  readonly lower: number;
  readonly upper: number;
}

export interface BetaPrior {
  readonly alpha: number;
  readonly beta: number;
}

export const UNIFORM_PRIOR: BetaPrior = { alpha: 1, beta: 1 };

export function bayesianBetaPosterior(successes: number, n: number, prior: BetaPrior = UNIFORM_PRIOR, credibility = 0.95): BetaPosterior {
  if (!(n >= 0) || successes < 0 || successes > n) throw new RangeError(`bayesianBetaPosterior: need 0 <= successes <= n (got ${successes}/${n})`);
  const alpha = prior.alpha + successes;
  const beta = prior.beta + n - successes;
  const tail = (1 - credibility) / 2;
  return { alpha, beta, mean: alpha / (alpha + beta), lower: betaQuantile(tail, alpha, beta), upper: betaQuantile(1 - tail, alpha, beta) };
}

/** Exact P(p_B > p_A) for Beta posteriors, α_B a positive integer (true with integer prior α). */
export function bayesianProbBBeatsAExact(a: BetaPosterior | BetaPrior, b: BetaPosterior | BetaPrior): number {
  if (!Number.isInteger(b.alpha) || b.alpha < 1) throw new RangeError('bayesianProbBBeatsAExact: alpha of B must be a positive integer; use the Monte-Carlo form');
  let total = 0;
  const base = logBeta(a.alpha, a.beta);
  for (let i = 0; i < b.alpha; i++) {
    total += Math.exp(logBeta(a.alpha + i, a.beta + b.beta) - Math.log(b.beta + i) - logBeta(1 + i, b.beta) - base);
  }
  return Math.min(1, Math.max(0, total));
}

export function sampleBeta(rng: Rng, alpha: number, beta: number): number {
  const x = sampleGamma(rng, alpha);
  return x / (x + sampleGamma(rng, beta));
}

export interface BayesianComparison {
  /** P(B > A). */
  readonly probBBeatsA: number;
  /** E[max(A - B, 0)]: what shipping B costs when it is in fact worse. */
  readonly expectedLossB: number;
  /** E[max(B - A, 0)]: what keeping A costs. */
  readonly expectedLossA: number;
}

/** Monte-Carlo chance to beat and expected losses for two Beta posteriors. */
export function bayesianCompareBetaMonteCarlo(a: BetaPrior, b: BetaPrior, rng: Rng, draws = 100_000): BayesianComparison {
  let wins = 0;
  let lossB = 0;
  let lossA = 0;
  for (let i = 0; i < draws; i++) {
    const pa = sampleBeta(rng, a.alpha, a.beta);
    const pb = sampleBeta(rng, b.alpha, b.beta);
    if (pb > pa) {
      wins++;
      lossA += pb - pa;
    } else {
      lossB += pa - pb;
    }
  }
  return { probBBeatsA: wins / draws, expectedLossB: lossB / draws, expectedLossA: lossA / draws };
}

/** Normal-approximation comparison of means (revenue per user), flat prior. */
export function bayesianCompareMeansNormal(a: SampleSummary, b: SampleSummary): BayesianComparison {
  const m = b.mean - a.mean;
  const s = Math.sqrt(a.variance / a.n + b.variance / b.n);
  if (!(s > 0)) return { probBBeatsA: m > 0 ? 1 : m < 0 ? 0 : 0.5, expectedLossB: Math.max(-m, 0), expectedLossA: Math.max(m, 0) };
  const z = m / s;
  // D = B - A ~ N(m, s²): E[max(-D, 0)] = s φ(z) - m Φ(-z); E[max(D, 0)] = s φ(z) + m Φ(z).
  return { probBBeatsA: normalCdf(z), expectedLossB: s * normalPdf(z) - m * normalCdf(-z), expectedLossA: s * normalPdf(z) + m * normalCdf(z) };
}

import type { Rng } from '../../shared/rng.js';
import type { BgNbdParams } from './bg-nbd.js';
import type { GammaGammaParams } from './gamma-gamma.js';

/**
 * Draws synthetic customers from the BG/NBD and Gamma-Gamma generative stories, with the seeded rng:
 * for recovery tests of the fitters and for what-if checks. Same seed, same customers.
 *
 * Each customer: λ ~ Gamma(r, rate α), p ~ Beta(a, b), ν ~ Gamma(q, rate v). The first purchase is at
 * time 0 (not counted); repeat purchases follow a Poisson process of rate λ; after each repeat
 * purchase the customer drops out with probability p. Observed until T; each repeat purchase has a
 * value ~ Gamma(p_spend, rate ν).
 */

export interface SimulatedCustomer {
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  /** Mean value of the repeat purchases (0 when x = 0). */
  readonly meanSpend: number;
}

function uniformOpen(rng: Rng): number {
  return 1 - rng.next(); // (0, 1]
}

function standardNormal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(uniformOpen(rng))) * Math.cos(2 * Math.PI * rng.next());
}

/** Gamma(shape, rate 1) by Marsaglia and Tsang (2000); shape < 1 by Gamma(shape + 1) U^(1/shape). */
export function sampleGamma(rng: Rng, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`sampleGamma: shape must be > 0, got ${shape}`);
  if (shape < 1) return sampleGamma(rng, shape + 1) * Math.pow(uniformOpen(rng), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = standardNormal(rng);
    const t = 1 + c * z;
    if (t <= 0) continue;
    const v = t * t * t;
    if (Math.log(uniformOpen(rng)) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function simulateCustomers(bg: BgNbdParams, gg: GammaGammaParams, horizons: readonly number[], rng: Rng): SimulatedCustomer[] {
  return horizons.map((T) => {
    const lambda = sampleGamma(rng, bg.r) / bg.alpha;
    const g1 = sampleGamma(rng, bg.a);
    const dropout = g1 / (g1 + sampleGamma(rng, bg.b));
    const nu = sampleGamma(rng, gg.q) / gg.v;
    let t = 0;
    let x = 0;
    let tx = 0;
    let spend = 0;
    for (;;) {
      t += -Math.log(uniformOpen(rng)) / lambda;
      if (!(t <= T)) break;
      x++;
      tx = t;
      spend += sampleGamma(rng, gg.p) / nu;
      if (rng.next() < dropout) break;
    }
    return { x, tx, T, meanSpend: x > 0 ? spend / x : 0 };
  });
}

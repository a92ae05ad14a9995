import type { EpochMs } from '../../shared/time.js';
import { fitRfmDimension } from './fit-rfm-dimension.js';
import { RFM_BOUNDARIES_FORMAT } from './rfm-boundaries.js';
import type { RfmBoundaries, RfmFeatures } from './rfm-boundaries.js';
import type { RfmConfig } from './rfm-config.js';
import { validateRfmConfig } from './rfm-config.js';

/**
 * Fits RFM cut points over a population (the `train`/refresh role calls it, for example nightly).
 * The result is plain JSON, so scores stay the same between refits and scoring one profile in real
 * time is B-1 comparisons per dimension (scoreRfm), with no look at the population.
 *
 * Customers are profiles with `recencyDays !== null` (see RfmConfig.onlyCustomers for the others).
 * Recency: lower is better, so R = buckets is the most recent fifth. Bucketing and ties: see
 * RfmConfig; edge collapse and empty buckets: see RfmDimensionBoundaries.
 *
 * Throws (a programmer error, not an expected outcome) on an invalid config or a non-finite value.
 */
export function fitRfmBoundaries(
  population: readonly RfmFeatures[],
  config: RfmConfig,
  fittedAtMs: EpochMs,
): RfmBoundaries {
  const problems = validateRfmConfig(config);
  if (problems.length > 0) throw new RangeError(`Invalid RFM config: ${problems.join('; ')}`);
  if (!Number.isFinite(fittedAtMs)) throw new RangeError(`fittedAtMs must be finite, got ${String(fittedAtMs)}`);

  const recency: number[] = [];
  const frequency: number[] = [];
  const monetary: number[] = [];
  for (let i = 0; i < population.length; i++) {
    const profile = population[i] as RfmFeatures;
    const recencyDays = profile[config.recencyFrom];
    if (recencyDays === null && config.onlyCustomers) continue;
    assertFinite(profile.frequency, 'frequency', i);
    assertFinite(profile.monetary, 'monetary', i);
    if (recencyDays !== null) {
      assertFinite(recencyDays, config.recencyFrom, i);
      recency.push(recencyDays);
    }
    frequency.push(profile.frequency);
    monetary.push(profile.monetary);
  }

  const { buckets, ties } = config;
  return {
    format: RFM_BOUNDARIES_FORMAT,
    buckets,
    ties,
    recencyFrom: config.recencyFrom,
    onlyCustomers: config.onlyCustomers,
    fittedAtMs,
    populationSize: frequency.length,
    recency: fitRfmDimension(recency, 'lower', buckets, ties),
    frequency: fitRfmDimension(frequency, 'higher', buckets, ties),
    monetary: fitRfmDimension(monetary, 'higher', buckets, ties),
  };
}

function assertFinite(value: number, field: string, index: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`population[${index}].${field} must be finite, got ${String(value)}`);
}

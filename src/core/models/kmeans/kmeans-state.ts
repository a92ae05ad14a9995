import { z } from 'zod';
import type { Result } from '../../shared/result.js';
import { err, ok } from '../../shared/result.js';

/**
 * A trained k-means model: plain JSON, versioned. JSON.stringify then parseKmeansState gives back the
 * same doubles (JS number <-> JSON text round-trips exactly), hence identical predictions.
 */
export interface KmeansState {
  readonly format: 'kmeans@1';
  readonly k: number;
  /** Number of feature columns the model was trained on (after scaling). */
  readonly dimensions: number;
  /** k rows of `dimensions` values, in the scaled feature space. */
  readonly centroids: readonly (readonly number[])[];
  /** Sum of squared distances of the training rows to their nearest centroid. */
  readonly inertia: number;
  /** Lloyd passes (or mini-batch steps) of the winning restart. */
  readonly iterations: number;
  /** Whether the winning restart met the tolerance (or stopped changing) before maxIterations. */
  readonly converged: boolean;
  /** Training rows nearest to each centroid. */
  readonly clusterSizes: readonly number[];
  readonly algorithm: 'lloyd' | 'mini-batch';
}

export const kmeansStateSchema = z.object({
  format: z.literal('kmeans@1'),
  k: z.number().int().positive(),
  dimensions: z.number().int().nonnegative(),
  centroids: z.array(z.array(z.number())),
  inertia: z.number().nonnegative(),
  iterations: z.number().int().nonnegative(),
  converged: z.boolean(),
  clusterSizes: z.array(z.number().int().nonnegative()),
  algorithm: z.enum(['lloyd', 'mini-batch']),
});

/** Validates a stored model (unknown JSON), including that its shapes agree. */
export function parseKmeansState(value: unknown): Result<KmeansState, string> {
  const parsed = kmeansStateSchema.safeParse(value);
  if (!parsed.success) return err(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const s = parsed.data;
  if (s.centroids.length !== s.k || s.clusterSizes.length !== s.k) return err(`expected ${s.k} centroids and cluster sizes`);
  if (s.centroids.some((row) => row.length !== s.dimensions)) return err(`every centroid must have ${s.dimensions} values`);
  return ok(s);
}

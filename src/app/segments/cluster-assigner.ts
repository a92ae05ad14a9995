import type { ProfileFeatures } from '../../core/features/compute-features.js';
import type { KmeansState } from '../../core/models/kmeans/kmeans-state.js';
import { predictKmeans } from '../../core/models/kmeans/predict-kmeans.js';
import type { Matrix } from '../../core/models/matrix.js';
import { createMatrix } from '../../core/models/matrix.js';
import type { Scaler } from '../../core/models/scaling.js';
import { applyScaler } from '../../core/models/scaling.js';
import type { SourcedEnricher } from './model-support.js';

import type { ClusterFeatureName, ClusteringBody } from './clustering-model.js';

/** Assigns one profile to the nearest cluster of one clustering, as training did (same scaler, same kernel). */
export class ClusterAssigner {
  readonly key: string;
  private readonly features: readonly ClusterFeatureName[];
  private readonly customersOnly: boolean;
  private readonly scaler: Scaler;
  private readonly model: KmeansState;
  private readonly row: Matrix;

  constructor(body: ClusteringBody) {
    this.key = body.key;
    this.features = body.features;
    this.customersOnly = body.population === 'customers';
    this.scaler = body.scaler;
    this.model = body.kmeans;
    this.row = createMatrix(1, body.features.length);
  }

  assign(features: ProfileFeatures): number | null {
    if (!fillRow(features, this.features, this.customersOnly, this.row.data, 0)) return null;
    return predictKmeans(this.model, applyScaler(this.scaler, this.row))[0] ?? null;
  }
}

/** Writes `features.cluster.<key>` for every clustering of the workspace the profile belongs to. */
export class ClusterEnricher implements SourcedEnricher {
  readonly source = 'cluster';
  private readonly assigners: readonly ClusterAssigner[];

  constructor(assigners: readonly ClusterAssigner[]) {
    this.assigners = assigners;
  }

  enrich(features: Record<string, unknown>, base: ProfileFeatures): void {
    let out: Record<string, number> | null = null;
    for (const assigner of this.assigners) {
      const index = assigner.assign(base);
      if (index === null) continue;
      out ??= {};
      out[assigner.key] = index;
    }
    if (out !== null) features['cluster'] = out;
  }
}

/** The profile's row into out[offset..]; false when it is outside the population or lacks a value. */
export function fillRow(features: ProfileFeatures, names: readonly ClusterFeatureName[], customersOnly: boolean, out: Float64Array, offset: number): boolean {
  if (customersOnly && !(features.frequency > 0)) return false;
  for (let j = 0; j < names.length; j++) {
    const value = features[names[j] as ClusterFeatureName];
    if (value === null || !Number.isFinite(value)) return false;
    out[offset + j] = value;
  }
  return true;
}

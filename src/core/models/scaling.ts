import { z } from 'zod';
import { assertNever } from '../shared/assert-never.js';
import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';
import { columnMeansAndStds, TRANSFORM_LOG1P, TRANSFORM_NONE, transformColumns } from './kernels/column-transforms.js';
import type { Matrix } from './matrix.js';
import { createMatrix } from './matrix.js';

/**
 * Per-column transform before standardizing. 'log1p' is sign(v) * log(1 + |v|): plain log1p for
 * counts and money (v >= 0), defined for negative values (refunds) too. Use it for skewed columns.
 */
export type ColumnTransform = 'none' | 'log1p';

export interface ScalerOptions {
  /** One transform per column. */
  readonly transforms: readonly ColumnTransform[];
  /** Subtract the column mean and divide by the population standard deviation (ddof 0). */
  readonly standardize: boolean;
}

/** A fitted scaler: plain JSON, stored next to the model that was trained on its output. */
export interface Scaler {
  readonly format: 'scaler@1';
  readonly transforms: readonly ColumnTransform[];
  readonly standardize: boolean;
  /** Means of the transformed columns (0 when standardize is false). */
  readonly means: readonly number[];
  /**
   * Standard deviations of the transformed columns as fitted (0 for a constant column), for reports.
   * applyScaler divides by 1 where this is 0 (as scikit-learn does), so a constant column becomes 0.
   */
  readonly stds: readonly number[];
}

export const scalerSchema = z.object({
  format: z.literal('scaler@1'),
  transforms: z.array(z.enum(['none', 'log1p'])),
  standardize: z.boolean(),
  means: z.array(z.number()),
  stds: z.array(z.number().nonnegative()),
});

function transformCodes(transforms: readonly ColumnTransform[]): Uint8Array {
  const codes = new Uint8Array(transforms.length);
  transforms.forEach((t, j) => {
    switch (t) {
      case 'none':
        codes.set([TRANSFORM_NONE], j);
        return;
      case 'log1p':
        codes.set([TRANSFORM_LOG1P], j);
        return;
      default:
        assertNever(t, 'column transform');
    }
  });
  return codes;
}

/** Fits a scaler on x (rows = profiles, columns = features). */
export function fitScaler(x: Matrix, options: ScalerOptions): Scaler {
  if (options.transforms.length !== x.cols) {
    throw new RangeError(`fitScaler: ${options.transforms.length} transforms for ${x.cols} columns`);
  }
  const means = new Float64Array(x.cols);
  const stds = new Float64Array(x.cols);
  if (options.standardize) columnMeansAndStds(x.data, x.rows, x.cols, transformCodes(options.transforms), means, stds);
  return {
    format: 'scaler@1',
    transforms: [...options.transforms],
    standardize: options.standardize,
    means: Array.from(means),
    stds: Array.from(stds),
  };
}

/** Applies a fitted scaler to any matrix with the same columns; returns a new matrix. */
export function applyScaler(scaler: Scaler, x: Matrix): Matrix {
  if (scaler.transforms.length !== x.cols) {
    throw new RangeError(`applyScaler: scaler has ${scaler.transforms.length} columns, matrix has ${x.cols}`);
  }
  const centers = Float64Array.from(scaler.standardize ? scaler.means : scaler.means.map(() => 0));
  const scales = Float64Array.from(scaler.standardize ? scaler.stds.map((s) => (s > 0 ? s : 1)) : scaler.stds.map(() => 1));
  const out = createMatrix(x.rows, x.cols);
  transformColumns(x.data, x.rows, x.cols, transformCodes(scaler.transforms), centers, scales, out.data);
  return out;
}

/** Validates a stored scaler (unknown JSON) before use. */
export function parseScaler(value: unknown): Result<Scaler, string> {
  const parsed = scalerSchema.safeParse(value);
  if (!parsed.success) return err(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const s = parsed.data;
  if (s.means.length !== s.transforms.length || s.stds.length !== s.transforms.length) {
    return err('means, stds and transforms must have one entry per column');
  }
  return ok(s);
}

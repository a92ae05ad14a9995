import type { Matrix } from '../matrix.js';
import { createMatrix } from '../matrix.js';

/** Per-column medians of the non-missing (finite) values; 0 for a column with none. */
export function fitMedians(x: Matrix, rows?: Int32Array): number[] {
  const medians: number[] = [];
  const indices = rows ?? Int32Array.from({ length: x.rows }, (_, i) => i);
  for (let j = 0; j < x.cols; j++) {
    const values: number[] = [];
    for (const i of indices) {
      const v = x.data[i * x.cols + j] as number;
      if (Number.isFinite(v)) values.push(v);
    }
    values.sort((a, b) => a - b);
    const mid = values.length >> 1;
    medians.push(values.length === 0 ? 0 : values.length % 2 === 1 ? (values[mid] as number) : ((values[mid - 1] as number) + (values[mid] as number)) / 2);
  }
  return medians;
}

/**
 * Replaces missing values (NaN) by the fitted medians, for models that cannot take them (the
 * logistic baseline); the GBDT reads missing values itself. Returns a new matrix.
 */
export function imputeMedians(x: Matrix, medians: readonly number[]): Matrix {
  const out = createMatrix(x.rows, x.cols, Float64Array.from(x.data));
  for (let i = 0; i < out.data.length; i++) if (!Number.isFinite(out.data[i] as number)) out.data[i] = medians[i % x.cols] ?? 0;
  return out;
}

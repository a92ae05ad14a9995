import type { Rng } from '../../src/core/shared/rng.js';
import type { Matrix } from '../../src/core/models/matrix.js';
import { matrixFromRows } from '../../src/core/models/matrix.js';

/** Gaussian blobs (Box-Muller from a seeded rng): rows and the blob each row came from. */
export function makeBlobs(
  centres: readonly (readonly number[])[],
  rowsPerBlob: number,
  spread: number,
  rng: Rng,
): { x: Matrix; truth: number[] } {
  const rows: number[][] = [];
  const truth: number[] = [];
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  centres.forEach((centre, blob) => {
    for (let i = 0; i < rowsPerBlob; i++) {
      rows.push(centre.map((c) => c + spread * gaussian()));
      truth.push(blob);
    }
  });
  return { x: matrixFromRows(rows), truth };
}

/** Uniform points in [0, 1)^cols. */
export function makeUniform(rowCount: number, cols: number, rng: Rng): Matrix {
  return matrixFromRows(Array.from({ length: rowCount }, () => Array.from({ length: cols }, () => rng.next())));
}

/** True when two labelings define the same partition (equal up to renaming the clusters). */
export function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  const forward = new Map<number, number>();
  const backward = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? -1;
    const y = b[i] ?? -1;
    if ((forward.get(x) ?? y) !== y || (backward.get(y) ?? x) !== x) return false;
    forward.set(x, y);
    backward.set(y, x);
  }
  return true;
}

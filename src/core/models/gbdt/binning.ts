import type { Matrix } from '../matrix.js';

/**
 * Feature binning for the histogram GBDT. Each feature's non-missing values fall into at most
 * `maxBins` (<= 255) ordered bins cut by strictly increasing finite edges: a value v is in bin j, the
 * smallest j with v <= edges[j] (or edges.length when v is above every edge). NaN is missing and gets
 * its own code, edges.length + 1, one past the last value bin, so every code fits a byte.
 *
 * A split "code <= b goes left" is therefore the same as "v <= edges[b] goes left" on raw values
 * (b = edges.length means "every non-missing value goes left"): prediction on raw rows compares
 * against the edges and takes exactly the path the binned training rows took.
 */

/** The most value bins a feature can have: codes 0..254 for values, 255 for missing at most. */
export const MAX_BINS = 255;

/** Bin edges of every feature, fitted on training data. */
export interface BinEdges {
  /** edges[f]: strictly increasing finite numbers; feature f has edges[f].length + 1 value bins. */
  readonly edges: readonly Float64Array[];
}

/** The training matrix in bin codes, column-major: code of (row i, feature f) at codes[f * rows + i]. */
export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly codes: Uint8Array;
}

/** The code of the missing bin of a feature with `edgeCount` edges. */
export function missingCode(edgeCount: number): number {
  return edgeCount + 1;
}

/** The midpoint of a < b, without overflow; equals a when no double lies strictly between them. */
function midpoint(a: number, b: number): number {
  const m = a / 2 + b / 2;
  return m >= b ? a : m;
}

/**
 * Edges for one feature from its sorted non-missing values. With at most maxBins distinct values,
 * one bin per value (edges at the midpoints between neighbours). Otherwise equal-count quantiles:
 * edge j sits between the sorted values at ranks floor(j n / maxBins) - 1 and floor(j n / maxBins),
 * so ties stay together (a tied value goes left of its edge), then duplicates are dropped.
 */
export function edgesFromSorted(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  const distinct: number[] = [sorted[0]!];
  for (let i = 1; i < n && distinct.length <= maxBins; i++) {
    if (sorted[i]! !== sorted[i - 1]!) distinct.push(sorted[i]!);
  }
  if (distinct.length <= maxBins) {
    const out = new Float64Array(distinct.length - 1);
    for (let j = 0; j + 1 < distinct.length; j++) out[j] = midpoint(distinct[j]!, distinct[j + 1]!);
    return out;
  }
  const max = sorted[n - 1]!;
  const edges: number[] = [];
  for (let j = 1; j < maxBins; j++) {
    const rank = Math.min(n - 1, Math.max(1, Math.floor((j * n) / maxBins)));
    const lo = sorted[rank - 1]!;
    const hi = sorted[rank]!;
    const edge = lo === hi ? lo : midpoint(lo, hi);
    if (edge >= max) break;
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return Float64Array.from(edges);
}

/**
 * Fits the edges of every column of x on the given rows (all rows when `rows` is null). Values that
 * are NaN are missing; +-Infinity are ordinary (extreme) values.
 */
export function fitBinEdges(x: Matrix, maxBins: number, rows: Int32Array | null = null): BinEdges {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS) {
    throw new RangeError(`fitBinEdges: maxBins must be an integer in [2, ${MAX_BINS}], got ${maxBins}`);
  }
  const count = rows === null ? x.rows : rows.length;
  const buffer = new Float64Array(count);
  const edges: Float64Array[] = [];
  for (let f = 0; f < x.cols; f++) {
    let m = 0;
    for (let k = 0; k < count; k++) {
      const i = rows === null ? k : rows[k]!;
      const v = x.data[i * x.cols + f]!;
      if (v === v) buffer[m++] = v;
    }
    const sorted = buffer.subarray(0, m).sort();
    edges.push(edgesFromSorted(sorted, maxBins).filter((e) => Number.isFinite(e)));
  }
  return { edges };
}

/** The bin code of one value against one feature's edges (binary search). */
export function binValue(edges: Float64Array, v: number): number {
  if (v !== v) return edges.length + 1;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Every value of x as bin codes, column-major. x must have one column per fitted feature. */
export function binMatrix(bins: BinEdges, x: Matrix): BinnedMatrix {
  if (x.cols !== bins.edges.length) throw new RangeError(`binMatrix: ${bins.edges.length} features fitted, matrix has ${x.cols} columns`);
  const n = x.rows;
  const codes = new Uint8Array(n * x.cols);
  for (let f = 0; f < x.cols; f++) {
    const e = bins.edges[f]!;
    const base = f * n;
    for (let i = 0; i < n; i++) codes[base + i] = binValue(e, x.data[i * x.cols + f]!);
  }
  return { rows: n, cols: x.cols, codes };
}

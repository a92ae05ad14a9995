/**
 * A dense row-major matrix of doubles: element (i, j) sits at data[i * cols + j]. The numeric code
 * works on this shape only; the rows-of-numbers form is for JSON, tests and callers.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Wraps (or allocates zeroed) storage; throws when the sizes disagree (a programmer error). */
export function createMatrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`createMatrix: rows and cols must be non-negative integers, got ${rows}x${cols}`);
  }
  const storage = data ?? new Float64Array(rows * cols);
  if (storage.length !== rows * cols) {
    throw new RangeError(`createMatrix: data has ${storage.length} values, expected ${rows}x${cols}`);
  }
  return { rows, cols, data: storage };
}

/**
 * Builds a matrix from rows of numbers. Every row must have the same length and every value must be
 * finite: missing values are the feature pipeline's job (impute before clustering), not the model's.
 */
export function matrixFromRows(rows: readonly (readonly number[])[], cols?: number): Matrix {
  const first = rows[0];
  const width = cols ?? (first === undefined ? 0 : first.length);
  const data = new Float64Array(rows.length * width);
  let offset = 0;
  let rowIndex = 0;
  for (const row of rows) {
    if (row.length !== width) {
      throw new RangeError(`matrixFromRows: row ${rowIndex} has ${row.length} values, expected ${width}`);
    }
    for (const value of row) {
      if (!Number.isFinite(value)) throw new RangeError(`matrixFromRows: row ${rowIndex} holds a non-finite value (${value})`);
    }
    data.set(row, offset);
    offset += width;
    rowIndex++;
  }
  return { rows: rows.length, cols: width, data };
}

/** The rows as plain arrays (copies), e.g. for JSON. */
export function matrixToRows(x: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < x.rows; i++) out.push(Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols)));
  return out;
}

/** A view of row i (no copy): writes through to the matrix. */
export function rowView(x: Matrix, i: number): Float64Array {
  return x.data.subarray(i * x.cols, (i + 1) * x.cols);
}

/** A new matrix holding the given rows, in the given order (copies). */
export function selectRows(x: Matrix, indices: ArrayLike<number> & Iterable<number>): Matrix {
  const out = new Float64Array(indices.length * x.cols);
  let offset = 0;
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= x.rows) throw new RangeError(`selectRows: row ${i} is out of range [0, ${x.rows})`);
    out.set(rowView(x, i), offset);
    offset += x.cols;
  }
  return { rows: indices.length, cols: x.cols, data: out };
}

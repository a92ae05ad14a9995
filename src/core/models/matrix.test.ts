import { describe, expect, it } from 'vitest';
import { createMatrix, matrixFromRows, matrixToRows, rowView, selectRows } from './matrix.js';

describe('matrix', () => {
  it('round-trips rows through the row-major Float64Array', () => {
    const rows = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const m = matrixFromRows(rows);
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(matrixToRows(m)).toEqual(rows);
    expect(Array.from(rowView(m, 1))).toEqual([4, 5, 6]);
    expect(matrixToRows(selectRows(m, [1, 0, 1]))).toEqual([rows[1], rows[0], rows[1]]);
  });

  it('refuses ragged rows, non-finite values, bad sizes and out-of-range rows', () => {
    expect(() => matrixFromRows([[1, 2], [3]])).toThrow(/row 1 has 1 values/);
    expect(() => matrixFromRows([[1, Number.NaN]])).toThrow(/non-finite/);
    expect(() => createMatrix(2, 2, new Float64Array(3))).toThrow(RangeError);
    expect(() => createMatrix(-1, 2)).toThrow(RangeError);
    expect(() => selectRows(matrixFromRows([[1]]), [1])).toThrow(/out of range/);
  });

  it('builds an empty matrix with a declared width', () => {
    const m = matrixFromRows([], 4);
    expect(m.rows).toBe(0);
    expect(m.cols).toBe(4);
    expect(matrixFromRows([]).cols).toBe(0);
  });
});

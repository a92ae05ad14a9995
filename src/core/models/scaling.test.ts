import { describe, expect, it } from 'vitest';
import { matrixFromRows, matrixToRows } from './matrix.js';
import { applyScaler, fitScaler, parseScaler } from './scaling.js';

const tolerance = 12; // digits for toBeCloseTo

function columnStats(rows: number[][], j: number): { mean: number; std: number } {
  const values = rows.map((r) => r[j] ?? Number.NaN);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

describe('fitScaler / applyScaler', () => {
  const x = matrixFromRows([
    [1, 10, 5, 0],
    [2, 20, 5, 9],
    [3, 60, 5, 99],
    [6, 30, 5, 999],
  ]);

  it('standardizes every column to mean 0 and population std 1', () => {
    const scaler = fitScaler(x, { transforms: ['none', 'none', 'none', 'none'], standardize: true });
    const out = matrixToRows(applyScaler(scaler, x));
    for (const j of [0, 1]) {
      const { mean, std } = columnStats(out, j);
      expect(mean).toBeCloseTo(0, tolerance);
      expect(std).toBeCloseTo(1, tolerance);
    }
    expect(scaler.means[0]).toBeCloseTo(3, tolerance);
    expect(scaler.stds[0]).toBeCloseTo(Math.sqrt(3.5), tolerance);
  });

  it('maps a zero-variance column to 0 and reports its std as 0', () => {
    const scaler = fitScaler(x, { transforms: ['none', 'none', 'none', 'none'], standardize: true });
    expect(scaler.stds[2]).toBe(0);
    expect(matrixToRows(applyScaler(scaler, x)).map((r) => r[2])).toEqual([0, 0, 0, 0]);
  });

  it('applies log1p before standardizing, and mirrors it for negative values', () => {
    const scaler = fitScaler(x, { transforms: ['none', 'none', 'none', 'log1p'], standardize: false });
    const out = matrixToRows(applyScaler(scaler, x));
    expect(out.map((r) => r[3])).toEqual([0, Math.log(10), Math.log(100), Math.log(1000)]);
    const negative = applyScaler(fitScaler(matrixFromRows([[-9]]), { transforms: ['log1p'], standardize: false }), matrixFromRows([[-9]]));
    expect(negative.data[0]).toBeCloseTo(-Math.log(10), tolerance);
    const standardized = fitScaler(x, { transforms: ['none', 'none', 'none', 'log1p'], standardize: true });
    const { mean, std } = columnStats(matrixToRows(applyScaler(standardized, x)), 3);
    expect(mean).toBeCloseTo(0, tolerance);
    expect(std).toBeCloseTo(1, tolerance);
  });

  it('uses the fitted parameters on new rows, and survives a JSON round trip', () => {
    const scaler = fitScaler(x, { transforms: ['none', 'log1p', 'none', 'log1p'], standardize: true });
    const restored = parseScaler(JSON.parse(JSON.stringify(scaler)));
    expect(restored.ok).toBe(true);
    if (!restored.ok) return;
    const fresh = matrixFromRows([[100, 7, 5, 3]]);
    expect(Array.from(applyScaler(restored.value, fresh).data)).toEqual(Array.from(applyScaler(scaler, fresh).data));
    expect(applyScaler(scaler, fresh).data[0]).toBeCloseTo((100 - 3) / Math.sqrt(3.5), tolerance);
  });

  it('refuses mismatched widths and invalid stored scalers', () => {
    expect(() => fitScaler(x, { transforms: ['none'], standardize: true })).toThrow(RangeError);
    const scaler = fitScaler(x, { transforms: ['none', 'none', 'none', 'none'], standardize: true });
    expect(() => applyScaler(scaler, matrixFromRows([[1]]))).toThrow(RangeError);
    expect(parseScaler({ ...scaler, means: [1] }).ok).toBe(false);
    expect(parseScaler({ ...scaler, format: 'scaler@2' }).ok).toBe(false);
  });
});

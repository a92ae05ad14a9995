import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import { encodeTable, fitTableEncoder } from './encode-table.js';
import { stratifiedSplit } from './stratified-split.js';

const header = ['id', 'tenure', 'charges', 'contract', 'churn'];
const rows = [
  ['a1', '1', '29.85', 'Month-to-month', 'Yes'],
  ['a2', '34', ' ', 'One year', 'No'],
  ['a3', '2', '53.85', 'Month-to-month', 'Yes'],
  ['a4', '45', '42.3', 'Two year', 'No'],
];

describe('table encoding', () => {
  it('keeps numbers (blanks as missing), one-hot encodes categories, reads the label, drops ids', () => {
    const encoder = fitTableEncoder(header, rows, { target: 'churn', positive: 'Yes', drop: ['id'] });
    expect(encoder.featureNames).toEqual(['tenure', 'charges', 'contract=Month-to-month', 'contract=One year', 'contract=Two year']);
    const { x, y } = encodeTable(encoder, [...rows, ['a5', '3', 'n/a', 'Weekly', 'No']]);
    expect(Array.from(y)).toEqual([1, 0, 1, 0, 0]);
    expect(Array.from(x.data.subarray(0, 5))).toEqual([1, 29.85, 1, 0, 0]);
    expect(Number.isNaN(x.data[6])).toBe(true); // the blank charge
    // An unseen category is all zeros; an unparseable number is missing.
    expect(Number.isNaN(x.data[4 * 5 + 1])).toBe(true);
    expect(Array.from(x.data.subarray(4 * 5 + 2, 4 * 5 + 5))).toEqual([0, 0, 0]);
  });

  it('refuses a target or dropped column that is not there, naming the columns', () => {
    expect(() => fitTableEncoder(header, rows, { target: 'Churn', positive: 'Yes' })).toThrow(/no column "Churn" \(columns: id, tenure/);
    expect(() => fitTableEncoder(header, rows, { target: 'churn', positive: 'Yes', drop: ['ID'] })).toThrow(/--drop names no column "ID"/);
  });
});

describe('stratified split', () => {
  it('keeps the base rate in every part, covers every row once, and repeats with the seed', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const split = stratifiedSplit(labels, { validation: 0.2, test: 0.2 }, createRng(3));
    const rate = (rows: Int32Array): number => rows.reduce((n, r) => n + (labels[r] ?? 0), 0) / rows.length;
    for (const part of [split.train, split.validation, split.test]) expect(rate(part)).toBeCloseTo(0.1, 2);
    expect(new Set([...split.train, ...split.validation, ...split.test]).size).toBe(1000);
    expect(split.test.length).toBe(200);
    expect(stratifiedSplit(labels, { validation: 0.2, test: 0.2 }, createRng(3))).toEqual(split);
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import { createMatrix } from '../matrix.js';
import type { GbdtState } from './gbdt-state.js';
import { parseGbdtState } from './gbdt-state.js';
import { compileGbdt } from './predict-gbdt.js';
import { trainGbdt } from './train-gbdt.js';

/** A small trained model on data with missing values, 3 features. */
function trainedModel(): { state: GbdtState; x: ReturnType<typeof createMatrix> } {
  const rng = createRng(21);
  const n = 400;
  const x = createMatrix(n, 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.next();
    const b = rng.next() < 0.2 ? NaN : rng.next();
    x.data.set([a, b, Math.floor(rng.next() * 4)], i * 3);
    y[i] = a + (Number.isNaN(b) ? 0.8 : b) + 0.3 * rng.next() > 1.1 ? 1 : 0;
  }
  const fit = trainGbdt({ x, y }, { loss: 'logistic', maxIterations: 25, learningRate: 0.2, rowSubsample: 0.8, featureNames: ['a', 'b', 'c'] }, createRng(22));
  return { state: fit.state, x };
}

describe('GBDT serialization', () => {
  it('round-trips through JSON text with bit-identical predictions', () => {
    const { state, x } = trainedModel();
    const text = JSON.stringify(state);
    const parsed = parseGbdtState(JSON.parse(text));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value).toEqual(state);
    const before = compileGbdt(state).predictRaw(x);
    const after = compileGbdt(parsed.value).predictRaw(x);
    expect(after.length).toBe(before.length);
    for (let i = 0; i < before.length; i++) expect(Object.is(after[i], before[i])).toBe(true);
    const row = [0.3, NaN, 2];
    expect(compileGbdt(parsed.value).predictRow(row)).toBe(compileGbdt(state).predictRow(row));
    expect(state.format).toBe('gbdt@1');
    expect(state.featureNames).toEqual(['a', 'b', 'c']);
  });

  it('refuses malformed models with the reason', () => {
    const { state } = trainedModel();
    const copy = (): GbdtState & { trees: GbdtState['trees'] } => JSON.parse(JSON.stringify(state)) as GbdtState;
    const expectError = (value: unknown, pattern: RegExp): void => {
      const parsed = parseGbdtState(value);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(pattern);
    };
    expectError({ ...copy(), format: 'gbdt@2' }, /format/);
    expectError({ ...copy(), binEdges: copy().binEdges.slice(1) }, /bin edges for 3 features/);
    expectError({ ...copy(), binEdges: [[2, 1], ...copy().binEdges.slice(1)] }, /strictly increasing/);
    const tree = copy().trees[0]!;
    const backwards = { ...tree, left: tree.left.map((l, i) => (i === 0 ? 0 : l)) };
    expectError({ ...copy(), trees: [backwards] }, /children must come after/);
    const root = tree.feature[0] ?? 0;
    const badBin = { ...tree, bin: tree.bin.map((b, i) => (i === 0 ? (copy().binEdges[root]?.length ?? 0) + 1 : b)) };
    expectError({ ...copy(), trees: [badBin] }, /splits at bin/);
    expectError({ ...copy(), trees: [{ ...tree, value: tree.value.slice(1) }] }, /value has/);
  });
});

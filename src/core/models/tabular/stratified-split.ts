import type { Rng } from '../../shared/rng.js';

export interface SplitFractions {
  readonly validation: number;
  readonly test: number;
}

export interface Split {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

/**
 * A stratified random split of row indices: each class is shuffled (seeded) and cut in the same
 * proportions, so train, validation and test keep the base rate. For tables without time (the
 * `eval propensity` CSVs); anything built from events is split by time instead (point-in-time.ts).
 */
export function stratifiedSplit(labels: ArrayLike<number>, fractions: SplitFractions, rng: Rng): Split {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    const list = byClass.get(label);
    if (list === undefined) byClass.set(label, [i]);
    else list.push(i);
  }
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(label) ?? [];
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const swap = rows[i] as number;
      rows[i] = rows[j] as number;
      rows[j] = swap;
    }
    const nTest = Math.round(rows.length * fractions.test);
    const nValidation = Math.round(rows.length * fractions.validation);
    test.push(...rows.slice(0, nTest));
    validation.push(...rows.slice(nTest, nTest + nValidation));
    train.push(...rows.slice(nTest + nValidation));
  }
  const sorted = (xs: number[]): Int32Array => Int32Array.from(xs.sort((a, b) => a - b));
  return { train: sorted(train), validation: sorted(validation), test: sorted(test) };
}

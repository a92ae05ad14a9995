import type { Rng } from '../../shared/rng.js';
import type { Matrix } from '../matrix.js';
import { selectRows } from '../matrix.js';
import { stratifiedSplit } from '../tabular/stratified-split.js';
import { qiniAucScore, upliftAtK } from './uplift-metrics.js';
import type { UpliftFitOptions, UpliftModel } from './uplift-models.js';
import { fitTwoModel, fitXLearner } from './uplift-models.js';

/**
 * Compares targeting policies on a randomized experiment: for each of `splits` seeded 50/50 splits
 * (stratified by treatment × outcome (outcome > 0 for continuous ones), so both halves keep each arm's response rate), the models fit
 * on one half and every policy ranks the other half; Qini coefficient (sklift's qini_auc_score) and
 * uplift at k (sklift's uplift_at_k, 'overall') are computed on that held-out half. Reported: each
 * split's figures, their mean and sample standard deviation (n − 1).
 *
 * Policies: 'random' (everyone, in a random order: Qini 0 in expectation), 'rule' (a 0/1 score
 * given per row, e.g. "bought from the category the e-mail is about": those rows first, ties as
 * sklift orders them), and the models.
 */

export const UPLIFT_MODEL_KINDS = ['two-model-logistic', 'two-model-gbdt', 'x-learner-gbdt'] as const;
export type UpliftModelKind = (typeof UPLIFT_MODEL_KINDS)[number];

export const UPLIFT_MODEL_DESCRIPTIONS: Readonly<Record<UpliftModelKind | 'random' | 'rule', string>> = {
  random: 'everyone, random order',
  rule: 'segment rule (rule column = 1 first)',
  'two-model-logistic': 'two-model, L2 logistic regression',
  'two-model-gbdt': 'two-model, Attune GBDT',
  'x-learner-gbdt': 'X-learner, Attune GBDT',
};

export interface UpliftEvaluationInput {
  readonly x: Matrix;
  readonly treatment: ArrayLike<number>;
  /** 0/1 outcome, or any non-negative number with outcome 'continuous'. */
  readonly y: ArrayLike<number>;
  /**
   * 'binary' (default): sklift's qini_auc_score. 'continuous' (e.g. spend): the same formula on the
   * raw outcome (qiniAucScore's continuous extension), squared-loss GBDTs, and no logistic model.
   */
  readonly outcome?: 'binary' | 'continuous';
  /** A score per row for the segment-rule policy (e.g. a 0/1 column), or null for none. */
  readonly ruleScore: ArrayLike<number> | null;
  readonly models: readonly UpliftModelKind[];
  readonly splits: number;
  /** Share targeted for uplift at k; default 0.3. */
  readonly k?: number;
  readonly fit?: UpliftFitOptions;
}

export interface Spread {
  readonly mean: number;
  readonly sd: number;
  readonly values: readonly number[];
}

export interface PolicyResult {
  readonly policy: 'random' | 'rule' | UpliftModelKind;
  readonly description: string;
  readonly qini: Spread;
  readonly upliftAtK: Spread;
}

export interface UpliftEvaluation {
  readonly rows: number;
  readonly treated: number;
  readonly control: number;
  /** Outcome rate (mean) per arm over all rows, and their difference (the average effect). */
  readonly treatedRate: number;
  readonly controlRate: number;
  readonly splits: number;
  readonly k: number;
  readonly testRows: readonly number[];
  readonly policies: readonly PolicyResult[];
}

export function spreadOf(values: readonly number[]): Spread {
  const n = values.length;
  const mean = n === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? Number.NaN : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { mean, sd, values };
}

function fitModel(kind: UpliftModelKind, data: { x: Matrix; treatment: Float64Array; y: Float64Array }, rng: Rng, options: UpliftFitOptions): UpliftModel {
  if (kind === 'two-model-logistic') return fitTwoModel(data, 'logistic', rng, options);
  if (kind === 'two-model-gbdt') return fitTwoModel(data, 'gbdt', rng, options);
  return fitXLearner(data, rng, options);
}

export function evaluateUplift(input: UpliftEvaluationInput, rng: Rng): UpliftEvaluation {
  const n = input.x.rows;
  const { treatment, y } = input;
  if (treatment.length !== n || y.length !== n) throw new RangeError(`evaluateUplift: ${n} rows, ${treatment.length} treatment flags, ${y.length} outcomes`);
  if (input.ruleScore !== null && input.ruleScore.length !== n) throw new RangeError(`evaluateUplift: ${input.ruleScore.length} rule scores for ${n} rows`);
  if (!Number.isInteger(input.splits) || input.splits < 1) throw new RangeError(`evaluateUplift: splits must be a positive integer, got ${input.splits}`);
  const k = input.k ?? 0.3;
  const continuous = input.outcome === 'continuous';
  if (continuous && input.models.includes('two-model-logistic')) throw new RangeError('evaluateUplift: the logistic two-model needs a binary outcome');
  let treated = 0;
  let yt = 0;
  let yc = 0;
  const strata = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = treatment[i];
    const v = y[i];
    if (t !== 0 && t !== 1) throw new RangeError(`evaluateUplift: treatment ${i} is ${String(t)}, expected 0 or 1`);
    if (continuous ? !(typeof v === 'number' && Number.isFinite(v)) : v !== 0 && v !== 1) throw new RangeError(`evaluateUplift: outcome ${i} is ${String(v)}, expected ${continuous ? 'a finite number' : '0 or 1'}`);
    strata[i] = 2 * t + ((v as number) > 0 ? 1 : 0);
    if (t === 1) {
      treated++;
      yt += v as number;
    } else yc += v as number;
  }
  const control = n - treated;
  const names: PolicyResult['policy'][] = ['random', ...(input.ruleScore === null ? [] : (['rule'] as const)), ...input.models];
  const qini = new Map(names.map((p) => [p, [] as number[]]));
  const atK = new Map(names.map((p) => [p, [] as number[]]));
  const testRows: number[] = [];
  for (let s = 0; s < input.splits; s++) {
    const split = stratifiedSplit(strata, { validation: 0, test: 0.5 }, rng);
    const pick = (rows: Int32Array): { x: Matrix; treatment: Float64Array; y: Float64Array } => ({
      x: selectRows(input.x, rows),
      treatment: Float64Array.from(rows, (i) => treatment[i] as number),
      y: Float64Array.from(rows, (i) => y[i] as number),
    });
    const train = pick(split.train);
    const test = pick(split.test);
    testRows.push(test.x.rows);
    const record = (policy: PolicyResult['policy'], score: ArrayLike<number>): void => {
      qini.get(policy)?.push(qiniAucScore(test.y, score, test.treatment, { continuous }));
      atK.get(policy)?.push(upliftAtK(test.y, score, test.treatment, k));
    };
    record('random', Float64Array.from({ length: test.x.rows }, () => rng.next()));
    const rule = input.ruleScore;
    if (rule !== null) record('rule', Float64Array.from(split.test, (i) => rule[i] as number));
    for (const kind of input.models) record(kind, fitModel(kind, train, rng, { ...input.fit, outcome: continuous ? 'continuous' : 'binary' }).predict(test.x));
  }
  return {
    rows: n,
    treated,
    control,
    treatedRate: treated === 0 ? Number.NaN : yt / treated,
    controlRate: control === 0 ? Number.NaN : yc / control,
    splits: input.splits,
    k,
    testRows,
    policies: names.map((policy) => ({
      policy,
      description: UPLIFT_MODEL_DESCRIPTIONS[policy],
      qini: spreadOf(qini.get(policy) ?? []),
      upliftAtK: spreadOf(atK.get(policy) ?? []),
    })),
  };
}

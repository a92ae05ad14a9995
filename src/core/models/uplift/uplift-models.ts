import type { Rng } from '../../shared/rng.js';
import { compileGbdt } from '../gbdt/predict-gbdt.js';
import type { GbdtOptions } from '../gbdt/train-gbdt.js';
import { trainGbdt } from '../gbdt/train-gbdt.js';
import { fitLogisticBaseline } from '../linear/logistic-baseline.js';
import type { Matrix } from '../matrix.js';
import { selectRows } from '../matrix.js';
import { stratifiedSplit } from '../tabular/stratified-split.js';

/**
 * Uplift (conditional average treatment effect) models for a randomized experiment: each estimates,
 * per row, E[Y | X, treated] − E[Y | X, control].
 *
 * - two-model (T-learner): one outcome model per arm; uplift = μ1(x) − μ0(x). Learners: Attune's
 *   GBDT, or the logistic baseline (medians imputed, standardized, L2 = 1; binary outcomes only).
 * - X-learner (Künzel, Sekhon, Bickel and Yu, PNAS 2019) on GBDT: stage 1 outcome models μ1, μ0 per
 *   arm; imputed effects D1 = Y1 − μ0(X1) on the treated and D0 = μ1(X0) − Y0 on the control;
 *   stage 2 GBDT regressions (squared loss) τ1 on (X1, D1) and τ0 on (X0, D0); with the propensity
 *   g = P(T = 1), constant in a randomized design (the treated share of the training rows),
 *   τ(x) = g·τ0(x) + (1 − g)·τ1(x).
 *
 * Every GBDT stops early on a seeded 20% of its own training rows (stratified by the outcome for
 * binary targets), so the number of trees fits each arm's size and noise.
 */

export type UpliftLearner = 'gbdt' | 'logistic';
export type OutcomeKind = 'binary' | 'continuous';

export interface UpliftData {
  readonly x: Matrix;
  /** 1 = treated, 0 = control. */
  readonly treatment: ArrayLike<number>;
  /** 0/1 for binary outcomes; any finite number for continuous ones. */
  readonly y: ArrayLike<number>;
}

export interface UpliftModel {
  readonly kind: 'two-model' | 'x-learner';
  readonly learner: UpliftLearner;
  /** Trees kept per fitted GBDT, by role (empty for logistic). */
  readonly trees: Readonly<Record<string, number>>;
  /** Treated share of the training rows (the X-learner's g). */
  readonly treatedShare: number;
  /** Estimated uplift of every row of x. */
  predict(x: Matrix): Float64Array;
}

/** GBDT settings for uplift: small trees, slow learning and early stopping (effects are small and noisy). */
export const UPLIFT_GBDT_OPTIONS: Omit<GbdtOptions, 'loss'> = {
  learningRate: 0.05,
  maxIterations: 400,
  maxLeaves: 8,
  minSamplesLeaf: 100,
  l2: 1,
  earlyStopping: { patience: 30 },
};

export interface UpliftFitOptions {
  readonly outcome?: OutcomeKind;
  readonly gbdt?: Omit<GbdtOptions, 'loss'>;
}

type Predictor = (x: Matrix) => Float64Array;

interface Arms {
  readonly treated: Int32Array;
  readonly control: Int32Array;
  readonly share: number;
}

function splitArms(data: UpliftData): Arms {
  const n = data.x.rows;
  if (data.treatment.length !== n || data.y.length !== n) throw new RangeError(`uplift: ${n} rows, ${data.treatment.length} treatment flags, ${data.y.length} outcomes`);
  const treated: number[] = [];
  const control: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = data.treatment[i];
    if (t === 1) treated.push(i);
    else if (t === 0) control.push(i);
    else throw new RangeError(`uplift: treatment ${i} is ${String(t)}, expected 0 or 1`);
  }
  if (treated.length === 0 || control.length === 0) throw new RangeError('uplift: both treated and control rows are needed');
  return { treated: Int32Array.from(treated), control: Int32Array.from(control), share: treated.length / n };
}

function fitGbdtOn(x: Matrix, y: Float64Array, loss: 'logistic' | 'squared', options: Omit<GbdtOptions, 'loss'>, rng: Rng): { predict: Predictor; trees: number } {
  const strata = loss === 'logistic' ? y : new Float64Array(y.length);
  const split = stratifiedSplit(strata, { validation: options.earlyStopping === undefined ? 0 : 0.2, test: 0 }, rng);
  const part = (rows: Int32Array): { x: Matrix; y: Float64Array } => ({ x: selectRows(x, rows), y: Float64Array.from(rows, (i) => y[i] as number) });
  const fit = options.earlyStopping === undefined ? trainGbdt(part(split.train), { ...options, loss }, rng) : trainGbdt(part(split.train), { ...options, loss }, rng, part(split.validation));
  const model = compileGbdt(fit.state);
  return { predict: (rows) => model.predict(rows), trees: fit.bestIteration };
}

function outcomeModel(
  x: Matrix,
  y: Float64Array,
  learner: UpliftLearner,
  outcome: OutcomeKind,
  options: Omit<GbdtOptions, 'loss'>,
  rng: Rng,
): { predict: Predictor; trees: number | null } {
  if (learner === 'logistic') {
    if (outcome !== 'binary') throw new RangeError('uplift: the logistic learner needs a binary outcome');
    return { predict: fitLogisticBaseline(x, y).predict, trees: null };
  }
  return fitGbdtOn(x, y, outcome === 'binary' ? 'logistic' : 'squared', options, rng);
}

function rowsOf(data: UpliftData, rows: Int32Array): { x: Matrix; y: Float64Array } {
  return { x: selectRows(data.x, rows), y: Float64Array.from(rows, (i) => data.y[i] as number) };
}

/** Two-model (T-learner) uplift: μ1(x) − μ0(x), one outcome model per arm. */
export function fitTwoModel(data: UpliftData, learner: UpliftLearner, rng: Rng, options: UpliftFitOptions = {}): UpliftModel {
  const arms = splitArms(data);
  const outcome = options.outcome ?? 'binary';
  const gbdt = options.gbdt ?? UPLIFT_GBDT_OPTIONS;
  const t = rowsOf(data, arms.treated);
  const c = rowsOf(data, arms.control);
  const mu1 = outcomeModel(t.x, t.y, learner, outcome, gbdt, rng);
  const mu0 = outcomeModel(c.x, c.y, learner, outcome, gbdt, rng);
  const trees: Record<string, number> = {};
  if (mu1.trees !== null) trees['treated'] = mu1.trees;
  if (mu0.trees !== null) trees['control'] = mu0.trees;
  return {
    kind: 'two-model',
    learner,
    trees,
    treatedShare: arms.share,
    predict(x: Matrix): Float64Array {
      const p1 = mu1.predict(x);
      const p0 = mu0.predict(x);
      return p1.map((p, i) => p - (p0[i] as number));
    },
  };
}

/** X-learner uplift on GBDT (see the module comment). */
export function fitXLearner(data: UpliftData, rng: Rng, options: UpliftFitOptions = {}): UpliftModel {
  const arms = splitArms(data);
  const outcome = options.outcome ?? 'binary';
  const gbdt = options.gbdt ?? UPLIFT_GBDT_OPTIONS;
  const t = rowsOf(data, arms.treated);
  const c = rowsOf(data, arms.control);
  const stage1Loss = outcome === 'binary' ? 'logistic' : 'squared';
  const mu1 = fitGbdtOn(t.x, t.y, stage1Loss, gbdt, rng);
  const mu0 = fitGbdtOn(c.x, c.y, stage1Loss, gbdt, rng);
  const mu0OnTreated = mu0.predict(t.x);
  const mu1OnControl = mu1.predict(c.x);
  const d1 = t.y.map((y, i) => y - (mu0OnTreated[i] as number));
  const d0 = c.y.map((y, i) => (mu1OnControl[i] as number) - y);
  const tau1 = fitGbdtOn(t.x, d1, 'squared', gbdt, rng);
  const tau0 = fitGbdtOn(c.x, d0, 'squared', gbdt, rng);
  const g = arms.share;
  return {
    kind: 'x-learner',
    learner: 'gbdt',
    trees: { mu1: mu1.trees, mu0: mu0.trees, tau1: tau1.trees, tau0: tau0.trees },
    treatedShare: g,
    predict(x: Matrix): Float64Array {
      const a = tau0.predict(x);
      const b = tau1.predict(x);
      return a.map((v, i) => g * v + (1 - g) * (b[i] as number));
    },
  };
}

import type { ProfileFeatures } from '../../features/compute-features.js';
import { DEFAULT_RFM_CONFIG } from '../../segments/rfm/rfm-config.js';
import type { RfmBoundaries } from '../../segments/rfm/rfm-boundaries.js';
import { fitRfmBoundaries } from '../../segments/rfm/fit-rfm-boundaries.js';
import { scoreRfm } from '../../segments/rfm/score-rfm.js';
import type { Rng } from '../../shared/rng.js';
import type { EpochMs } from '../../shared/time.js';
import type { Calibrator } from '../calibration/calibrate.js';
import { calibrate, fitPlatt } from '../calibration/calibrate.js';
import type { GbdtState } from '../gbdt/gbdt-state.js';
import { compileGbdt } from '../gbdt/predict-gbdt.js';
import { trainGbdt } from '../gbdt/train-gbdt.js';
import { selectRows } from '../matrix.js';
import type { Matrix } from '../matrix.js';
import { brierScore, logLoss } from '../metrics/probability.js';
import { averagePrecision, rocAuc } from '../metrics/ranking.js';
import { liftByDecile } from '../metrics/tables.js';
import { stratifiedSplit } from '../tabular/stratified-split.js';
import { fitLogisticBaseline } from '../linear/logistic-baseline.js';
import type { TrainingSet } from '../training/point-in-time.js';
import { DEFAULT_MODEL_FEATURES } from '../training/point-in-time.js';
import { PROPENSITY_GBDT_OPTIONS } from './evaluate-propensity.js';

/** Fewer rows or examples of either outcome than this, and a model would serve noise. */
export const MIN_TRAIN_POSITIVES = 20;
export const MIN_TRAIN_NEGATIVES = 20;
export const MIN_TEST_ROWS = 50;

/**
 * What a workspace serves for a target: gradient-boosted trees with Platt calibration, or the
 * transparent RFM heuristic when there is too little data (the reason says why, with the numbers).
 */
export type ServedModel =
  | { readonly kind: 'gbdt'; readonly gbdt: GbdtState; readonly calibrator: Calibrator; readonly featureNames: readonly string[] }
  | { readonly kind: 'rfm-heuristic'; readonly boundaries: RfmBoundaries | null; readonly invert: boolean };

export interface TargetMetrics {
  readonly rows: number;
  readonly positives: number;
  readonly auc: number;
  readonly prAuc: number;
  readonly logLoss: number | null;
  readonly brier: number | null;
  readonly topDecileLift: number;
}

export interface TrainedTarget {
  readonly model: ServedModel;
  /** The served model on the later cutoff's rows, which it never saw; null when there are none. */
  readonly metrics: TargetMetrics | null;
  /** The RFM heuristic on the same rows: what the model has to beat. */
  readonly heuristicMetrics: TargetMetrics | null;
  /** The logistic-regression baseline (medians imputed, standardized, L2 = 1) on the same rows. */
  readonly baselineMetrics: TargetMetrics | null;
  /** Why the heuristic is served instead of a model; null when a model is served. */
  readonly fallbackReason: string | null;
  readonly trees: number | null;
}

/**
 * Trains at the earlier cutoff and measures at the later one (a time split): the GBDT with early
 * stopping on a seeded stratified slice of the training rows and Platt calibration on that slice;
 * the RFM heuristic (R+F+M scaled to 0..1, inverted for churn) is scored on the same test rows.
 * With too few rows or positives, the heuristic is served and the reason names the numbers.
 */
export function trainTargetModel(train: TrainingSet, test: TrainingSet, rng: Rng): TrainedTarget {
  const invert = train.target.kind === 'churn';
  const boundaries = fitHeuristic(train);
  const heuristic: ServedModel = { kind: 'rfm-heuristic', boundaries, invert };
  const negatives = train.y.length - train.positives;
  const heuristicMetrics = test.y.length > 0 && test.positives > 0 && test.positives < test.y.length ? metricsOf(test, scoreRows(heuristic, test), false) : null;
  const short: string[] = [];
  if (train.positives < MIN_TRAIN_POSITIVES) short.push(`${train.positives} positives at the training cutoff (needs ${MIN_TRAIN_POSITIVES})`);
  if (negatives < MIN_TRAIN_NEGATIVES) short.push(`${negatives} negatives at the training cutoff (needs ${MIN_TRAIN_NEGATIVES})`);
  if (test.y.length < MIN_TEST_ROWS) short.push(`${test.y.length} profiles at the test cutoff (needs ${MIN_TEST_ROWS})`);
  if (short.length > 0) {
    return { model: heuristic, metrics: heuristicMetrics, heuristicMetrics, baselineMetrics: null, fallbackReason: `not enough history for a model: ${short.join('; ')}`, trees: null };
  }
  const split = stratifiedSplit(train.y, { validation: 0.2, test: 0 }, rng);
  const part = (rows: Int32Array): { x: Matrix; y: Float64Array } => ({ x: selectRows(train.x, rows), y: Float64Array.from(rows, (i) => train.y[i] as number) });
  const fitRows = part(split.train);
  const validation = part(split.validation);
  const fit = trainGbdt(fitRows, { ...PROPENSITY_GBDT_OPTIONS, featureNames: train.featureNames }, rng, validation);
  const calibrator = fitPlatt(compileGbdt(fit.state).predictRaw(validation.x), validation.y);
  const model: ServedModel = { kind: 'gbdt', gbdt: fit.state, calibrator, featureNames: train.featureNames };
  const metrics = heuristicMetrics === null ? null : metricsOf(test, scoreRows(model, test), true);
  const baselineMetrics = heuristicMetrics === null ? null : metricsOf(test, fitLogisticBaseline(train.x, train.y).predict(test.x), true);
  return { model, metrics, heuristicMetrics, baselineMetrics, fallbackReason: null, trees: fit.bestIteration };
}

/** One profile's score (probability for a model, 0..1 rank score for the heuristic). */
export function scoreProfile(model: ServedModel, features: ProfileFeatures, nowMs: EpochMs): number {
  if (model.kind === 'rfm-heuristic') return heuristicScore(model, features);
  const row = DEFAULT_MODEL_FEATURES.map((feature) => feature.read(features, nowMs));
  return calibrate(model.calibrator, compileGbdtCached(model.gbdt).predictRowRaw(row));
}

const compiled = new WeakMap<GbdtState, ReturnType<typeof compileGbdt>>();
function compileGbdtCached(state: GbdtState): ReturnType<typeof compileGbdt> {
  let predictor = compiled.get(state);
  if (predictor === undefined) {
    predictor = compileGbdt(state);
    compiled.set(state, predictor);
  }
  return predictor;
}

function scoreRows(model: ServedModel, set: TrainingSet): Float64Array {
  if (model.kind === 'gbdt') {
    const raw = compileGbdtCached(model.gbdt).predictRaw(set.x);
    return Float64Array.from(raw, (r) => calibrate(model.calibrator, r));
  }
  const read = (row: number, name: string): number => set.x.data[row * set.x.cols + set.featureNames.indexOf(name)] as number;
  return Float64Array.from({ length: set.x.rows }, (_, i) =>
    heuristicFromValues(model, { recencyDays: nanToNull(read(i, 'recencyDays')), frequency: read(i, 'frequency'), monetary: read(i, 'monetary') }),
  );
}

function fitHeuristic(train: TrainingSet): RfmBoundaries | null {
  const col = (name: string): number => train.featureNames.indexOf(name);
  const rows = Array.from({ length: train.x.rows }, (_, i) => {
    const at = (name: string): number => train.x.data[i * train.x.cols + col(name)] as number;
    const recency = at('recencyDays');
    return { recencyDays: Number.isFinite(recency) ? Math.floor(recency) : null, frequency: at('frequency'), monetary: at('monetary') };
  });
  const customers = rows.filter((r) => r.recencyDays !== null).length;
  return customers < DEFAULT_RFM_CONFIG.buckets * 2 ? null : fitRfmBoundaries(rows, DEFAULT_RFM_CONFIG, train.cutoffMs);
}

function heuristicScore(model: Extract<ServedModel, { kind: 'rfm-heuristic' }>, features: ProfileFeatures): number {
  return heuristicFromValues(model, { recencyDays: features.recencyDays, frequency: features.frequency, monetary: features.monetary });
}

function heuristicFromValues(
  model: Extract<ServedModel, { kind: 'rfm-heuristic' }>,
  values: { readonly recencyDays: number | null; readonly frequency: number; readonly monetary: number },
): number {
  let score = 0;
  if (model.boundaries !== null && values.recencyDays !== null) {
    const rfm = scoreRfm({ recencyDays: Math.floor(values.recencyDays), frequency: values.frequency, monetary: values.monetary }, model.boundaries);
    if (rfm !== null) score = (rfm.r + rfm.f + rfm.m - 3) / (3 * (rfm.buckets - 1));
  }
  return model.invert ? 1 - score : score;
}

function metricsOf(set: TrainingSet, p: Float64Array, probabilities: boolean): TargetMetrics {
  return {
    rows: set.y.length,
    positives: set.positives,
    auc: rocAuc(set.y, p),
    prAuc: averagePrecision(set.y, p),
    logLoss: probabilities ? logLoss(set.y, p) : null,
    brier: probabilities ? brierScore(set.y, p) : null,
    topDecileLift: liftByDecile(set.y, p)[0]?.lift ?? Number.NaN,
  };
}

function nanToNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

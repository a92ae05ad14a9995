import type { Rng } from '../../shared/rng.js';
import { calibrate, fitPlatt } from '../calibration/calibrate.js';
import { gainImportance } from '../gbdt/importance.js';
import { compileGbdt } from '../gbdt/predict-gbdt.js';
import type { GbdtOptions } from '../gbdt/train-gbdt.js';
import { trainGbdt } from '../gbdt/train-gbdt.js';
import { fitLogisticBaseline } from '../linear/logistic-baseline.js';
import type { Matrix } from '../matrix.js';
import { selectRows } from '../matrix.js';
import { brierScore, logLoss } from '../metrics/probability.js';
import { averagePrecision, rocAuc } from '../metrics/ranking.js';
import type { CalibrationRow, LiftRow } from '../metrics/tables.js';
import { calibrationTable, liftByDecile } from '../metrics/tables.js';
import type { Split } from '../tabular/stratified-split.js';

export interface ModelScores {
  readonly name: string;
  readonly description: string;
  readonly auc: number;
  readonly prAuc: number;
  readonly logLoss: number;
  readonly brier: number;
  readonly trainMs: number;
  readonly lift: readonly LiftRow[];
  readonly calibration: readonly CalibrationRow[];
}

export interface PropensityReport {
  readonly rows: { readonly train: number; readonly validation: number; readonly test: number };
  readonly positives: { readonly train: number; readonly validation: number; readonly test: number };
  readonly features: number;
  readonly models: readonly ModelScores[];
  readonly gbdt: { readonly treesKept: number; readonly treesGrown: number; readonly topFeatures: readonly { readonly name: string; readonly share: number }[] };
}

export const PROPENSITY_GBDT_OPTIONS: GbdtOptions = { loss: 'logistic', learningRate: 0.1, maxIterations: 500, maxLeaves: 31, minSamplesLeaf: 20, earlyStopping: { patience: 20 } };

/**
 * Trains Attune's GBDT (early stopping on the validation rows) and the logistic baseline (medians
 * imputed and columns standardized on the training rows; L2 = 1) on one split and scores both on
 * the test rows, which neither saw: AUC, PR-AUC, log loss, Brier, lift by decile and a calibration
 * table. The GBDT is also shown Platt-calibrated on the validation rows. `nowMs` only times fits.
 */
export function evaluatePropensity(
  data: { readonly x: Matrix; readonly y: Float64Array; readonly featureNames: readonly string[] },
  split: Split,
  rng: Rng,
  nowMs: () => number,
  gbdtOptions: GbdtOptions = PROPENSITY_GBDT_OPTIONS,
): PropensityReport {
  const part = (rows: Int32Array): { x: Matrix; y: Float64Array } => ({ x: selectRows(data.x, rows), y: Float64Array.from(rows, (i) => data.y[i] as number) });
  const train = part(split.train);
  const validation = part(split.validation);
  const test = part(split.test);

  let started = nowMs();
  const fit = trainGbdt(train, { ...gbdtOptions, featureNames: data.featureNames }, rng, validation);
  const gbdtMs = nowMs() - started;
  const gbdt = compileGbdt(fit.state);
  const gbdtTest = gbdt.predict(test.x);
  const platt = fitPlatt(gbdt.predictRaw(validation.x), validation.y);
  const calibrated = Float64Array.from(gbdt.predictRaw(test.x), (raw) => calibrate(platt, raw));

  started = nowMs();
  const baseline = fitLogisticBaseline(train.x, train.y);
  const logisticMs = nowMs() - started;
  const logisticTest = baseline.predict(test.x);

  const score = (name: string, description: string, p: Float64Array, trainMs: number): ModelScores => ({
    name,
    description,
    auc: rocAuc(test.y, p),
    prAuc: averagePrecision(test.y, p),
    logLoss: logLoss(test.y, p),
    brier: brierScore(test.y, p),
    trainMs,
    lift: liftByDecile(test.y, p),
    calibration: calibrationTable(test.y, p),
  });
  const importance = gainImportance(fit.state);
  const sum = (y: Float64Array): number => y.reduce((a, b) => a + b, 0);
  return {
    rows: { train: train.x.rows, validation: validation.x.rows, test: test.x.rows },
    positives: { train: sum(train.y), validation: sum(validation.y), test: sum(test.y) },
    features: data.featureNames.length,
    models: [
      score('gbdt', `Attune GBDT, ${fit.bestIteration} trees (early stopping on validation)`, gbdtTest, gbdtMs),
      score('gbdt+platt', 'the same GBDT, Platt-calibrated on the validation rows', calibrated, gbdtMs),
      score('logistic', 'L2 logistic regression (C = 1), medians imputed, standardized: the baseline', logisticTest, logisticMs),
    ],
    gbdt: {
      treesKept: fit.bestIteration,
      treesGrown: fit.iterationsRun,
      topFeatures: importance.ranking.slice(0, 10).map((f) => ({ name: data.featureNames[f] ?? `#${f}`, share: importance.normalized[f] ?? 0 })),
    },
  };
}

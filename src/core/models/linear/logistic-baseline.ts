import type { Matrix } from '../matrix.js';
import { applyScaler, fitScaler } from '../scaling.js';
import { fitMedians, imputeMedians } from '../tabular/impute-medians.js';
import type { LogisticModel } from './logistic-regression.js';
import { fitLogisticRegression, predictLogistic } from './logistic-regression.js';

/**
 * The transparent baseline every model is compared with: medians imputed and columns
 * standardized on the training rows, then L2 logistic regression (l2 = 1). Returns the fitted model
 * and a predictor that applies the same preparation to new rows.
 */
export function fitLogisticBaseline(x: Matrix, y: ArrayLike<number>): { readonly model: LogisticModel; readonly predict: (rows: Matrix) => Float64Array } {
  const medians = fitMedians(x);
  const imputed = imputeMedians(x, medians);
  const scaler = fitScaler(imputed, { transforms: Array.from({ length: x.cols }, () => 'none' as const), standardize: true });
  const model = fitLogisticRegression(applyScaler(scaler, imputed), y, { l2: 1 });
  return { model, predict: (rows) => predictLogistic(model, applyScaler(scaler, imputeMedians(rows, medians))) };
}

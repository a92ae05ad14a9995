import type { NormalizedEvent } from '../../core/events/event.js';
import { parseCalibrator } from '../../core/models/calibration/calibrate.js';
import { parseGbdtState } from '../../core/models/gbdt/gbdt-state.js';
import { fitBgNbd } from '../../core/models/clv/bg-nbd.js';
import { bgNbdConditionalExpectedPurchases } from '../../core/models/clv/bg-nbd.js';
import { fitGammaGamma } from '../../core/models/clv/gamma-gamma.js';
import type { ClvCustomer } from '../../core/models/clv/lifetime-value.js';
import type { ProfileClvModel } from '../../core/models/clv/profile-clv.js';
import { clvCustomerOf, scoreProfileClv } from '../../core/models/clv/profile-clv.js';
import type { ServedModel, TargetMetrics } from '../../core/models/propensity/target-model.js';
import { computeFeatures } from '../../core/features/compute-features.js';
import { foldProfile } from '../../core/profiles/fold-profile.js';
import { scoreProfile, trainTargetModel } from '../../core/models/propensity/target-model.js';
import type { PredictionTarget, ProfileEvents } from '../../core/models/training/point-in-time.js';
import { buildTrainingSet, timeSplit } from '../../core/models/training/point-in-time.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import { createRng } from '../../core/shared/rng.js';
import type { EpochMs } from '../../core/shared/time.js';
import { AppError } from '../app-error.js';
import { parseAsOf } from '../parse-as-of.js';
import type { ScorePredictor } from '../segments/segment-input.js';
import type { ModelServiceDeps } from '../segments/model-support.js';

export const PREDICTION_MODEL_KIND = 'prediction';
const MODEL_KEY = /^[a-z][a-z0-9_]{0,39}$/;
const HISTORY_KEPT = 10;
const MAX_WITHIN_DAYS = 365;

export interface PredictionRequest {
  readonly key?: unknown;
  readonly target?: unknown;
  readonly seed?: unknown;
  /**
   * Train as of this instant (ISO-8601) instead of now: for historical data, such as a file of
   * last year's orders. Default now.
   */
  readonly asOf?: unknown;
}

/** What a model predicts: a target of point-in-time.ts, or customer lifetime value over a horizon. */
export type ModelTarget = PredictionTarget | { readonly kind: 'clv'; readonly withinDays: number };

type Served = ServedModel | ProfileClvModel;

/** How a CLV model did on the last window, which its calibration fit did not see. */
export interface ClvHoldout {
  readonly customers: number;
  readonly actualPurchases: number;
  readonly predictedPurchases: number;
  readonly relativeError: number;
  readonly meanAbsoluteError: number;
  readonly converged: boolean;
  readonly message: string;
}

/** One trained version: its data window, what it is, how it did on data it did not see. */
export interface ModelVersion {
  readonly version: number;
  readonly key: string;
  readonly target: ModelTarget;
  readonly kind: Served['kind'];
  readonly trainedAtMs: EpochMs;
  readonly trainCutoffMs: EpochMs;
  readonly testCutoffMs: EpochMs;
  readonly train: { readonly rows: number; readonly positives: number };
  /** The served model on the test cutoff's rows; null when the test window had no outcome variety. */
  readonly metrics: TargetMetrics | null;
  /** The RFM heuristic on the same rows. */
  readonly heuristicMetrics: TargetMetrics | null;
  /** The logistic-regression baseline on the same rows (target models with enough data). */
  readonly baselineMetrics: TargetMetrics | null;
  readonly fallbackReason: string | null;
  readonly trees: number | null;
  readonly trainMs: number;
  readonly seed: number;
  /** CLV models only: predicted against actual repeat purchases over the last window. */
  readonly clvHoldout?: ClvHoldout;
}

interface PredictionBody {
  readonly format: 'prediction@1';
  readonly current: ModelVersion & { readonly model: Served };
  readonly history: readonly ModelVersion[];
}

export interface PredictionsApi {
  /** Trains (or retrains) the model for a target and serves it as `predicted.<key>` at once. */
  train(workspace: WorkspaceId, request: PredictionRequest): Promise<ModelVersion>;
  list(workspace: WorkspaceId): Promise<readonly ModelVersion[]>;
  /** The current version and the earlier ones (newest first). */
  get(workspace: WorkspaceId, key: string): Promise<{ readonly current: ModelVersion; readonly history: readonly ModelVersion[] }>;
}

export type PredictionServiceDeps = Omit<ModelServiceDeps, 'segments'>;

/**
 * Per-workspace models of "what will this customer do": trained from the workspace's own event
 * history with a time split (train at now − 2·window, measured at now − window, whose labels run
 * to now), registered with their window, metrics and training time, and served on every profile
 * as `predicted.<key>` (computed from the profile's features when read: microseconds).
 */
export class PredictionService implements PredictionsApi {
  private readonly deps: PredictionServiceDeps;
  private readonly served = new Map<WorkspaceId, Map<string, Served>>();

  constructor(deps: PredictionServiceDeps) {
    this.deps = deps;
  }

  async load(workspace: WorkspaceId): Promise<void> {
    const models = new Map<string, Served>();
    for (const stored of await this.deps.storage.read.segments.listModels(workspace, PREDICTION_MODEL_KIND)) {
      const body = parseBody(stored.body);
      if (body === null) this.deps.logger.error('stored prediction model is unreadable; not served', { workspace, model: stored.id });
      else models.set(stored.id, body.current.model);
    }
    this.served.set(workspace, models);
    this.install(workspace);
  }

  async train(workspace: WorkspaceId, request: PredictionRequest): Promise<ModelVersion> {
    const key = request.key;
    if (typeof key !== 'string' || !MODEL_KEY.test(key)) {
      throw new AppError('ERR_VALIDATION', 'Invalid model key', { details: [{ field: 'key', message: 'use 1 to 40 lowercase letters, digits or _, starting with a letter' }] });
    }
    const target = parseTarget(request.target);
    const seed = request.seed === undefined ? 42 : Number(request.seed);
    if (!Number.isInteger(seed)) throw new AppError('ERR_VALIDATION', 'Invalid seed', { details: [{ field: 'seed', message: 'an integer' }] });
    const nowMs = parseAsOf(request.asOf, this.deps.clock.nowMs());
    if (target.kind === 'clv') return this.trainClv(workspace, key, target, seed, nowMs);
    const { trainCutoffMs, testCutoffMs } = timeSplit({ testCutoffMs: nowMs - target.withinDays * 86_400_000, target });
    const spec = await this.deps.specFor(workspace);
    const profiles = await this.profileEvents(workspace);
    const started = performance.now();
    const trainSet = buildTrainingSet(profiles, { cutoffMs: trainCutoffMs, target, spec });
    const testSet = buildTrainingSet(profiles, { cutoffMs: testCutoffMs, target, spec });
    const trained = trainTargetModel(trainSet, testSet, createRng(seed));
    const trainMs = Math.round(performance.now() - started);
    const existing = await this.stored(workspace, key);
    const version: ModelVersion = {
      version: (existing?.current.version ?? 0) + 1,
      key,
      target,
      kind: trained.model.kind,
      trainedAtMs: nowMs,
      trainCutoffMs,
      testCutoffMs,
      train: { rows: trainSet.y.length, positives: trainSet.positives },
      metrics: trained.metrics,
      heuristicMetrics: trained.heuristicMetrics,
      baselineMetrics: trained.baselineMetrics,
      fallbackReason: trained.fallbackReason,
      trees: trained.trees,
      trainMs,
      seed,
    };
    await this.register(workspace, version, trained.model, existing);
    return version;
  }

  /**
   * CLV: BG/NBD and Gamma-Gamma in days. The holdout fit uses the profiles as they were one window
   * ago and is compared with the repeat purchases they made since; the served fit uses everything.
   */
  private async trainClv(workspace: WorkspaceId, key: string, target: ModelTarget, seed: number, nowMs: EpochMs): Promise<ModelVersion> {
    const windowMs = target.withinDays * 86_400_000;
    const cutoffMs = nowMs - windowMs;
    const spec = await this.deps.specFor(workspace);
    const profiles = await this.profileEvents(workspace);
    const started = performance.now();
    const at = (events: readonly NormalizedEvent[], id: ProfileId, asOfMs: EpochMs): ClvCustomer | null => {
      const before = events.filter((e) => e.timestampMs < asOfMs);
      return before.length === 0 ? null : clvCustomerOf(computeFeatures(foldProfile(id, before, spec), asOfMs, spec), asOfMs);
    };
    const calibration: { customer: ClvCustomer; actual: number }[] = [];
    const current: ClvCustomer[] = [];
    for (const { profileId, events } of profiles) {
      const then = at(events, profileId, cutoffMs);
      if (then !== null) calibration.push({ customer: then, actual: events.filter((e) => e.type === 'track' && e.event === 'Order Completed' && e.timestampMs >= cutoffMs && e.timestampMs < nowMs).length });
      const now = at(events, profileId, nowMs);
      if (now !== null) current.push(now);
    }
    const repeaters = current.filter((c) => c.x > 0).length;
    if (repeaters < 20) {
      throw new AppError('ERR_NOT_ENOUGH_DATA', `A CLV model needs customers with repeat purchases: ${repeaters} of ${current.length} customers have one (needs 20)`, {
        details: [{ field: 'target', message: `${repeaters} repeat customers` }],
      });
    }
    const fit = fitBgNbd(current);
    if (!fit.ok) throw new AppError('ERR_NOT_ENOUGH_DATA', `BG/NBD cannot be fitted: ${fit.error.join('; ')}`, { details: fit.error.map((message) => ({ field: 'target', message })) });
    const spend = fitGammaGamma(current.map((c) => ({ x: c.x, meanSpend: c.meanSpend })));
    const holdoutFit = calibration.length > 0 ? fitBgNbd(calibration.map((c) => c.customer)) : null;
    let clvHoldout: ClvHoldout | undefined;
    if (holdoutFit !== null && holdoutFit.ok) {
      let actual = 0;
      let predicted = 0;
      let absolute = 0;
      for (const { customer, actual: did } of calibration) {
        const expected = bgNbdConditionalExpectedPurchases(holdoutFit.value.params, target.withinDays, customer.x, customer.tx, customer.T);
        actual += did;
        predicted += expected;
        absolute += Math.abs(expected - did);
      }
      clvHoldout = {
        customers: calibration.length,
        actualPurchases: actual,
        predictedPurchases: predicted,
        relativeError: actual > 0 ? (predicted - actual) / actual : Number.NaN,
        meanAbsoluteError: absolute / calibration.length,
        converged: fit.value.diagnostics.converged && holdoutFit.value.diagnostics.converged,
        message: fit.value.diagnostics.message,
      };
    }
    const model: ProfileClvModel = { kind: 'clv', bgNbd: fit.value.params, gammaGamma: spend.ok ? spend.value.params : null, horizonDays: target.withinDays, monthlyDiscountRate: 0.01 };
    const existing = await this.stored(workspace, key);
    const version: ModelVersion = {
      version: (existing?.current.version ?? 0) + 1,
      key,
      target,
      kind: 'clv',
      trainedAtMs: nowMs,
      trainCutoffMs: nowMs,
      testCutoffMs: cutoffMs,
      train: { rows: current.length, positives: repeaters },
      metrics: null,
      heuristicMetrics: null,
      baselineMetrics: null,
      fallbackReason: null,
      trees: null,
      trainMs: Math.round(performance.now() - started),
      seed,
      ...(clvHoldout === undefined ? {} : { clvHoldout }),
    };
    await this.register(workspace, version, model, existing);
    return version;
  }

  private async register(workspace: WorkspaceId, version: ModelVersion, model: Served, existing: PredictionBody | null): Promise<void> {
    const history = existing === null ? [] : [stripModel(existing.current), ...existing.history].slice(0, HISTORY_KEPT);
    const body: PredictionBody = { format: 'prediction@1', current: { ...version, model }, history };
    await this.deps.storage.uow.run('predictions:put', (stores) =>
      stores.segments.putModel(workspace, { kind: PREDICTION_MODEL_KIND, id: version.key, body: body as unknown as JsonValue, updatedAtMs: version.trainedAtMs }),
    );
    let models = this.served.get(workspace);
    if (models === undefined) {
      models = new Map();
      this.served.set(workspace, models);
    }
    models.set(version.key, model);
    this.install(workspace);
    this.deps.logger.info('prediction model trained', { workspace, model: version.key, kind: version.kind, trainRows: version.train.rows, trainMs: version.trainMs });
  }

  /** Scheduled retraining: every model whose current version is older than maxAgeMs is trained again. */
  async retrainOlderThan(workspace: WorkspaceId, maxAgeMs: number): Promise<number> {
    let retrained = 0;
    for (const stored of await this.deps.storage.read.segments.listModels(workspace, PREDICTION_MODEL_KIND)) {
      const body = parseBody(stored.body);
      if (body === null || this.deps.clock.nowMs() - body.current.trainedAtMs < maxAgeMs) continue;
      await this.train(workspace, { key: body.current.key, target: body.current.target, seed: body.current.seed });
      retrained++;
    }
    return retrained;
  }

  /** The profile's model scores (what GET /v1/profiles shows and segments read). */
  scoresOf(workspace: WorkspaceId, features: Parameters<ScorePredictor['score']>[0], nowMs: EpochMs): Record<string, number> {
    const out: Record<string, number> = {};
    for (const predictor of this.predictorsOf(workspace)) {
      const value = predictor.score(features, nowMs);
      if (Number.isFinite(value)) out[predictor.key] = value;
    }
    return out;
  }

  async list(workspace: WorkspaceId): Promise<readonly ModelVersion[]> {
    const out: ModelVersion[] = [];
    for (const stored of await this.deps.storage.read.segments.listModels(workspace, PREDICTION_MODEL_KIND)) {
      const body = parseBody(stored.body);
      if (body !== null) out.push(stripModel(body.current));
    }
    return out;
  }

  async get(workspace: WorkspaceId, key: string): Promise<{ readonly current: ModelVersion; readonly history: readonly ModelVersion[] }> {
    const body = await this.stored(workspace, key);
    if (body === null) throw new AppError('ERR_NOT_FOUND', `No prediction model "${key}"`, { details: [{ field: 'key', message: 'train it with POST /v1/models' }] });
    return { current: stripModel(body.current), history: body.history };
  }

  private install(workspace: WorkspaceId): void {
    this.deps.engine.setPredictors(workspace, this.predictorsOf(workspace));
  }

  /**
   * One score per target model; a CLV model gives three: `<key>` (discounted CLV over the horizon,
   * or expected purchases without a spend model), `<key>_alive` and `<key>_purchases`. A profile
   * without orders has no CLV scores (NaN, left out).
   */
  private predictorsOf(workspace: WorkspaceId): ScorePredictor[] {
    const out: ScorePredictor[] = [];
    for (const [key, model] of this.served.get(workspace) ?? new Map<string, Served>()) {
      if (model.kind !== 'clv') {
        out.push({ key, score: (features, nowMs) => scoreProfile(model, features, nowMs) });
        continue;
      }
      const clv = (features: Parameters<ScorePredictor['score']>[0], nowMs: EpochMs) => {
        const customer = clvCustomerOf(features, nowMs);
        return customer === null ? null : scoreProfileClv(model, customer);
      };
      out.push({ key, score: (f, n) => { const v = clv(f, n); return v === null ? Number.NaN : (v.clv ?? v.expectedPurchases); } });
      out.push({ key: `${key}_alive`, score: (f, n) => clv(f, n)?.probabilityAlive ?? Number.NaN });
      out.push({ key: `${key}_purchases`, score: (f, n) => clv(f, n)?.expectedPurchases ?? Number.NaN });
    }
    return out;
  }

  private async stored(workspace: WorkspaceId, key: string): Promise<PredictionBody | null> {
    const stored = await this.deps.storage.read.segments.getModel(workspace, PREDICTION_MODEL_KIND, key);
    return stored === null ? null : parseBody(stored.body);
  }

  /** Every profile with its events (a training run reads the whole history of the workspace). */
  private async profileEvents(workspace: WorkspaceId): Promise<ProfileEvents[]> {
    await this.deps.flushed();
    const store = this.deps.storage.read;
    const out: ProfileEvents[] = [];
    let afterId: ProfileId | null = null;
    for (;;) {
      const page = await store.profiles.list(workspace, { afterId, limit: 1000 });
      const last = page.at(-1);
      if (last === undefined) return out;
      for (const state of page) {
        const events: readonly NormalizedEvent[] = await store.events.listForReplay(workspace, state.profileId);
        out.push({ profileId: state.profileId, events });
      }
      afterId = last.profileId;
    }
  }
}


function parseTarget(raw: unknown): ModelTarget {
  const bad = (message: string): AppError => new AppError('ERR_VALIDATION', `Invalid target: ${message}`, { details: [{ field: 'target', message }] });
  if (typeof raw !== 'object' || raw === null) throw bad('an object such as {"kind": "purchase", "withinDays": 30}');
  const t = raw as Record<string, unknown>;
  const within = t['withinDays'];
  if (typeof within !== 'number' || !Number.isInteger(within) || within < 1 || within > MAX_WITHIN_DAYS) throw bad(`withinDays must be an integer from 1 to ${MAX_WITHIN_DAYS}`);
  switch (t['kind']) {
    case 'purchase':
      return { kind: 'purchase', withinDays: within };
    case 'churn':
      return { kind: 'churn', withinDays: within };
    case 'clv':
      return { kind: 'clv', withinDays: within };
    case 'event': {
      const event = t['event'];
      if (typeof event !== 'string' || event.trim() === '' || event.length > 200) throw bad('event must name a track event');
      return { kind: 'event', event, withinDays: within };
    }
    default:
      throw bad('kind must be purchase, churn, event or clv');
  }
}

function parseBody(value: JsonValue): PredictionBody | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value['format'] !== 'prediction@1') return null;
  const body = value as unknown as PredictionBody;
  const model = body.current.model;
  if (model.kind === 'gbdt' && (!parseGbdtState(model.gbdt).ok || !parseCalibrator(model.calibrator).ok)) return null;
  if (model.kind === 'clv' && !(model.bgNbd.r > 0 && model.bgNbd.alpha > 0 && model.bgNbd.a > 0 && model.bgNbd.b > 0)) return null;
  return body;
}

function stripModel(version: ModelVersion & { readonly model?: Served }): ModelVersion {
  const { model: _model, ...rest } = version;
  return rest;
}

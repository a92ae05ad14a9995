import type { NormalizedEvent } from '../../core/events/event.js';
import { parseCalibrator } from '../../core/models/calibration/calibrate.js';
import { parseGbdtState } from '../../core/models/gbdt/gbdt-state.js';
import type { ServedModel, TargetMetrics } from '../../core/models/propensity/target-model.js';
import { scoreProfile, trainTargetModel } from '../../core/models/propensity/target-model.js';
import type { PredictionTarget, ProfileEvents } from '../../core/models/training/point-in-time.js';
import { buildTrainingSet, timeSplit } from '../../core/models/training/point-in-time.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import { createRng } from '../../core/shared/rng.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Storage } from '../../ports/storage.js';
import { AppError } from '../app-error.js';
import type { SegmentEngine } from '../segments/segment-engine.js';
import type { ScorePredictor } from '../segments/segment-input.js';

export const PREDICTION_MODEL_KIND = 'prediction';
const MODEL_KEY = /^[a-z][a-z0-9_]{0,39}$/;
const HISTORY_KEPT = 10;
const MAX_WITHIN_DAYS = 365;

export interface PredictionRequest {
  readonly key?: unknown;
  readonly target?: unknown;
  readonly seed?: unknown;
}

/** One trained version: its data window, what it is, how it did on data it did not see. */
export interface ModelVersion {
  readonly version: number;
  readonly key: string;
  readonly target: PredictionTarget;
  readonly kind: ServedModel['kind'];
  readonly trainedAtMs: EpochMs;
  readonly trainCutoffMs: EpochMs;
  readonly testCutoffMs: EpochMs;
  readonly train: { readonly rows: number; readonly positives: number };
  /** The served model on the test cutoff's rows; null when the test window had no outcome variety. */
  readonly metrics: TargetMetrics | null;
  /** The RFM heuristic on the same rows. */
  readonly heuristicMetrics: TargetMetrics | null;
  readonly fallbackReason: string | null;
  readonly trees: number | null;
  readonly trainMs: number;
  readonly seed: number;
}

interface PredictionBody {
  readonly format: 'prediction@1';
  readonly current: ModelVersion & { readonly model: ServedModel };
  readonly history: readonly ModelVersion[];
}

export interface PredictionsApi {
  /** Trains (or retrains) the model for a target and serves it as `predicted.<key>` at once. */
  train(workspace: WorkspaceId, request: PredictionRequest): Promise<ModelVersion>;
  list(workspace: WorkspaceId): Promise<readonly ModelVersion[]>;
  /** The current version and the earlier ones (newest first). */
  get(workspace: WorkspaceId, key: string): Promise<{ readonly current: ModelVersion; readonly history: readonly ModelVersion[] }>;
}

export interface PredictionServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly engine: SegmentEngine;
  readonly specFor: (workspace: WorkspaceId) => Promise<ProfileSpec>;
  readonly flushed: () => Promise<void>;
}

/**
 * Per-workspace models of "what will this customer do": trained from the workspace's own event
 * history with a time split (train at now − 2·window, measured at now − window, whose labels run
 * to now), registered with their window, metrics and training time, and served on every profile
 * as `predicted.<key>` (computed from the profile's features when read: microseconds).
 */
export class PredictionService implements PredictionsApi {
  private readonly deps: PredictionServiceDeps;
  private readonly served = new Map<WorkspaceId, Map<string, ServedModel>>();

  constructor(deps: PredictionServiceDeps) {
    this.deps = deps;
  }

  async load(workspace: WorkspaceId): Promise<void> {
    const models = new Map<string, ServedModel>();
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
    const nowMs = this.deps.clock.nowMs();
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
      fallbackReason: trained.fallbackReason,
      trees: trained.trees,
      trainMs,
      seed,
    };
    const history = existing === null ? [] : [stripModel(existing.current), ...existing.history].slice(0, HISTORY_KEPT);
    const body: PredictionBody = { format: 'prediction@1', current: { ...version, model: trained.model }, history };
    await this.deps.storage.uow.run('predictions:put', (stores) =>
      stores.segments.putModel(workspace, { kind: PREDICTION_MODEL_KIND, id: key, body: body as unknown as JsonValue, updatedAtMs: nowMs }),
    );
    let models = this.served.get(workspace);
    if (models === undefined) {
      models = new Map();
      this.served.set(workspace, models);
    }
    models.set(key, trained.model);
    this.install(workspace);
    this.deps.logger.info('prediction model trained', { workspace, model: key, kind: version.kind, trainRows: version.train.rows, trainMs });
    return version;
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
    for (const [key, model] of this.served.get(workspace) ?? []) {
      const value = scoreProfile(model, features, nowMs);
      if (Number.isFinite(value)) out[key] = value;
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
    const predictors: ScorePredictor[] = [...(this.served.get(workspace) ?? new Map<string, ServedModel>())].map(([key, model]) => ({
      key,
      score: (features, nowMs) => scoreProfile(model, features, nowMs),
    }));
    this.deps.engine.setPredictors(workspace, predictors);
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

function parseTarget(raw: unknown): PredictionTarget {
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
    case 'event': {
      const event = t['event'];
      if (typeof event !== 'string' || event.trim() === '' || event.length > 200) throw bad('event must name a track event');
      return { kind: 'event', event, withinDays: within };
    }
    default:
      throw bad('kind must be purchase, churn or event');
  }
}

function parseBody(value: JsonValue): PredictionBody | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value['format'] !== 'prediction@1') return null;
  const body = value as unknown as PredictionBody;
  const model = body.current.model;
  if (model.kind === 'gbdt' && (!parseGbdtState(model.gbdt).ok || !parseCalibrator(model.calibrator).ok)) return null;
  return body;
}

function stripModel(version: ModelVersion & { readonly model?: ServedModel }): ModelVersion {
  const { model: _model, ...rest } = version;
  return rest;
}

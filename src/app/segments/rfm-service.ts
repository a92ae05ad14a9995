import type { ProfileFeatures } from '../../core/features/compute-features.js';
import { computeFeatures } from '../../core/features/compute-features.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import { fitRfmBoundaries } from '../../core/segments/rfm/fit-rfm-boundaries.js';
import type { RfmBoundaries, RfmFeatures } from '../../core/segments/rfm/rfm-boundaries.js';
import { RFM_BOUNDARIES_FORMAT } from '../../core/segments/rfm/rfm-boundaries.js';
import type { RfmConfig } from '../../core/segments/rfm/rfm-config.js';
import { DEFAULT_RFM_CONFIG, validateRfmConfig } from '../../core/segments/rfm/rfm-config.js';
import type { RfmSegmentKey } from '../../core/segments/rfm/rfm-segments.js';
import { RFM_GRID, RFM_SEGMENTS, nameRfmSegment } from '../../core/segments/rfm/rfm-segments.js';
import { scoreRfm } from '../../core/segments/rfm/score-rfm.js';
import type { RfmScoredCustomer, RfmSegmentSummary } from '../../core/segments/rfm/summarize-rfm.js';
import { summarizeRfm } from '../../core/segments/rfm/summarize-rfm.js';
import { AppError } from '../app-error.js';
import type { ModelServiceDeps } from './model-support.js';
import { KeyedMutex, scanProfiles, setSourcedEnricher, toJsonValue } from './model-support.js';
import type { SourcedEnricher } from './model-support.js';
import type { BackfillOutcome } from './segment-engine.js';

/** StoredModel kind and id of a workspace's RFM fit. */
export const RFM_MODEL_KIND = 'rfm';
export const RFM_MODEL_ID = 'default';
const RFM_MODEL_FORMAT = 'rfm-model@1';

/** A fit needs at least this many customers per bucket (2 x 5 = 10 with quintiles). */
export const RFM_MIN_CUSTOMERS_PER_BUCKET = 2;

/** The segment key of a named RFM segment: `rfm-` + the key with `_` as `-` (rfm-cant-lose-them). */
export function rfmSegmentKey(key: RfmSegmentKey): string {
  return `rfm-${key.replaceAll('_', '-')}`;
}

/** What a caller may change of the RFM config (the rest keeps the stored or default value). */
export interface RfmConfigInput {
  readonly buckets?: number;
  readonly ties?: RfmConfig['ties'];
  readonly onlyCustomers?: boolean;
}

/** What the enricher adds to a scored profile as `features.rfm`. */
export interface RfmFeatureValue {
  readonly r: number;
  readonly f: number;
  readonly m: number;
  readonly fm: number;
  readonly score: string;
  readonly segment: RfmSegmentKey;
  readonly segmentName: string;
}

export interface RfmSegmentView extends RfmSegmentSummary {
  /** The live segment's key (rfm-champions ...). */
  readonly segmentKey: string;
  readonly description: string;
  readonly recommendedAction: string;
  /** Current members of the live segment (may differ from `count` between sweeps). */
  readonly members: number;
}

export interface RfmGridCell {
  /** R and FM on the 1..5 grid (other bucket counts are rescaled). */
  readonly r: number;
  readonly fm: number;
  readonly segment: RfmSegmentKey;
  readonly count: number;
}

export interface RfmView {
  readonly config: RfmConfig;
  readonly boundaries: RfmBoundaries;
  readonly fittedAtMs: EpochMs;
  /** When the scores below were computed. */
  readonly scoredAtMs: EpochMs;
  readonly population: {
    readonly profiles: number;
    /** Profiles with at least one order. */
    readonly customers: number;
    /** Profiles with a score now. */
    readonly scored: number;
    /** Customers the boundaries were fitted on. */
    readonly fitted: number;
  };
  readonly revenue: number;
  /** Best segment first (RFM_SEGMENTS order), empty ones included. */
  readonly segments: readonly RfmSegmentView[];
  /** 25 cells, rows R 5..1, columns FM 1..5. */
  readonly grid: readonly RfmGridCell[];
}

export interface RfmFitOutcome extends RfmView {
  readonly backfill: BackfillOutcome;
  /** Segments whose definition was created or changed by this fit. */
  readonly changedSegments: readonly string[];
}

export interface RfmApi {
  /** Fits the boundaries over every profile, stores them, installs the scores and the 11 named segments. */
  fit(workspace: WorkspaceId, config?: RfmConfigInput): Promise<RfmFitOutcome>;
  /** The stored fit with the current distribution over it; ERR_NOT_FOUND before the first fit. */
  get(workspace: WorkspaceId): Promise<RfmView>;
  /** Refits with the stored config when the fit is older than maxAgeMs; null when it did not run. */
  refitIfOlderThan(workspace: WorkspaceId, maxAgeMs: number): Promise<RfmFitOutcome | null>;
}

interface RfmModelBody {
  readonly format: typeof RFM_MODEL_FORMAT;
  readonly config: RfmConfig;
  readonly boundaries: RfmBoundaries;
  readonly profiles: number;
  readonly customers: number;
}

export type RfmServiceDeps = ModelServiceDeps;

/** Scores each profile against the fitted boundaries as its features are read. */
class RfmEnricher implements SourcedEnricher {
  readonly source = 'rfm';
  readonly boundaries: RfmBoundaries;

  constructor(boundaries: RfmBoundaries) {
    this.boundaries = boundaries;
  }

  enrich(features: Record<string, unknown>, base: ProfileFeatures): void {
    const value = rfmFeatureValue(rfmInputs(base), this.boundaries);
    if (value !== null) features['rfm'] = value;
  }
}

/**
 * RFM reads recency in whole days (the usual convention): with fractional days the customer at
 * the edge of each R bucket would drop a bucket the moment the clock moved past the fit.
 */
function rfmInputs(features: RfmFeatures): RfmFeatures {
  return { recencyDays: features.recencyDays === null ? null : Math.floor(features.recencyDays), frequency: features.frequency, monetary: features.monetary };
}

function rfmFeatureValue(features: RfmFeatures, boundaries: RfmBoundaries): RfmFeatureValue | null {
  const score = scoreRfm(features, boundaries);
  if (score === null) return null;
  const named = nameRfmSegment(score);
  return { r: score.r, f: score.f, m: score.m, fm: score.fm, score: score.score, segment: named.key, segmentName: named.name };
}

/**
 * RFM as live segments: the boundaries are fitted over the workspace (on demand and by the
 * periodic refit), each profile is scored in real time against them (`features.rfm`), and the 11
 * standard segments are kind 'rfm' rules over `features.rfm.segment`.
 */
export class RfmService implements RfmApi {
  private readonly deps: RfmServiceDeps;
  private readonly jobs = new KeyedMutex();

  constructor(deps: RfmServiceDeps) {
    this.deps = deps;
  }

  /** Re-installs the scores from the stored fit (at start, and when a workspace is created). */
  async load(workspace: WorkspaceId): Promise<void> {
    const body = await this.storedBody(workspace);
    setSourcedEnricher(this.deps.engine, workspace, 'rfm', body === null ? null : new RfmEnricher(body.boundaries));
  }

  fit(workspace: WorkspaceId, input?: RfmConfigInput): Promise<RfmFitOutcome> {
    return this.jobs.run(workspace, () => this.fitNow(workspace, input));
  }

  async refitIfOlderThan(workspace: WorkspaceId, maxAgeMs: number): Promise<RfmFitOutcome | null> {
    const body = await this.storedBody(workspace);
    if (body === null || this.deps.clock.nowMs() - body.boundaries.fittedAtMs < maxAgeMs) return null;
    return this.fit(workspace);
  }

  async get(workspace: WorkspaceId): Promise<RfmView> {
    const body = await this.storedBody(workspace);
    if (body === null) {
      throw new AppError('ERR_NOT_FOUND', 'RFM has not been fitted in this workspace (POST /v1/rfm/fit)', { details: [{ field: null, message: 'no RFM model' }] });
    }
    await this.deps.flushed();
    const nowMs = this.deps.clock.nowMs();
    const population = await this.readPopulation(workspace, nowMs);
    return this.view(workspace, body, population, nowMs);
  }

  private async fitNow(workspace: WorkspaceId, input: RfmConfigInput | undefined): Promise<RfmFitOutcome> {
    const stored = await this.storedBody(workspace);
    const config = configFrom(stored?.config ?? DEFAULT_RFM_CONFIG, input);
    await this.deps.flushed();
    const nowMs = this.deps.clock.nowMs();
    const population = await this.readPopulation(workspace, nowMs);
    const needed = RFM_MIN_CUSTOMERS_PER_BUCKET * config.buckets;
    if (population.customers < needed) {
      throw new AppError(
        'ERR_NOT_ENOUGH_DATA',
        `RFM needs at least ${needed} customers (${RFM_MIN_CUSTOMERS_PER_BUCKET} per bucket x ${config.buckets} buckets); the workspace has ${population.customers} customers among ${population.rows.length} profiles`,
        { details: [{ field: null, message: `${population.customers} customers, need ${needed}` }] },
      );
    }
    const boundaries = fitRfmBoundaries(population.rows, config, nowMs);
    // Definitions first: until the enricher is installed they match nobody, so a failure here
    // (a key taken by a rule segment) leaves the workspace as it was.
    const { changed } = await this.deps.segments.putManaged(
      workspace,
      'rfm',
      RFM_SEGMENTS.map((segment) => ({
        key: rfmSegmentKey(segment.key),
        name: segment.name,
        description: `${segment.description} Recommended: ${segment.recommendedAction}`,
        text: `features.rfm.segment = "${segment.key}"`,
      })),
    );
    const body: RfmModelBody = { format: RFM_MODEL_FORMAT, config, boundaries, profiles: population.rows.length, customers: population.customers };
    await this.deps.storage.uow.run('rfm:fit', (stores) =>
      stores.segments.putModel(workspace, { kind: RFM_MODEL_KIND, id: RFM_MODEL_ID, body: toJsonValue(body), updatedAtMs: nowMs }),
    );
    setSourcedEnricher(this.deps.engine, workspace, 'rfm', new RfmEnricher(boundaries));
    const keys = new Set(RFM_SEGMENTS.map((s) => rfmSegmentKey(s.key)));
    for (const segment of this.deps.engine.registry(workspace).ordered) {
      if (segment.compiled.dependsOn.features.some((path) => path === 'rfm' || path.startsWith('rfm.'))) keys.add(segment.definition.key);
    }
    const backfill = await this.deps.engine.backfill(workspace, keys);
    this.deps.logger.info('rfm fitted', { workspace, customers: population.customers, buckets: config.buckets, ...backfill });
    return { ...this.view(workspace, body, population, nowMs), backfill, changedSegments: changed };
  }

  private async readPopulation(workspace: WorkspaceId, nowMs: EpochMs): Promise<{ rows: RfmFeatures[]; customers: number }> {
    const spec = await this.deps.specFor(workspace);
    const rows: RfmFeatures[] = [];
    let customers = 0;
    for await (const state of scanProfiles(this.deps.storage, workspace)) {
      const f = computeFeatures(state, nowMs, spec);
      rows.push(rfmInputs(f));
      if (f.recencyDays !== null) customers++;
    }
    return { rows, customers };
  }

  private view(workspace: WorkspaceId, body: RfmModelBody, population: { rows: readonly RfmFeatures[]; customers: number }, nowMs: EpochMs): RfmView {
    const scored: RfmScoredCustomer[] = [];
    const cells = new Map<string, number>();
    for (const row of population.rows) {
      const score = scoreRfm(row, body.boundaries);
      if (score === null) continue;
      const named = nameRfmSegment(score);
      scored.push({ segmentKey: named.key, monetary: row.monetary, frequency: row.frequency, recencyDays: row.recencyDays });
      const cell = `${named.cell.r}:${named.cell.fm}`;
      cells.set(cell, (cells.get(cell) ?? 0) + 1);
    }
    const summary = summarizeRfm(scored);
    const index = this.deps.engine.index(workspace);
    const segments = summary.segments.map((s): RfmSegmentView => {
      const definition = RFM_SEGMENTS.find((d) => d.key === s.key);
      const segmentKey = rfmSegmentKey(s.key);
      return { ...s, segmentKey, description: definition?.description ?? '', recommendedAction: definition?.recommendedAction ?? '', members: index.size(segmentKey) };
    });
    const grid: RfmGridCell[] = [];
    for (let r = 5; r >= 1; r--) {
      for (let fm = 1; fm <= 5; fm++) {
        const segment = RFM_GRID[5 - r]?.[fm - 1];
        if (segment !== undefined) grid.push({ r, fm, segment, count: cells.get(`${r}:${fm}`) ?? 0 });
      }
    }
    return {
      config: body.config,
      boundaries: body.boundaries,
      fittedAtMs: body.boundaries.fittedAtMs,
      scoredAtMs: nowMs,
      population: { profiles: population.rows.length, customers: population.customers, scored: scored.length, fitted: body.boundaries.populationSize },
      revenue: summary.revenue,
      segments,
      grid,
    };
  }

  private async storedBody(workspace: WorkspaceId): Promise<RfmModelBody | null> {
    const model = await this.deps.storage.read.segments.getModel(workspace, RFM_MODEL_KIND, RFM_MODEL_ID);
    if (model === null) return null;
    const body = model.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || body['format'] !== RFM_MODEL_FORMAT) {
      this.deps.logger.error('stored RFM model has an unknown format; RFM scores disabled until the next fit', { workspace });
      return null;
    }
    const boundaries = body['boundaries'];
    if (typeof boundaries !== 'object' || boundaries === null || Array.isArray(boundaries) || boundaries['format'] !== RFM_BOUNDARIES_FORMAT) {
      this.deps.logger.error('stored RFM boundaries have an unknown format; RFM scores disabled until the next fit', { workspace });
      return null;
    }
    // Written by fitNow from a validated config and fitRfmBoundaries; the format tags vouch for the shape.
    return body as unknown as RfmModelBody;
  }
}

function configFrom(base: RfmConfig, input: RfmConfigInput | undefined): RfmConfig {
  const config: RfmConfig = {
    buckets: input?.buckets ?? base.buckets,
    recencyFrom: base.recencyFrom,
    ties: input?.ties ?? base.ties,
    onlyCustomers: input?.onlyCustomers ?? base.onlyCustomers,
  };
  const problems = validateRfmConfig(config);
  if (problems.length > 0) {
    throw new AppError('ERR_VALIDATION', `Invalid RFM config: ${problems.join('; ')}`, {
      details: problems.map((message) => ({ field: `config.${message.split(' ')[0] ?? ''}`, message })),
    });
  }
  return config;
}

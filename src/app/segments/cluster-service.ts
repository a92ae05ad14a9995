import { computeFeatures } from '../../core/features/compute-features.js';
import { wardLinkage } from '../../core/models/hclust/ward.js';
import { evaluateK } from '../../core/models/kmeans/evaluate-k.js';
import type { KmeansState } from '../../core/models/kmeans/kmeans-state.js';
import { parseKmeansState } from '../../core/models/kmeans/kmeans-state.js';
import { predictKmeans } from '../../core/models/kmeans/predict-kmeans.js';
import type { KmeansParams } from '../../core/models/kmeans/train-kmeans.js';
import { trainKmeans } from '../../core/models/kmeans/train-kmeans.js';
import { createMatrix, matrixFromRows } from '../../core/models/matrix.js';
import type { ColumnTransform, Scaler } from '../../core/models/scaling.js';
import { applyScaler, fitScaler, parseScaler } from '../../core/models/scaling.js';
import { narratePersona } from '../../core/segments/personas/narrate-persona.js';
import type { PersonaRow } from '../../core/segments/personas/persona-feature.js';
import { toPersonaRow } from '../../core/segments/personas/persona-feature.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import { createRng } from '../../core/shared/rng.js';
import type { EpochMs } from '../../core/shared/time.js';
import { AppError } from '../app-error.js';
import type { AppErrorDetail } from '../app-error.js';
import type { ModelServiceDeps } from './model-support.js';
import { KeyedMutex, Reservoir, scanProfiles, setSourcedEnricher, toJsonValue } from './model-support.js';
import type { Persona } from './persona-service.js';
import { PERSONA_SAMPLE_CAP, buildPersona } from './persona-service.js';

import type { ClusterFeatureName, ClusteringRequest, ClusteringEvidence, ClusteringCounts, ClusteringSummary, ClusteringDetail, ClusteringCreated, DendrogramView, ClusteringsApi, StoredCluster, ClusteringBody, ValidRequest } from './clustering-model.js';
import { CLUSTERING_DEFAULTS, CLUSTERING_FORMAT, CLUSTERING_KEY_PATTERN, CLUSTERING_LIMITS, CLUSTERING_MODEL_KIND, CLUSTER_FEATURE_NAMES, CLUSTER_FEATURE_TRANSFORMS, MINI_BATCH, MINI_BATCH_ABOVE_ROWS, isClusterFeature } from './clustering-model.js';
import { ClusterAssigner, ClusterEnricher, fillRow } from './cluster-assigner.js';

export type ClusterServiceDeps = ModelServiceDeps;
/**
 * Clusterings as live segments: k-means over chosen profile features (k chosen by silhouette or
 * given), a persona per cluster, a Ward dendrogram of the clusters, and one kind 'cluster' segment
 * per cluster whose rule reads `features.cluster.<key>`, assigned in real time.
 */
export class ClusterService implements ClusteringsApi {
  private readonly deps: ClusterServiceDeps;
  private readonly jobs = new KeyedMutex();
  private readonly loaded = new Map<WorkspaceId, Map<string, ClusterAssigner>>();

  constructor(deps: ClusterServiceDeps) {
    this.deps = deps;
  }

  /** Installs the live assignment of every stored clustering (at start, and for a new workspace). */
  async load(workspace: WorkspaceId): Promise<void> {
    const assigners = new Map<string, ClusterAssigner>();
    for (const model of await this.deps.storage.read.segments.listModels(workspace, CLUSTERING_MODEL_KIND)) {
      const body = this.parseBody(workspace, model.id, model.body);
      if (body !== null) assigners.set(body.key, new ClusterAssigner(body));
    }
    this.loaded.set(workspace, assigners);
    this.install(workspace);
  }

  create(workspace: WorkspaceId, request: ClusteringRequest): Promise<ClusteringCreated> {
    return this.jobs.run(workspace, () => this.createNow(workspace, validate(request)));
  }

  async list(workspace: WorkspaceId): Promise<readonly ClusteringSummary[]> {
    const out: ClusteringSummary[] = [];
    for (const model of await this.deps.storage.read.segments.listModels(workspace, CLUSTERING_MODEL_KIND)) {
      const body = this.parseBody(workspace, model.id, model.body);
      if (body === null) continue;
      const detail = this.detail(workspace, body);
      out.push({ ...summaryOf(detail), clusters: detail.clusters.map((c) => ({ index: c.index, segmentKey: c.segmentKey, name: c.name, size: c.size, members: c.members })) });
    }
    return out;
  }

  async get(workspace: WorkspaceId, key: string): Promise<ClusteringDetail> {
    return this.detail(workspace, await this.require(workspace, key));
  }

  async dendrogram(workspace: WorkspaceId, key: string): Promise<DendrogramView> {
    const body = await this.require(workspace, key);
    return {
      key,
      leaves: body.clusters.map((c) => ({ id: c.index, index: c.index, segmentKey: c.segmentKey, name: c.name, size: c.size })),
      merges: body.dendrogram.merges.map(([a, b, height, size]) => ({ a, b, height, size })),
    };
  }

  delete(workspace: WorkspaceId, key: string): Promise<boolean> {
    return this.jobs.run(workspace, async () => {
      const body = await this.stored(workspace, key);
      if (body === null) return false;
      const keys = new Set(body.clusters.map((c) => c.segmentKey));
      const feature = `cluster.${key}`;
      const readers = this.deps.engine
        .registry(workspace)
        .ordered.filter((s) => !keys.has(s.definition.key) && s.compiled.dependsOn.features.includes(feature));
      if (readers.length > 0) {
        throw new AppError('ERR_SEGMENT_IN_USE', `Segments ${readers.map((s) => `"${s.definition.key}"`).join(', ')} read features.${feature}`, {
          details: readers.map((s) => ({ field: 'key', message: `segment "${s.definition.key}" reads features.${feature}` })),
        });
      }
      await this.deps.segments.deleteManaged(workspace, 'cluster', [...keys], `clustering "${key}" was deleted`);
      await this.deps.storage.uow.run('clusterings:delete', (stores) => stores.segments.deleteModel(workspace, CLUSTERING_MODEL_KIND, key));
      this.assigners(workspace).delete(key);
      this.install(workspace);
      return true;
    });
  }

  private async createNow(workspace: WorkspaceId, request: ValidRequest): Promise<ClusteringCreated> {
    const { key } = request;
    if ((await this.stored(workspace, key)) !== null) {
      throw new AppError('ERR_SEGMENT_EXISTS', `Clustering "${key}" already exists; delete it first`, { details: [{ field: 'key', message: 'taken' }] });
    }
    await this.deps.flushed();
    const nowMs = this.deps.clock.nowMs();
    const data = await this.readRows(workspace, request, nowMs);
    const rows = data.counts.rows;
    const minRows = 2 * (request.k ?? request.kMin);
    if (rows < minRows) {
      throw new AppError(
        'ERR_NOT_ENOUGH_DATA',
        `Clustering needs at least ${minRows} rows (2 per cluster for k = ${request.k ?? request.kMin}); ${rows} of ${data.counts.profiles} profiles qualify (${data.counts.inPopulation} in the population, ${data.counts.excludedMissing} without a value for every feature)`,
        { details: [{ field: null, message: `${rows} rows, need ${minRows}` }] },
      );
    }
    const x = createMatrix(rows, request.features.length, data.values.subarray(0, rows * request.features.length));
    const scaler = fitScaler(x, { transforms: request.transforms, standardize: true });
    const xs = applyScaler(scaler, x);
    const rng = createRng(request.seed);
    const miniBatch = rows > MINI_BATCH_ABOVE_ROWS ? MINI_BATCH : undefined;
    let trained: KmeansState;
    let evidence: ClusteringEvidence;
    if (request.k === null) {
      const kMax = Math.min(request.kMax, Math.floor(rows / 2));
      const choice = evaluateK(
        xs,
        { kMin: request.kMin, kMax, restarts: request.restarts, sampleSize: request.sampleSize, ...(miniBatch === undefined ? {} : { miniBatch }) },
        rng,
      );
      trained = choice.model;
      evidence = {
        mode: 'automatic',
        chosenK: choice.chosenK,
        rule: choice.rule,
        elbowK: choice.elbowK,
        kMin: request.kMin,
        kMax,
        silhouetteSampleSize: choice.sampleSize,
        perK: choice.evidence.map((e) => ({ k: e.k, silhouette: Number.isFinite(e.silhouette) ? e.silhouette : null, inertia: e.inertia, elbowScore: e.elbowScore, iterations: e.iterations, converged: e.converged, clusterSizes: e.clusterSizes })),
      };
    } else {
      const params: KmeansParams = { k: request.k, restarts: request.restarts, ...(miniBatch === undefined ? {} : { miniBatch }) };
      trained = trainKmeans(xs, params, rng);
      evidence = { mode: 'fixed', chosenK: request.k, rule: 'k given in the request', elbowK: null, kMin: null, kMax: null, silhouetteSampleSize: null, perK: [] };
    }
    const model = orderBySize(trained, predictKmeans(trained, xs));
    const labels = predictKmeans(model, xs);
    const sizes = new Array<number>(model.k).fill(0);
    const revenue = new Array<number>(model.k).fill(0);
    for (let i = 0; i < rows; i++) {
      const c = labels[i] ?? 0;
      sizes[c] = (sizes[c] ?? 0) + 1;
      revenue[c] = (revenue[c] ?? 0) + (data.monetary[i] ?? 0);
    }
    const populationRevenue = revenue.reduce((a, b) => a + b, 0);
    const populationRows = data.sample.items.map((s) => s.row);
    const personas = sizes.map((size, c) =>
      buildPersona(
        data.sample.items.filter((s) => labels[s.index] === c).map((s) => s.row),
        populationRows,
        { size, populationSize: rows, revenue: revenue[c] ?? 0, populationRevenue },
      ),
    );
    const names = uniqueNames(personas.map((p) => p.name));
    const clusters: StoredCluster[] = personas.map((persona, c) => {
      const name = names[c] ?? persona.name;
      const renamed: Persona = name === persona.name ? persona : { ...persona, name, narrative: narratePersona(persona.profile, { ...persona.naming, name }) };
      return { index: c, segmentKey: `${key}-${c + 1}`, name, size: sizes[c] ?? 0, centre: centreOf(model, scaler, request.features, c), persona: renamed };
    });
    const dendrogram = wardLinkage(matrixFromRows(model.centroids, model.dimensions), { weights: sizes.map((s) => Math.max(1, s)) });
    const body: ClusteringBody = {
      format: CLUSTERING_FORMAT,
      key,
      features: request.features,
      transforms: request.transforms,
      population: request.population,
      seed: request.seed,
      restarts: request.restarts,
      scaler,
      kmeans: model,
      evidence,
      dendrogram,
      counts: data.counts,
      clusters,
      createdAtMs: nowMs,
    };

    // Definitions first: they match nobody until the assignment is installed, so a taken key
    // leaves the workspace as it was.
    const { definitions } = await this.deps.segments.putManaged(
      workspace,
      'cluster',
      clusters.map((c) => ({ key: c.segmentKey, name: c.name, description: c.persona.narrative.text, text: `features.cluster.${key} = ${c.index}` })),
    );
    try {
      await this.deps.storage.uow.run('clusterings:create', (stores) =>
        stores.segments.putModel(workspace, { kind: CLUSTERING_MODEL_KIND, id: key, body: toJsonValue(body), updatedAtMs: nowMs }),
      );
    } catch (error: unknown) {
      // No model, no assignment: take the segments back (they have no members yet).
      await this.deps.segments.deleteManaged(workspace, 'cluster', definitions.map((d) => d.key), `clustering "${key}" failed to save`).catch(() => undefined);
      throw error;
    }
    this.assigners(workspace).set(key, new ClusterAssigner(body));
    this.install(workspace);
    const backfillKeys = new Set(clusters.map((c) => c.segmentKey));
    for (const segment of this.deps.engine.registry(workspace).ordered) {
      if (segment.compiled.dependsOn.features.includes(`cluster.${key}`)) backfillKeys.add(segment.definition.key);
    }
    const backfill = await this.deps.engine.backfill(workspace, backfillKeys);
    this.deps.logger.info('clustering created', { workspace, clustering: key, k: model.k, rows, ...backfill });
    return { ...this.detail(workspace, body), backfill };
  }

  private async readRows(
    workspace: WorkspaceId,
    request: ValidRequest,
    nowMs: EpochMs,
  ): Promise<{ values: Float64Array; monetary: Float64Array; counts: ClusteringCounts; sample: Reservoir<{ index: number; row: PersonaRow }> }> {
    const spec = await this.deps.specFor(workspace);
    const d = request.features.length;
    const customersOnly = request.population === 'customers';
    let values: Float64Array<ArrayBuffer> = new Float64Array(1024 * d);
    let monetary: Float64Array<ArrayBuffer> = new Float64Array(1024);
    const sample = new Reservoir<{ index: number; row: PersonaRow }>(PERSONA_SAMPLE_CAP, createRng(request.seed));
    let profiles = 0;
    let inPopulation = 0;
    let rows = 0;
    for await (const state of scanProfiles(this.deps.storage, workspace)) {
      profiles++;
      const features = computeFeatures(state, nowMs, spec);
      if (customersOnly && !(features.frequency > 0)) continue;
      inPopulation++;
      if (rows === monetary.length) {
        values = grow(values, values.length * 2);
        monetary = grow(monetary, monetary.length * 2);
      }
      if (!fillRow(features, request.features, customersOnly, values, rows * d)) continue;
      monetary[rows] = features.monetary;
      const index = rows;
      sample.offer({ index, row: toPersonaRow(features, nowMs) });
      rows++;
    }
    return { values, monetary, counts: { profiles, inPopulation, excludedMissing: inPopulation - rows, rows }, sample };
  }

  private detail(workspace: WorkspaceId, body: ClusteringBody): ClusteringDetail {
    const index = this.deps.engine.index(workspace);
    return {
      key: body.key,
      k: body.kmeans.k,
      features: body.features,
      population: body.population,
      seed: body.seed,
      createdAtMs: body.createdAtMs,
      rows: body.counts.rows,
      transforms: body.transforms,
      restarts: body.restarts,
      algorithm: body.kmeans.algorithm,
      inertia: body.kmeans.inertia,
      converged: body.kmeans.converged,
      iterations: body.kmeans.iterations,
      scaler: body.scaler,
      evidence: body.evidence,
      counts: body.counts,
      clusters: body.clusters.map((c) => ({
        index: c.index,
        segmentKey: c.segmentKey,
        name: c.name,
        size: c.size,
        share: body.counts.rows === 0 ? 0 : c.size / body.counts.rows,
        members: index.size(c.segmentKey),
        centre: c.centre,
        persona: c.persona,
      })),
    };
  }

  private async require(workspace: WorkspaceId, key: string): Promise<ClusteringBody> {
    const body = await this.stored(workspace, key);
    if (body === null) throw new AppError('ERR_NOT_FOUND', `Clustering "${key}" does not exist`, { details: [{ field: 'key', message: 'no such clustering' }] });
    return body;
  }

  private async stored(workspace: WorkspaceId, key: string): Promise<ClusteringBody | null> {
    const model = await this.deps.storage.read.segments.getModel(workspace, CLUSTERING_MODEL_KIND, key);
    return model === null ? null : this.parseBody(workspace, key, model.body);
  }

  private parseBody(workspace: WorkspaceId, id: string, body: JsonValue): ClusteringBody | null {
    const fail = (why: string): null => {
      this.deps.logger.error('stored clustering is unreadable; its live assignment is disabled', { workspace, clustering: id, why });
      return null;
    };
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('not an object');
    if (body['format'] !== CLUSTERING_FORMAT) return fail(`unknown format ${String(body['format'])}`);
    const features = body['features'];
    if (!Array.isArray(features) || !features.every((f) => typeof f === 'string' && isClusterFeature(f))) return fail('unknown features');
    const scaler = parseScaler(body['scaler']);
    if (!scaler.ok) return fail(`scaler: ${scaler.error}`);
    const kmeans = parseKmeansState(body['kmeans']);
    if (!kmeans.ok) return fail(`kmeans: ${kmeans.error}`);
    if (kmeans.value.dimensions !== features.length || scaler.value.transforms.length !== features.length) return fail('shapes disagree');
    // Written by createNow; the parts prediction depends on are validated above.
    return { ...(body as unknown as ClusteringBody), scaler: scaler.value, kmeans: kmeans.value };
  }

  private assigners(workspace: WorkspaceId): Map<string, ClusterAssigner> {
    let map = this.loaded.get(workspace);
    if (map === undefined) {
      map = new Map();
      this.loaded.set(workspace, map);
    }
    return map;
  }

  private install(workspace: WorkspaceId): void {
    const assigners = [...this.assigners(workspace).values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    setSourcedEnricher(this.deps.engine, workspace, 'cluster', assigners.length === 0 ? null : new ClusterEnricher(assigners));
  }
}

function summaryOf(detail: ClusteringDetail): Omit<ClusteringSummary, 'clusters'> {
  return { key: detail.key, k: detail.k, features: detail.features, population: detail.population, seed: detail.seed, createdAtMs: detail.createdAtMs, rows: detail.rows };
}

function grow(array: Float64Array, length: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(length);
  out.set(array);
  return out;
}

/** Renumbers clusters by size, largest first (ties: the earlier index), so keys read in order of size. */
function orderBySize(model: KmeansState, labels: Int32Array): KmeansState {
  const counts = new Array<number>(model.k).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  const order = counts.map((count, index) => ({ count, index })).sort((a, b) => b.count - a.count || a.index - b.index).map((e) => e.index);
  return {
    ...model,
    centroids: order.map((i) => model.centroids[i] ?? []),
    clusterSizes: order.map((i) => model.clusterSizes[i] ?? 0),
  };
}

/** A centroid in feature units: the standardization undone, then the log1p. */
function centreOf(model: KmeansState, scaler: Scaler, features: readonly string[], cluster: number): Record<string, number> {
  const centroid = model.centroids[cluster] ?? [];
  const out: Record<string, number> = {};
  features.forEach((name, j) => {
    const z = centroid[j] ?? 0;
    const std = scaler.standardize && (scaler.stds[j] ?? 0) > 0 ? (scaler.stds[j] ?? 1) : 1;
    const t = z * std + (scaler.standardize ? (scaler.means[j] ?? 0) : 0);
    out[name] = scaler.transforms[j] === 'log1p' ? Math.sign(t) * Math.expm1(Math.abs(t)) : t;
  });
  return out;
}

/** Suffixes names that several clusters share with their cluster number: "Typical customers (cluster 2)". */
function uniqueNames(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return names.map((name, i) => ((counts.get(name) ?? 0) > 1 ? `${name} (cluster ${i + 1})` : name));
}

function validate(request: ClusteringRequest): ValidRequest {
  const problems: AppErrorDetail[] = [];
  const integer = (field: string, value: number | undefined, min: number, max: number, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) problems.push({ field, message: `must be an integer from ${min} to ${max}` });
    return value;
  };
  const key = request.key;
  if (typeof key !== 'string' || !CLUSTERING_KEY_PATTERN.test(key)) {
    problems.push({ field: 'key', message: 'use 1 to 40 lowercase letters, digits or _, starting with a letter' });
  }
  const requested = request.features ?? CLUSTERING_DEFAULTS.features;
  const features: ClusterFeatureName[] = [];
  if (requested.length === 0 || requested.length > CLUSTERING_LIMITS.maxFeatures) {
    problems.push({ field: 'features', message: `give 1 to ${CLUSTERING_LIMITS.maxFeatures} features` });
  }
  for (const name of requested) {
    if (!isClusterFeature(name)) problems.push({ field: 'features', message: `unknown feature "${name}"; one of ${CLUSTER_FEATURE_NAMES.join(', ')}` });
    else if (features.includes(name)) problems.push({ field: 'features', message: `"${name}" is listed twice` });
    else features.push(name);
  }
  const overrides = request.transforms ?? {};
  for (const [name, transform] of Object.entries(overrides)) {
    if (!features.includes(name as ClusterFeatureName)) problems.push({ field: `transforms.${name}`, message: 'not one of the features' });
    if (transform !== 'none' && transform !== 'log1p') problems.push({ field: `transforms.${name}`, message: "must be 'none' or 'log1p'" });
  }
  const transforms = features.map((name): ColumnTransform => (Object.hasOwn(overrides, name) ? (overrides[name] ?? 'none') : CLUSTER_FEATURE_TRANSFORMS[name]));
  const k = request.k === undefined ? null : integer('k', request.k, 1, CLUSTERING_LIMITS.maxK, 1);
  if (k !== null && (request.kMin !== undefined || request.kMax !== undefined)) problems.push({ field: 'k', message: 'give either k or kMin/kMax, not both' });
  const kMin = integer('kMin', request.kMin, 2, CLUSTERING_LIMITS.maxAutoK, CLUSTERING_DEFAULTS.kMin);
  const kMax = integer('kMax', request.kMax, 2, CLUSTERING_LIMITS.maxAutoK, Math.max(kMin, CLUSTERING_DEFAULTS.kMax));
  if (kMax < kMin) problems.push({ field: 'kMax', message: 'must be at least kMin' });
  const restarts = integer('restarts', request.restarts, 1, CLUSTERING_LIMITS.maxRestarts, CLUSTERING_DEFAULTS.restarts);
  const seed = integer('seed', request.seed, 0, Number.MAX_SAFE_INTEGER, CLUSTERING_DEFAULTS.seed);
  const sampleSize = integer('sampleSize', request.sampleSize, CLUSTERING_LIMITS.minSampleSize, CLUSTERING_LIMITS.maxSampleSize, CLUSTERING_DEFAULTS.sampleSize);
  const population = request.population ?? CLUSTERING_DEFAULTS.population;
  if (population !== 'customers' && population !== 'all') problems.push({ field: 'population', message: "must be 'customers' or 'all'" });
  if (problems.length > 0) {
    throw new AppError('ERR_VALIDATION', `Invalid clustering: ${problems.map((p) => `${p.field ?? ''}: ${p.message}`).join('; ')}`, { details: problems });
  }
  return { key, features, transforms, k, kMin, kMax, restarts, seed, population, sampleSize };
}

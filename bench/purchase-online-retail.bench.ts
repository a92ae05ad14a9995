/**
 * Purchase propensity on real events (issue 4): the UCI Online Retail file replayed as the events
 * `attune import --format online-retail` ingests (one identify per customer, one `Order Completed`
 * per invoice, `Order Refunded` per cancellation), normalised as ingest normalises them, grouped by
 * customer, and turned into point-in-time training sets: features from events strictly before a
 * cutoff, label = an `Order Completed` in [cutoff, cutoff + 30 days).
 *
 * Time-based split, fixed before looking at any result:
 *   test cutoff   2011-11-09 (the label window runs to 2011-12-09, where the data ends)
 *   single        train at 2011-10-10 (timeSplit: one window earlier)
 *   stacked       train at 2011-07-12, 2011-08-11, 2011-09-10 and 2011-10-10 (rows stacked)
 * Every training label window ends on or before the test cutoff, so no test label was visible.
 *
 * Models: Attune's GBDT (PROPENSITY_GBDT_OPTIONS, the `eval propensity` settings; early stopping on a
 * seeded stratified 20% of the TRAINING rows) and the logistic baseline (medians imputed,
 * standardized, L2 = 1, fitted on all training rows), against transparent heuristics scored at the
 * test cutoff: RFM (boundaries fitted on the test rows' own R/F/M, quintiles, score = R + F + M),
 * frequency alone and recency alone (whole days). Profiles without an order get the lowest score.
 * Metrics on the test cutoff's rows only: ROC AUC, PR-AUC (average precision), log loss (models),
 * lift of the top decile and capture at 10% / 20% (liftByDecile; ties keep row order, so a
 * tie-averaged top-10% lift is given next to it for the heavily tied heuristics).
 *
 * Reports; never gates. Results: bench/results/purchase-online-retail.json and .md.
 *
 *   npm run bench:purchase
 *   npm run bench:purchase -- --data /path/to/datasets --seed 42
 *
 * Dataset directory: --data, else $ATTUNE_DATASETS_DIR (or $ATTUNE_DATASETS), else
 * ../shared/datasets next to the repository. A missing file is reported and the bench exits 0.
 */
import { createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import type { NormalizedEvent } from '../src/core/events/event.js';
import { DEFAULT_MAX_EVENT_BYTES, normalizeEvent } from '../src/core/events/normalize-event.js';
import { createCsvRecordParser } from '../src/core/import/csv-parser.js';
import type { OnlineRetailColumns, OnlineRetailOutput } from '../src/core/import/online-retail.js';
import { createOnlineRetailAccumulator, resolveOnlineRetailColumns, toOnlineRetailRow } from '../src/core/import/online-retail.js';
import { gainImportance } from '../src/core/models/gbdt/importance.js';
import { compileGbdt } from '../src/core/models/gbdt/predict-gbdt.js';
import { trainGbdt } from '../src/core/models/gbdt/train-gbdt.js';
import { fitLogisticRegression, predictLogistic } from '../src/core/models/linear/logistic-regression.js';
import type { Matrix } from '../src/core/models/matrix.js';
import { createMatrix, selectRows } from '../src/core/models/matrix.js';
import { logLoss } from '../src/core/models/metrics/probability.js';
import { averagePrecision, rocAuc } from '../src/core/models/metrics/ranking.js';
import { liftByDecile } from '../src/core/models/metrics/tables.js';
import { PROPENSITY_GBDT_OPTIONS } from '../src/core/models/propensity/evaluate-propensity.js';
import { applyScaler, fitScaler } from '../src/core/models/scaling.js';
import { fitMedians, imputeMedians } from '../src/core/models/tabular/impute-medians.js';
import { stratifiedSplit } from '../src/core/models/tabular/stratified-split.js';
import type { PredictionTarget, ProfileEvents, TrainingSet } from '../src/core/models/training/point-in-time.js';
import { buildTrainingSet, DEFAULT_MODEL_FEATURES, timeSplit } from '../src/core/models/training/point-in-time.js';
import { DEFAULT_PROFILE_SPEC } from '../src/core/profiles/profile-spec.js';
import { fitRfmBoundaries } from '../src/core/segments/rfm/fit-rfm-boundaries.js';
import type { RfmFeatures } from '../src/core/segments/rfm/rfm-boundaries.js';
import { DEFAULT_RFM_CONFIG } from '../src/core/segments/rfm/rfm-config.js';
import { scoreRfm } from '../src/core/segments/rfm/score-rfm.js';
import { asProfileId } from '../src/core/shared/ids.js';
import { createRng } from '../src/core/shared/rng.js';
import { MS_PER_DAY } from '../src/core/shared/time.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA_FILE = join('online-retail', 'online_retail_uci_by_day_concat.csv.gz');
const RESULTS_JSON = join(REPO_ROOT, 'bench', 'results', 'purchase-online-retail.json');
const RESULTS_MD = join(REPO_ROOT, 'bench', 'results', 'purchase-online-retail.md');

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    seed: { type: 'string', default: '42' },
    validation: { type: 'string', default: '0.2' },
  },
});
const SEED = Number(args.seed);
const VALIDATION_FRACTION = Number(args.validation);

const TARGET: PredictionTarget = { kind: 'purchase', withinDays: 30 };
const TEST_CUTOFF_MS = Date.parse('2011-11-09T00:00:00Z');
const SPLIT = timeSplit({ testCutoffMs: TEST_CUTOFF_MS, target: TARGET });
const STACKED_CUTOFFS_MS = [3, 2, 1, 0].map((k) => SPLIT.trainCutoffMs - k * TARGET.withinDays * MS_PER_DAY);
/**
 * receivedAt given to normalizeEvent: fixed (not the wall clock) so the run is reproducible; only
 * the "not more than a day in the future" check reads it, and every event is older.
 */
const RECEIVED_AT_MS = Date.parse('2011-12-10T00:00:00Z');
const GBDT_OPTIONS = PROPENSITY_GBDT_OPTIONS;
const LOGISTIC_L2 = 1;

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Data: file rows -> import events -> NormalizedEvents -> events per customer.

interface Replay {
  readonly fileRows: number;
  readonly rowsRejected: Record<string, number>;
  readonly importEvents: number;
  readonly normalizeRejected: Record<string, number>;
  readonly eventsByType: Record<string, number>;
  readonly profiles: readonly ProfileEvents[];
  readonly firstEventMs: number;
  readonly lastEventMs: number;
}

function datasetDir(): string {
  return args.data ?? process.env['ATTUNE_DATASETS_DIR'] ?? process.env['ATTUNE_DATASETS'] ?? join(REPO_ROOT, '..', 'shared', 'datasets');
}

/** The same steps as `attune import --format online-retail` up to ingest's normalizeEvent (no storage, one profile per userId). */
async function replay(file: string): Promise<Replay> {
  const parser = createCsvRecordParser();
  const accumulator = createOnlineRetailAccumulator({ maxEventBytes: DEFAULT_MAX_EVENT_BYTES });
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const rowsRejected: Record<string, number> = {};
  const normalizeRejected: Record<string, number> = {};
  const eventsByType: Record<string, number> = {};
  const byUser = new Map<string, NormalizedEvent[]>();
  let columns: OnlineRetailColumns | null = null;
  let headerLength = 0;
  let fileRows = 0;
  let importEvents = 0;
  let firstEventMs = Infinity;
  let lastEventMs = -Infinity;
  const bump = (tally: Record<string, number>, key: string, by = 1): void => {
    tally[key] = (tally[key] ?? 0) + by;
  };
  const context = { receivedAtMs: RECEIVED_AT_MS, impliedType: null, batchSentAt: undefined, maxEventBytes: DEFAULT_MAX_EVENT_BYTES, ip: 'reduce' as const };
  const take = (outputs: readonly OnlineRetailOutput[]): void => {
    for (const out of outputs) {
      if (out.kind === 'rejected') {
        bump(rowsRejected, out.reason, out.rows);
        continue;
      }
      importEvents++;
      const result = normalizeEvent(out.event, context);
      if (!result.ok) {
        bump(normalizeRejected, result.error.code);
        continue;
      }
      const event = result.value;
      bump(eventsByType, event.type === 'track' ? (event.event ?? 'track') : event.type);
      firstEventMs = Math.min(firstEventMs, event.timestampMs);
      lastEventMs = Math.max(lastEventMs, event.timestampMs);
      const userId = event.userId ?? '';
      const list = byUser.get(userId);
      if (list === undefined) byUser.set(userId, [event]);
      else list.push(event);
    }
  };
  for await (const line of lines) {
    const record = parser.pushLine(line);
    if (record === null) continue;
    if (columns === null) {
      if (!record.ok) throw new Error(`${file}: unreadable header: ${record.error.message}`);
      const resolved = resolveOnlineRetailColumns(record.value.fields);
      if (!resolved.ok) throw new Error(resolved.error.join('; '));
      columns = resolved.value;
      headerLength = record.value.fields.length;
      continue;
    }
    if (line === '' && record.ok && record.value.fields.length === 1) continue;
    fileRows++;
    if (!record.ok) {
      bump(rowsRejected, 'malformed CSV');
      continue;
    }
    if (record.value.fields.length !== headerLength) {
      bump(rowsRejected, 'row has the wrong number of fields');
      continue;
    }
    take(accumulator.push(toOnlineRetailRow(columns, record.value.fields)));
  }
  const last = parser.finish();
  if (last !== null && !last.ok) {
    fileRows++;
    bump(rowsRejected, 'malformed CSV');
  }
  take(accumulator.finish());
  // Customer id order (numeric): only tie-breaking in the lift tables depends on row order.
  const profiles = [...byUser.entries()]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([userId, events]) => ({ profileId: asProfileId(userId), events }));
  return { fileRows, rowsRejected, importEvents, normalizeRejected, eventsByType, profiles, firstEventMs, lastEventMs };
}

// ---------------------------------------------------------------------------------------------
// Scoring.

interface Scored {
  readonly name: string;
  readonly description: string;
  readonly auc: number;
  readonly prAuc: number;
  readonly logLoss: number | null;
  readonly topDecileLift: number;
  readonly captureAt10: number;
  readonly captureAt20: number;
  /** Top-10% lift with tied scores straddling the cut counted at their group's average rate. */
  readonly topDecileLiftTieAveraged: number;
  /** Distinct score values on the test rows (few = heavy ties). */
  readonly distinctScores: number;
}

/** Expected positives in the top `fraction` when tied scores are ordered at random: exact, no sampling. */
function tieAveragedTopLift(y: Float64Array, scores: Float64Array, fraction: number): number {
  const n = y.length;
  const k = Math.floor(n * fraction);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let total = 0;
  for (const v of y) total += v;
  let taken = 0;
  let expected = 0;
  let i = 0;
  while (taken < k && i < n) {
    let j = i;
    let groupPositives = 0;
    while (j < n && scores[order[j] as number] === scores[order[i] as number]) groupPositives += y[order[j++] as number] as number;
    const group = j - i;
    const use = Math.min(group, k - taken);
    expected += (groupPositives * use) / group;
    taken += use;
    i = j;
  }
  return k === 0 || total === 0 ? NaN : expected / k / (total / n);
}

function score(name: string, description: string, y: Float64Array, s: Float64Array, probabilities: boolean): Scored {
  const lift = liftByDecile(y, s);
  return {
    name,
    description,
    auc: rocAuc(y, s),
    prAuc: averagePrecision(y, s),
    logLoss: probabilities ? logLoss(y, s) : null,
    topDecileLift: lift[0]?.lift ?? NaN,
    captureAt10: lift[0]?.cumulativeCapture ?? NaN,
    captureAt20: lift[1]?.cumulativeCapture ?? NaN,
    topDecileLiftTieAveraged: tieAveragedTopLift(y, s, 0.1),
    distinctScores: new Set(s).size,
  };
}

function column(set: TrainingSet, name: string): Float64Array {
  const j = set.featureNames.indexOf(name);
  if (j < 0) throw new Error(`feature ${name} is not in the training set`);
  return Float64Array.from({ length: set.x.rows }, (_, i) => set.x.data[i * set.x.cols + j] as number);
}

/** RFM, frequency and recency at the test cutoff, fitted on the test rows' own features (no labels). */
function heuristics(test: TrainingSet): { scores: Scored[]; rfm: { populationSize: number; unscored: number; edges: Record<string, readonly (number | null)[]> } } {
  const recency = column(test, 'recencyDays');
  const frequency = column(test, 'frequency');
  const monetary = column(test, 'monetary');
  const population: RfmFeatures[] = Array.from({ length: test.x.rows }, (_, i) => {
    const r = recency[i] as number;
    return { recencyDays: Number.isNaN(r) ? null : Math.floor(r), frequency: frequency[i] as number, monetary: monetary[i] as number };
  });
  const boundaries = fitRfmBoundaries(population, DEFAULT_RFM_CONFIG, TEST_CUTOFF_MS);
  let unscored = 0;
  const rfm = Float64Array.from(population, (p) => {
    const s = scoreRfm(p, boundaries);
    if (s === null) unscored++;
    return s === null ? 0 : s.r + s.f + s.m;
  });
  let maxRecency = 0;
  for (const p of population) if (p.recencyDays !== null) maxRecency = Math.max(maxRecency, p.recencyDays);
  const recencyScore = Float64Array.from(population, (p) => (p.recencyDays === null ? -(maxRecency + 1) : -p.recencyDays));
  const y = test.y;
  return {
    scores: [
      score('rfm', `RFM quintiles fitted on the test rows at the cutoff, score = R + F + M (3..15; no order = 0)`, y, rfm, false),
      score('frequency', 'orders before the cutoff', y, frequency, false),
      score('recency', 'minus whole days since the last order (no order = lowest)', y, recencyScore, false),
    ],
    rfm: {
      populationSize: boundaries.populationSize,
      unscored,
      edges: { recency: boundaries.recency.edges, frequency: boundaries.frequency.edges, monetary: boundaries.monetary.edges },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Models.

interface CutoffCounts {
  readonly cutoff: string;
  readonly labelWindowEnd: string;
  readonly role: string;
  readonly eligible: number;
  readonly ineligible: number;
  readonly positives: number;
  readonly baseRate: number;
  readonly buildMs: number;
}

interface VariantResult {
  readonly name: string;
  readonly trainCutoffs: readonly string[];
  readonly rows: { readonly train: number; readonly validation: number; readonly positivesTrain: number; readonly positivesValidation: number };
  readonly gbdt: { readonly trainMs: number; readonly treesKept: number; readonly treesGrown: number; readonly topFeatures: readonly { name: string; share: number }[] };
  readonly logistic: { readonly trainMs: number; readonly iterations: number; readonly converged: boolean };
  readonly scores: readonly Scored[];
}

function stack(sets: readonly TrainingSet[]): { x: Matrix; y: Float64Array } {
  const cols = sets[0]?.x.cols ?? 0;
  const rows = sets.reduce((a, s) => a + s.x.rows, 0);
  const x = createMatrix(rows, cols);
  const y = new Float64Array(rows);
  let at = 0;
  for (const s of sets) {
    x.data.set(s.x.data, at * cols);
    y.set(s.y, at);
    at += s.x.rows;
  }
  return { x, y };
}

function runVariant(name: string, trainSets: readonly TrainingSet[], test: TrainingSet): VariantResult {
  const all = stack(trainSets);
  const featureNames = test.featureNames;
  const split = stratifiedSplit(all.y, { validation: VALIDATION_FRACTION, test: 0 }, createRng(SEED));
  const part = (rows: Int32Array): { x: Matrix; y: Float64Array } => ({ x: selectRows(all.x, rows), y: Float64Array.from(rows, (i) => all.y[i] as number) });
  const train = part(split.train);
  const validation = part(split.validation);

  let started = performance.now();
  const fit = trainGbdt(train, { ...GBDT_OPTIONS, featureNames }, createRng(SEED + 1), validation);
  const gbdtMs = performance.now() - started;
  const gbdtTest = compileGbdt(fit.state).predict(test.x);

  started = performance.now();
  const medians = fitMedians(all.x);
  const imputed = imputeMedians(all.x, medians);
  const scaler = fitScaler(imputed, { transforms: featureNames.map(() => 'none' as const), standardize: true });
  const logistic = fitLogisticRegression(applyScaler(scaler, imputed), all.y, { l2: LOGISTIC_L2 });
  const logisticMs = performance.now() - started;
  const logisticTest = predictLogistic(logistic, applyScaler(scaler, imputeMedians(test.x, medians)));

  const importance = gainImportance(fit.state);
  const sum = (y: Float64Array): number => y.reduce((a, b) => a + b, 0);
  return {
    name,
    trainCutoffs: trainSets.map((s) => iso(s.cutoffMs)),
    rows: { train: train.x.rows, validation: validation.x.rows, positivesTrain: sum(train.y), positivesValidation: sum(validation.y) },
    gbdt: {
      trainMs: gbdtMs,
      treesKept: fit.bestIteration,
      treesGrown: fit.iterationsRun,
      topFeatures: importance.ranking.slice(0, 8).map((f) => ({ name: featureNames[f] ?? `#${f}`, share: importance.normalized[f] ?? 0 })),
    },
    logistic: { trainMs: logisticMs, iterations: logistic.iterations, converged: logistic.converged },
    scores: [
      score('gbdt', `Attune GBDT, ${fit.bestIteration} trees (early stopping on a ${VALIDATION_FRACTION * 100}% stratified slice of the training rows)`, test.y, gbdtTest, true),
      score('logistic', `L2 logistic regression (l2 = ${LOGISTIC_L2}), medians imputed, standardized; all training rows`, test.y, logisticTest, true),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Output.

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j] ?? 0) : c.padStart(widths[j] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map((_, j) => (j <= 1 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const f3 = (v: number | null): string => (v === null || Number.isNaN(v) ? '-' : v.toFixed(3));
const f2 = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(2));
const pct = (v: number): string => (Number.isNaN(v) ? '-' : `${(v * 100).toFixed(1)}%`);
const ms = (v: number): string => (v < 1000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(2)} s`);

const RESULT_HEADER = ['model', 'trained on', 'AUC', 'PR-AUC', 'log loss', 'top-10% lift', '(ties avg)', 'capture@10%', 'capture@20%', 'train'];

function resultRows(variants: readonly VariantResult[], heuristicScores: readonly Scored[]): string[][] {
  const rows: string[][] = [];
  const row = (s: Scored, trainedOn: string, trainMs: string): string[] => [
    s.name,
    trainedOn,
    f3(s.auc),
    f3(s.prAuc),
    f3(s.logLoss),
    f2(s.topDecileLift),
    f2(s.topDecileLiftTieAveraged),
    pct(s.captureAt10),
    pct(s.captureAt20),
    trainMs,
  ];
  for (const v of variants) {
    for (const s of v.scores) rows.push(row(s, `${v.name} (${v.trainCutoffs.length} cutoff${v.trainCutoffs.length > 1 ? 's' : ''})`, ms(s.name === 'gbdt' ? v.gbdt.trainMs : v.logistic.trainMs)));
  }
  for (const s of heuristicScores) rows.push(row(s, 'test rows (no labels)', '-'));
  return rows;
}

function countRows(counts: readonly CutoffCounts[]): string[][] {
  return counts.map((c) => [c.cutoff, c.role, c.labelWindowEnd, String(c.eligible), String(c.ineligible), String(c.positives), pct(c.baseRate), ms(c.buildMs)]);
}
const COUNT_HEADER = ['cutoff', 'role', 'label window to', 'eligible', 'no event yet', 'positives', 'base rate', 'build'];

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const runStarted = performance.now();
  const file = join(datasetDir(), DATA_FILE);
  if (!existsSync(file)) {
    console.log(`purchase-online-retail: dataset file missing: ${file} (set --data DIR or ATTUNE_DATASETS_DIR); skipped.`);
    return;
  }
  console.log(`purchase-online-retail: ${file}`);
  console.log(`seed ${SEED}; target purchase within ${TARGET.withinDays} days; test cutoff ${iso(TEST_CUTOFF_MS)}`);

  let started = performance.now();
  const data = await replay(file);
  const replayMs = performance.now() - started;
  const eventCount = data.profiles.reduce((a, p) => a + p.events.length, 0);
  console.log(
    `replayed ${data.fileRows} rows -> ${data.importEvents} import events -> ${eventCount} normalized events for ${data.profiles.length} customers ` +
      `(${iso(data.firstEventMs)} .. ${new Date(data.lastEventMs).toISOString()}) in ${ms(replayMs)}`,
  );

  const build = (cutoffMs: number, role: string): { set: TrainingSet; counts: CutoffCounts } => {
    const t = performance.now();
    const set = buildTrainingSet(data.profiles, { cutoffMs, target: TARGET, spec: DEFAULT_PROFILE_SPEC, features: DEFAULT_MODEL_FEATURES });
    const buildMs = performance.now() - t;
    const eligible = set.x.rows;
    return {
      set,
      counts: {
        cutoff: iso(cutoffMs),
        labelWindowEnd: iso(cutoffMs + TARGET.withinDays * MS_PER_DAY),
        role,
        eligible,
        ineligible: set.ineligible,
        positives: set.positives,
        baseRate: eligible === 0 ? NaN : set.positives / eligible,
        buildMs,
      },
    };
  };
  const trainBuilt = STACKED_CUTOFFS_MS.map((cutoffMs) => build(cutoffMs, cutoffMs === SPLIT.trainCutoffMs ? 'train (single + stacked)' : 'train (stacked)'));
  const testBuilt = build(SPLIT.testCutoffMs, 'test');
  const counts = [...trainBuilt.map((b) => b.counts), testBuilt.counts];
  const test = testBuilt.set;
  const singleSet = trainBuilt.find((b) => b.set.cutoffMs === SPLIT.trainCutoffMs)?.set;
  if (singleSet === undefined) throw new Error('the single training cutoff is not among the stacked ones');

  const variants = [runVariant('single', [singleSet], test), runVariant('stacked', trainBuilt.map((b) => b.set), test)];
  const heur = heuristics(test);
  const totalMs = performance.now() - runStarted;

  console.log('');
  console.log(table(COUNT_HEADER, countRows(counts)));
  console.log('');
  console.log(`Test cutoff ${iso(TEST_CUTOFF_MS)}: ${test.x.rows} customers, ${test.positives} bought within ${TARGET.withinDays} days (${pct(test.positives / test.x.rows)})`);
  console.log(table(RESULT_HEADER, resultRows(variants, heur.scores)));
  for (const v of variants) {
    console.log(
      `${v.name}: train ${v.rows.train} rows (${v.rows.positivesTrain} pos) + validation ${v.rows.validation} (${v.rows.positivesValidation} pos); ` +
        `GBDT ${v.gbdt.treesKept}/${v.gbdt.treesGrown} trees; top features ${v.gbdt.topFeatures.slice(0, 4).map((f) => `${f.name} ${pct(f.share)}`).join(', ')}`,
    );
  }
  console.log(`total run time ${ms(totalMs)} (replay ${ms(replayMs)})`);

  const environment = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, platform: process.platform };
  const report = {
    benchmark: 'purchase-online-retail',
    generatedAt: new Date().toISOString(),
    command: 'npm run bench:purchase',
    dataset: relative(REPO_ROOT, file),
    environment,
    settings: {
      seed: SEED,
      target: TARGET,
      testCutoff: iso(TEST_CUTOFF_MS),
      singleTrainCutoff: iso(SPLIT.trainCutoffMs),
      stackedTrainCutoffs: STACKED_CUTOFFS_MS.map(iso),
      validationFraction: VALIDATION_FRACTION,
      features: DEFAULT_MODEL_FEATURES.map((f) => f.name),
      gbdt: GBDT_OPTIONS,
      logistic: { l2: LOGISTIC_L2, imputation: 'training medians', scaling: 'standardize (training rows)' },
      rfm: DEFAULT_RFM_CONFIG,
      receivedAtForNormalize: new Date(RECEIVED_AT_MS).toISOString(),
    },
    replay: {
      fileRows: data.fileRows,
      rowsRejected: data.rowsRejected,
      importEvents: data.importEvents,
      normalizeRejected: data.normalizeRejected,
      normalizedEvents: eventCount,
      eventsByType: data.eventsByType,
      customers: data.profiles.length,
      firstEvent: new Date(data.firstEventMs).toISOString(),
      lastEvent: new Date(data.lastEventMs).toISOString(),
      ms: Math.round(replayMs),
    },
    cutoffs: counts.map((c) => ({ ...c, buildMs: Math.round(c.buildMs) })),
    test: { rows: test.x.rows, positives: test.positives, baseRate: test.positives / test.x.rows },
    variants,
    heuristics: heur.scores,
    rfm: heur.rfm,
    totalMs: Math.round(totalMs),
  };
  mkdirSync(dirname(RESULTS_JSON), { recursive: true });
  writeFileSync(RESULTS_JSON, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(RESULTS_MD, markdown(report.generatedAt, environment, data, eventCount, counts, test, variants, heur.scores, totalMs));
  console.log(`wrote ${relative(REPO_ROOT, RESULTS_JSON)} and ${relative(REPO_ROOT, RESULTS_MD)}`);
}

function markdown(
  generatedAt: string,
  environment: { node: string; cpu: string; cpus: number },
  data: Replay,
  eventCount: number,
  counts: readonly CutoffCounts[],
  test: TrainingSet,
  variants: readonly VariantResult[],
  heuristicScores: readonly Scored[],
  totalMs: number,
): string {
  const out: string[] = [];
  out.push('# Purchase in the next 30 days: Online Retail replayed as events');
  out.push('');
  out.push(`Generated by \`npm run bench:purchase\` (bench/purchase-online-retail.bench.ts) on ${generatedAt.slice(0, 10)}; seed ${SEED}; Node ${environment.node}, ${environment.cpu}. A benchmark: it reports, never gates.`);
  out.push('');
  out.push('## Data');
  out.push('');
  out.push(
    `UCI Online Retail (${data.fileRows} rows) mapped by the \`attune import --format online-retail\` preset to ${data.importEvents} events ` +
      `(${Object.entries(data.eventsByType).map(([k, v]) => `${v} ${k}`).join(', ')}), then through ingest's normalizeEvent ` +
      `(${Object.values(data.normalizeRejected).reduce((a, b) => a + b, 0)} rejected), ${data.profiles.length} customers, ` +
      `${iso(data.firstEventMs)} to ${new Date(data.lastEventMs).toISOString().replace('T', ' ').slice(0, 16)}. Rows without a CustomerID become no event. ${eventCount} events in all.`,
  );
  out.push('');
  out.push(`Target: an \`Order Completed\` in [cutoff, cutoff + ${TARGET.withinDays} days). Features: the ${DEFAULT_MODEL_FEATURES.length} DEFAULT_MODEL_FEATURES from events strictly before the cutoff (NaN = missing). Eligible = at least one event before the cutoff.`);
  out.push('');
  out.push(markdownTable(COUNT_HEADER, countRows(counts)));
  out.push('');
  out.push('## Results on the test cutoff');
  out.push('');
  out.push(`${test.x.rows} customers at ${iso(test.cutoffMs)}, ${test.positives} of them bought in the next ${TARGET.withinDays} days (base rate ${pct(test.positives / test.x.rows)}). No model or heuristic saw these labels; nothing was tuned on them.`);
  out.push('');
  out.push(markdownTable(RESULT_HEADER, resultRows(variants, heuristicScores)));
  out.push('');
  out.push('- *single*: trained at the one cutoff 30 days before the test cutoff (timeSplit). *stacked*: rows of four cutoffs 30 days apart stacked (a customer appears once per cutoff).');
  out.push(`- GBDT: \`eval propensity\` settings (learning rate ${GBDT_OPTIONS.learningRate}, ${GBDT_OPTIONS.maxLeaves} leaves, ${GBDT_OPTIONS.minSamplesLeaf} rows per leaf, up to ${GBDT_OPTIONS.maxIterations} trees, patience ${GBDT_OPTIONS.earlyStopping?.patience}), early stopping on a seeded stratified ${VALIDATION_FRACTION * 100}% of the training rows. Logistic: all training rows, medians imputed, standardized, L2 = ${LOGISTIC_L2}.`);
  out.push('- RFM: quintile boundaries fitted at the test cutoff on the test rows\' own recency (whole days), frequency and monetary (no labels); score R + F + M. Customers without an order score lowest.');
  out.push('- top-10% lift and capture come from liftByDecile, where tied scores keep row order (customer id); *(ties avg)* counts a tie group straddling the cut at its own average rate, the fair number for the coarse heuristics.');
  out.push('');
  for (const v of variants) {
    out.push(
      `**${v.name}** (${v.trainCutoffs.join(', ')}): ${v.rows.train} training rows (${v.rows.positivesTrain} positive) + ${v.rows.validation} validation (${v.rows.positivesValidation}); ` +
        `GBDT kept ${v.gbdt.treesKept} of ${v.gbdt.treesGrown} trees in ${ms(v.gbdt.trainMs)}; logistic ${ms(v.logistic.trainMs)} (${v.logistic.iterations} Newton steps${v.logistic.converged ? '' : ', NOT converged'}). ` +
        `Top GBDT features by gain: ${v.gbdt.topFeatures.slice(0, 5).map((f) => `${f.name} ${pct(f.share)}`).join(', ')}.`,
    );
    out.push('');
  }
  out.push(`Total run time ${ms(totalMs)} (replaying the file, building ${counts.length} point-in-time sets, training and scoring).`);
  out.push('');
  out.push('## Caveats');
  out.push('');
  out.push('- One test window (Nov 9 to Dec 9, 2011, the pre-Christmas peak): one number per model, no confidence interval; differences of a few thousandths of AUC are noise.');
  out.push('- The label window ends at 2011-12-09 00:00 UTC; purchases on the last day of the data (Dec 9) fall outside it. InvoiceDate is UK local time read as UTC.');
  out.push('- The events are orders, refunds and one identify per customer: page views, product views, carts and discounts are zero for everyone, and `sessions`/`eventCount` are derived from order times (a session = orders within 30 minutes), so this measures what an order history alone predicts.');
  out.push('- Stacked cutoffs repeat customers, so the validation slice used for early stopping shares customers with the training slice (the test cutoff is never touched).');
  out.push('');
  return `${out.join('\n')}`;
}

await main();

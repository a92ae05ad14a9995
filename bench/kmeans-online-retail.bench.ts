/**
 * k-means on real data, Attune against scikit-learn in the same run: per-customer RFM of the UCI
 * Online Retail file (the usual published recipe), log1p then z-scored, clustered with k = 4 and 8,
 * 10 k-means++ restarts, max_iter 300, tol 1e-4 (both sides use scikit-learn's definition of tol).
 * The matrix is built once here and written to a temp file that the Python side reads, so both fit
 * exactly the same numbers. Only the fit is timed (median of N repeats after one warm-up fit).
 * scikit-learn is timed with OMP_NUM_THREADS=1 and with its default thread count; Attune is
 * single-threaded. Reports; never gates. Results go to bench/results/kmeans-online-retail.json.
 *
 *   npm run bench:kmeans
 *   npm run bench:kmeans -- --data /path/to/datasets --repeats 5 --ks 4,8
 *
 * Dataset directory: --data, else $ATTUNE_DATASETS (or $ATTUNE_DATASETS_DIR, as the integration
 * test reads it), else ../shared/datasets next to the repository.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { createCsvRecordParser } from '../src/core/import/csv-parser.js';
import { parseNaiveDateTimeAsUtc } from '../src/core/import/naive-date-time.js';
import type { OnlineRetailColumns } from '../src/core/import/online-retail.js';
import { resolveOnlineRetailColumns, toOnlineRetailRow } from '../src/core/import/online-retail.js';
import { initKmeansPlusPlus } from '../src/core/models/kmeans/init-kmeans-plus-plus.js';
import { predictKmeans } from '../src/core/models/kmeans/predict-kmeans.js';
import { runElkan } from '../src/core/models/kmeans/run-elkan.js';
import { runHamerly } from '../src/core/models/kmeans/run-hamerly.js';
import type { LloydOptions } from '../src/core/models/kmeans/run-lloyd.js';
import { runLloyd } from '../src/core/models/kmeans/run-lloyd.js';
import { toleranceFor, trainKmeans } from '../src/core/models/kmeans/train-kmeans.js';
import type { Matrix } from '../src/core/models/matrix.js';
import { createMatrix } from '../src/core/models/matrix.js';
import { applyScaler, fitScaler } from '../src/core/models/scaling.js';
import { createRng } from '../src/core/shared/rng.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA_FILE = join('online-retail', 'online_retail_uci_by_day_concat.csv.gz');
const RESULTS = join(REPO_ROOT, 'bench', 'results', 'kmeans-online-retail.json');
const SKLEARN_SCRIPT = join(REPO_ROOT, 'scripts', 'kmeans-online-retail-sklearn.py');
const DAY_MS = 86_400_000;
const COLS = 3; // recency, frequency, monetary

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    ks: { type: 'string', default: '4,8' },
    restarts: { type: 'string', default: '10' },
    'max-iter': { type: 'string', default: '300' },
    tol: { type: 'string', default: '1e-4' },
    repeats: { type: 'string', default: '5' },
    seed: { type: 'string', default: '0' },
    'inertia-seeds': { type: 'string', default: '10' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'no-rfm-check': { type: 'boolean', default: false },
  },
});
const KS = args.ks.split(',').filter((s) => s !== '').map(Number);
const RESTARTS = Number(args.restarts);
const MAX_ITER = Number(args['max-iter']);
const TOL = Number(args.tol);
const REPEATS = Number(args.repeats);
const SEED = Number(args.seed);
const INERTIA_SEEDS = Number(args['inertia-seeds']);

// ---------------------------------------------------------------------------------------------
// Data: the raw file to one RFM row per customer.

interface CustomerRfm {
  readonly customerId: number;
  readonly recencyDays: number;
  readonly frequency: number;
  readonly monetary: number;
}

interface RfmData {
  readonly fileRows: number;
  /** Non-cancelled lines with a customer id: what the RFM is built from. */
  readonly usedRows: number;
  readonly customersBeforeFilter: number;
  readonly snapshotIso: string;
  readonly customers: readonly CustomerRfm[];
}

interface CustomerAcc {
  lastMs: number;
  readonly invoices: Set<string>;
  monetary: number;
}

function datasetFile(): string {
  const dir = args.data ?? process.env['ATTUNE_DATASETS'] ?? process.env['ATTUNE_DATASETS_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'datasets');
  return join(dir, DATA_FILE);
}

/** Feeds every data row of the gzipped CSV, in file order, to onRow. Returns the number of rows. */
async function forEachRow(file: string, onRow: (columns: OnlineRetailColumns, fields: readonly string[]) => void): Promise<number> {
  const parser = createCsvRecordParser();
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let columns: OnlineRetailColumns | null = null;
  let rows = 0;
  for await (const line of lines) {
    const record = parser.pushLine(line);
    if (record === null) continue;
    if (!record.ok) throw new Error(`${file}:${record.error.firstLine}: ${record.error.message}`);
    if (columns === null) {
      const resolved = resolveOnlineRetailColumns(record.value.fields);
      if (!resolved.ok) throw new Error(resolved.error.join('; '));
      columns = resolved.value;
      continue;
    }
    rows++;
    onRow(columns, record.value.fields);
  }
  return rows;
}

/**
 * The common published recipe: lines with a CustomerID and an InvoiceNo not starting with "C";
 * recency = whole days from the customer's last invoice to (latest InvoiceDate + 1 day); frequency
 * = distinct invoices; monetary = sum of Quantity * UnitPrice; customers with monetary <= 0 dropped.
 */
async function loadRfm(file: string): Promise<RfmData> {
  const byCustomer = new Map<number, CustomerAcc>();
  let usedRows = 0;
  let maxMs = -Infinity;
  const fileRows = await forEachRow(file, (columns, fields) => {
    const row = toOnlineRetailRow(columns, fields);
    const invoiceNo = row.invoiceNo.trim();
    const customerText = row.customerId.trim();
    if (customerText === '' || invoiceNo === '' || invoiceNo.startsWith('C')) return;
    const customerId = Number(customerText); // "17850.0" in this file
    const atMs = parseNaiveDateTimeAsUtc(row.invoiceDate);
    if (!Number.isInteger(customerId) || atMs === null) throw new Error(`unexpected row: ${fields.join(',')}`);
    const acc = byCustomer.get(customerId) ?? { lastMs: -Infinity, invoices: new Set<string>(), monetary: 0 };
    byCustomer.set(customerId, acc);
    acc.lastMs = Math.max(acc.lastMs, atMs);
    acc.invoices.add(invoiceNo);
    acc.monetary += Number(row.quantity) * Number(row.unitPrice);
    maxMs = Math.max(maxMs, atMs);
    usedRows++;
  });
  const snapshotMs = maxMs + DAY_MS;
  const customers = [...byCustomer.entries()]
    .filter(([, acc]) => acc.monetary > 0)
    .sort(([a], [b]) => a - b) // pandas' groupby order, so row i is the same customer on both sides
    .map(([customerId, acc]) => ({
      customerId,
      recencyDays: Math.floor((snapshotMs - acc.lastMs) / DAY_MS),
      frequency: acc.invoices.size,
      monetary: acc.monetary,
    }));
  return { fileRows, usedRows, customersBeforeFilter: byCustomer.size, snapshotIso: new Date(snapshotMs).toISOString(), customers };
}

function rawMatrix(customers: readonly CustomerRfm[]): Matrix {
  const x = createMatrix(customers.length, COLS);
  customers.forEach((c, i) => x.data.set([c.recencyDays, c.frequency, c.monetary], i * COLS));
  return x;
}

/** log1p of each column, then z-score with the population std: Attune's own scaler does both. */
function scaledMatrix(raw: Matrix): Matrix {
  return applyScaler(fitScaler(raw, { transforms: ['log1p', 'log1p', 'log1p'], standardize: true }), raw);
}

// ---------------------------------------------------------------------------------------------
// Attune side.

interface Timed {
  readonly inertia: number;
  readonly iterations: number;
  readonly timesMs: number[];
  readonly medianMs: number;
  readonly minMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** One warm-up call (JIT), then `repeats` timed calls; the fit is all that runs inside the timer. */
function timeFits(fit: () => { inertia: number; iterations: number }): Timed {
  fit();
  const timesMs: number[] = [];
  let last = { inertia: NaN, iterations: 0 };
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    last = fit();
    timesMs.push(performance.now() - start);
  }
  return { ...last, timesMs, medianMs: median(timesMs), minMs: Math.min(...timesMs) };
}

function attuneFit(x: Matrix, k: number, seed: number): ReturnType<typeof trainKmeans> {
  return trainKmeans(x, { k, restarts: RESTARTS, maxIterations: MAX_ITER, tolerance: TOL }, createRng(seed));
}

type ExactRunner = (x: Matrix, init: Float64Array, k: number, options: LloydOptions) => { inertia: number; iterations: number };

/**
 * trainKmeans' restart loop with a chosen exact runner (it picks Hamerly or Elkan by shape and has
 * no option for it): the same seeds give the same inertia for all three, only the time differs.
 */
function fitWithRunner(x: Matrix, k: number, seed: number, runner: ExactRunner): { inertia: number; iterations: number } {
  const rng = createRng(seed);
  const options = { maxIterations: MAX_ITER, shiftTolerance: toleranceFor(x, TOL) };
  let best = { inertia: Infinity, iterations: 0 };
  for (let r = 0; r < RESTARTS; r++) {
    const run = runner(x, initKmeansPlusPlus(x, k, rng), k, options);
    if (run.inertia < best.inertia) best = { inertia: run.inertia, iterations: run.iterations };
  }
  return best;
}

/** How long the 10 k-means++ seedings alone take: the part of a fit that no bound can skip. */
function fitInitOnly(x: Matrix, k: number, seed: number): { inertia: number; iterations: number } {
  const rng = createRng(seed);
  for (let r = 0; r < RESTARTS; r++) initKmeansPlusPlus(x, k, rng);
  return { inertia: NaN, iterations: 0 };
}

interface AttuneK {
  readonly k: number;
  readonly train: Timed;
  readonly runners: Record<'lloyd' | 'hamerly' | 'elkan' | 'kmeans++ only', Timed>;
  readonly labels: Int32Array;
  readonly inertiaOtherSeeds: number[];
}

function benchAttune(x: Matrix, k: number): AttuneK {
  const train = timeFits(() => attuneFit(x, k, SEED));
  const runners = {
    lloyd: timeFits(() => fitWithRunner(x, k, SEED, runLloyd)),
    hamerly: timeFits(() => fitWithRunner(x, k, SEED, runHamerly)),
    elkan: timeFits(() => fitWithRunner(x, k, SEED, runElkan)),
    'kmeans++ only': timeFits(() => fitInitOnly(x, k, SEED)),
  };
  const labels = predictKmeans(attuneFit(x, k, SEED), x);
  const inertiaOtherSeeds = Array.from({ length: INERTIA_SEEDS }, (_, s) => attuneFit(x, k, SEED + 1 + s).inertia);
  return { k, train, runners, labels, inertiaOtherSeeds };
}

// ---------------------------------------------------------------------------------------------
// scikit-learn side (a child process on the same matrix file).

interface SklearnRun {
  readonly algorithm: string;
  readonly k: number;
  readonly inertia: number;
  readonly iterations: number;
  readonly timesMs: number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly labels: number[];
  readonly inertiaOtherSeeds: number[];
}

interface SklearnOutput {
  readonly versions: { readonly sklearn: string; readonly numpy: string; readonly python: string };
  readonly threads: Record<string, number>;
  readonly runs: SklearnRun[];
  readonly rfmCheck?: { readonly pandasRows: number; readonly maxAbsDiff: number | null };
}

type ThreadSetting = '1 thread' | 'default threads';

function runSklearn(matrixFile: string, rows: number, threads: ThreadSetting, rfmCheckFile: string | null): SklearnOutput | string {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS']) {
    if (threads === '1 thread') env[name] = '1';
    else delete env[name];
  }
  const scriptArgs = [SKLEARN_SCRIPT, '--matrix', matrixFile, '--rows', String(rows), '--cols', String(COLS), '--ks', KS.join(',')];
  scriptArgs.push('--n-init', String(RESTARTS), '--max-iter', String(MAX_ITER), '--tol', String(TOL), '--repeats', String(REPEATS));
  scriptArgs.push('--seed', String(SEED), '--inertia-seeds', String(INERTIA_SEEDS));
  if (rfmCheckFile !== null) scriptArgs.push('--check-rfm', rfmCheckFile);
  const child = spawnSync(args.python, scriptArgs, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (child.error !== undefined) return `${args.python}: ${child.error.message}`;
  if (child.status !== 0) return `${args.python} exited ${child.status}: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return JSON.parse(child.stdout) as SklearnOutput;
}

// ---------------------------------------------------------------------------------------------
// Comparing the clusters.

interface ClusterProfile {
  readonly size: number;
  readonly medianRecencyDays: number;
  readonly medianFrequency: number;
  readonly medianMonetary: number;
}

function clusterProfiles(labels: ArrayLike<number>, customers: readonly CustomerRfm[], k: number): ClusterProfile[] {
  const members: CustomerRfm[][] = Array.from({ length: k }, () => []);
  customers.forEach((c, i) => members[labels[i] ?? -1]?.push(c));
  return members.map((m) => ({
    size: m.length,
    medianRecencyDays: median(m.map((c) => c.recencyDays)),
    medianFrequency: median(m.map((c) => c.frequency)),
    medianMonetary: Math.round(median(m.map((c) => c.monetary)) * 100) / 100,
  }));
}

/** counts[a * k + b] = rows labelled a by Attune and b by scikit-learn. */
function contingency(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k * k).fill(0);
  for (let i = 0; i < a.length; i++) {
    const cell = (a[i] ?? 0) * k + (b[i] ?? 0);
    counts[cell] = (counts[cell] ?? 0) + 1;
  }
  return counts;
}

/**
 * The one-to-one relabelling of scikit-learn's clusters onto Attune's that agrees on the most rows
 * (exhaustive over permutations with pruning; k <= 8 here). match[a] = scikit-learn's cluster.
 */
function bestMatch(counts: readonly number[], k: number): { match: number[]; agreeing: number } {
  let best = { match: [] as number[], agreeing: -1 };
  const used = new Array<boolean>(k).fill(false);
  const match: number[] = [];
  const rowMax = Array.from({ length: k }, (_, a) => Math.max(...counts.slice(a * k, a * k + k)));
  const visit = (a: number, agreeing: number): void => {
    if (a === k) {
      if (agreeing > best.agreeing) best = { match: [...match], agreeing };
      return;
    }
    const optimistic = agreeing + rowMax.slice(a).reduce((s, v) => s + v, 0);
    if (optimistic <= best.agreeing) return;
    for (let b = 0; b < k; b++) {
      if (used[b] === true) continue;
      used[b] = true;
      match.push(b);
      visit(a + 1, agreeing + (counts[a * k + b] ?? 0));
      match.pop();
      used[b] = false;
    }
  };
  visit(0, 0);
  return best;
}

// ---------------------------------------------------------------------------------------------
// Report.

interface KReport {
  readonly k: number;
  readonly attune: AttuneK;
  readonly sklearn: Partial<Record<ThreadSetting, SklearnRun[]>>;
}

const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const ratio = (a: number, b: number | undefined): number => (b === undefined ? NaN : a / b);
const sk = (r: KReport, threads: ThreadSetting, algorithm: string): SklearnRun | undefined =>
  r.sklearn[threads]?.find((s) => s.algorithm === algorithm);

function printTimes(r: KReport): void {
  const a = r.attune;
  const ms = (t: { medianMs: number; minMs: number }): string => `${fmt(t.medianMs).padStart(7)} (${fmt(t.minMs).padStart(6)})`;
  console.log(`\nk = ${r.k}: fit time, ms: median (min) of ${REPEATS}, after 1 warm-up; ${RESTARTS} restarts each`);
  console.log(`  Attune trainKmeans (single thread)   ${ms(a.train)}   inertia ${fmt(a.train.inertia, 4)}`);
  for (const [name, t] of Object.entries(a.runners)) {
    const inertia = Number.isNaN(t.inertia) ? '' : `   inertia ${fmt(t.inertia, 4)}`;
    console.log(`    restarts with ${name.padEnd(22)}${ms(t)}${inertia}`);
  }
  for (const threads of ['1 thread', 'default threads'] as const) {
    for (const s of r.sklearn[threads] ?? []) {
      const label = `scikit-learn ${s.algorithm}, ${threads}`.padEnd(36);
      console.log(`  ${label} ${ms(s)}   inertia ${fmt(s.inertia, 4)}   Attune/sklearn time ${fmt(a.train.medianMs / s.medianMs, 2)}`);
    }
  }
}

function printInertiaSpread(r: KReport): void {
  if (INERTIA_SEEDS === 0) return;
  const line = (values: readonly number[]): string => {
    const s = spread(values);
    return `min ${fmt(s.min, 3)}  median ${fmt(s.median, 3)}  max ${fmt(s.max, 3)}`;
  };
  const ref = sk(r, 'default threads', 'lloyd') ?? sk(r, '1 thread', 'lloyd');
  console.log(`  inertia with ${INERTIA_SEEDS} other seeds (each best of ${RESTARTS} restarts):`);
  console.log(`    Attune        ${line(r.attune.inertiaOtherSeeds)}`);
  if (ref !== undefined) console.log(`    scikit-learn  ${line(ref.inertiaOtherSeeds)}`);
}

function printClusters(r: KReport, customers: readonly CustomerRfm[]): void {
  const ref = sk(r, 'default threads', 'lloyd') ?? sk(r, '1 thread', 'lloyd');
  const ours = clusterProfiles(r.attune.labels, customers, r.k);
  const order = ours.map((_, c) => c).sort((p, q) => (ours[q]?.medianMonetary ?? 0) - (ours[p]?.medianMonetary ?? 0));
  const matched = ref === undefined ? null : bestMatch(contingency(r.attune.labels, ref.labels, r.k), r.k);
  const theirs = ref === undefined ? [] : clusterProfiles(ref.labels, customers, r.k);
  const agree = matched === null ? 'n/a' : `${fmt((100 * matched.agreeing) / customers.length, 2)}%`;
  console.log(`  clusters (original units: median recency days / invoices / GBP); same-label rows after matching: ${agree}`);
  console.log('    Attune: size    R     F         M    | scikit-learn: size    R     F         M');
  for (const c of order) {
    const p = ours[c];
    const q = matched === null ? undefined : theirs[matched.match[c] ?? -1];
    const side = (x: ClusterProfile | undefined): string =>
      x === undefined ? ''.padEnd(36) : `${String(x.size).padStart(6)} ${fmt(x.medianRecencyDays, 0).padStart(5)} ${fmt(x.medianFrequency, 0).padStart(5)} ${fmt(x.medianMonetary, 2).padStart(10)}`;
    console.log(`          ${side(p)}    |               ${side(q)}`);
  }
}

function summaryRow(r: KReport): Record<string, unknown> {
  const a = r.attune.train;
  const lloyd1 = sk(r, '1 thread', 'lloyd');
  const lloydN = sk(r, 'default threads', 'lloyd');
  const fastest = (threads: ThreadSetting): number | undefined => {
    const times = (r.sklearn[threads] ?? []).map((s) => s.medianMs);
    return times.length === 0 ? undefined : Math.min(...times);
  };
  return {
    k: r.k,
    attuneInertia: a.inertia,
    sklearnInertia: lloydN?.inertia ?? lloyd1?.inertia ?? null,
    inertiaRatio: ratio(a.inertia, lloydN?.inertia ?? lloyd1?.inertia),
    attuneMs: a.medianMs,
    sklearnLloyd1ThreadMs: lloyd1?.medianMs ?? null,
    sklearnLloydDefaultThreadsMs: lloydN?.medianMs ?? null,
    timeRatioVs1Thread: ratio(a.medianMs, lloyd1?.medianMs),
    timeRatioVsDefaultThreads: ratio(a.medianMs, lloydN?.medianMs),
    timeRatioVsFastestSklearn1Thread: ratio(a.medianMs, fastest('1 thread')),
    timeRatioVsFastestSklearnDefault: ratio(a.medianMs, fastest('default threads')),
  };
}

function printSummary(reports: readonly KReport[]): void {
  console.log('\nsummary (target: inertia within 1% of scikit-learn, and no slower)');
  console.log('   k   Attune inertia  sklearn inertia   ratio   Attune ms  sklearn ms 1T  ratio  sklearn ms nT  ratio');
  for (const r of reports) {
    const s = summaryRow(r);
    const n = (key: string, d: number): string => fmt(Number(s[key] ?? NaN), d);
    console.log(
      `  ${String(r.k).padStart(2)}  ${n('attuneInertia', 3).padStart(14)}  ${n('sklearnInertia', 3).padStart(15)}  ${n('inertiaRatio', 5).padStart(7)}` +
        `  ${n('attuneMs', 1).padStart(10)}  ${n('sklearnLloyd1ThreadMs', 1).padStart(13)}  ${n('timeRatioVs1Thread', 2).padStart(5)}` +
        `  ${n('sklearnLloydDefaultThreadsMs', 1).padStart(13)}  ${n('timeRatioVsDefaultThreads', 2).padStart(5)}`,
    );
  }
}

function spread(values: readonly number[]): { min: number; median: number; max: number } {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

function jsonFor(r: KReport, customers: readonly CustomerRfm[]): Record<string, unknown> {
  const strip = (s: SklearnRun): Record<string, unknown> => ({
    algorithm: s.algorithm,
    inertia: s.inertia,
    iterations: s.iterations,
    medianMs: s.medianMs,
    minMs: s.minMs,
    timesMs: s.timesMs,
    inertiaOtherSeeds: spread(s.inertiaOtherSeeds),
    clusters: clusterProfiles(s.labels, customers, r.k),
  });
  const ref = sk(r, 'default threads', 'lloyd') ?? sk(r, '1 thread', 'lloyd');
  const matched = ref === undefined ? null : bestMatch(contingency(r.attune.labels, ref.labels, r.k), r.k);
  return {
    ...summaryRow(r),
    attune: {
      trainKmeans: r.attune.train,
      restartLoopByRunner: r.attune.runners,
      inertiaOtherSeeds: spread(r.attune.inertiaOtherSeeds),
      clusters: clusterProfiles(r.attune.labels, customers, r.k),
    },
    sklearn: Object.fromEntries(Object.entries(r.sklearn).map(([threads, runs]) => [threads, runs.map(strip)])),
    sameLabelShareAfterMatching: matched === null ? null : matched.agreeing / customers.length,
    sklearnClusterMatchedToAttuneCluster: matched?.match ?? null,
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const file = datasetFile();
  if (!existsSync(file)) {
    console.log(`kmeans-online-retail: dataset not found: ${file}\n  (pass --data DIR or set ATTUNE_DATASETS to the folder holding ${DATA_FILE}); nothing to measure.`);
    return;
  }
  const loadBefore = loadavg()[0] ?? NaN;
  console.log(`reading ${file}`);
  const data = await loadRfm(file);
  const raw = rawMatrix(data.customers);
  const x = scaledMatrix(raw);
  console.log(`${data.fileRows} rows, ${data.usedRows} used, ${data.customersBeforeFilter} customers, ${x.rows} with monetary > 0; snapshot ${data.snapshotIso}`);

  const tmp = mkdtempSync(join(tmpdir(), 'attune-kmeans-bench-'));
  const matrixFile = join(tmp, 'rfm-scaled.f64');
  writeFileSync(matrixFile, new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
  const sklearn: Partial<Record<ThreadSetting, SklearnOutput>> = {};
  let sklearnError: string | null = null;
  try {
    for (const threads of ['1 thread', 'default threads'] as const) {
      console.log(`scikit-learn, ${threads}...`);
      const out = runSklearn(matrixFile, x.rows, threads, threads === '1 thread' && !args['no-rfm-check'] ? file : null);
      if (typeof out === 'string') {
        sklearnError = `${out} (install: apt-get install -y python3-sklearn python3-pandas)`;
        console.log(`scikit-learn side failed: ${sklearnError}`);
        break;
      }
      sklearn[threads] = out;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const reports: KReport[] = KS.map((k) => {
    console.log(`Attune, k = ${k}...`);
    const bySetting = Object.entries(sklearn).map(([threads, out]) => [threads, out.runs.filter((run) => run.k === k)]);
    return { k, attune: benchAttune(x, k), sklearn: Object.fromEntries(bySetting) as KReport['sklearn'] };
  });

  const any = sklearn['1 thread'] ?? sklearn['default threads'];
  console.log(`\nnode ${process.version}; scikit-learn ${any?.versions.sklearn ?? 'n/a'}, numpy ${any?.versions.numpy ?? 'n/a'}; ${cpus().length} cores, load average ${fmt(loadBefore, 2)} before, ${fmt(loadavg()[0] ?? NaN, 2)} after`);
  console.log(`scikit-learn thread pools: 1 thread ${JSON.stringify(sklearn['1 thread']?.threads ?? {})}, default ${JSON.stringify(sklearn['default threads']?.threads ?? {})}`);
  if (Math.max(loadBefore, loadavg()[0] ?? 0) > cpus().length / 2) {
    console.log('warning: other processes kept these cores busy during the run; the times are inflated, multi-threaded ones most');
  }
  const check = sklearn['1 thread']?.rfmCheck;
  if (check !== undefined) console.log(`RFM check against pandas: ${check.pandasRows} customers, max |difference| in the scaled matrix ${check.maxAbsDiff ?? 'shape differs'}`);
  for (const r of reports) {
    printTimes(r);
    printInertiaSpread(r);
    printClusters(r, data.customers);
  }
  printSummary(reports);

  const result = {
    bench: 'kmeans-online-retail',
    date: new Date().toISOString(),
    dataset: { file: DATA_FILE, rows: data.fileRows, usedRows: data.usedRows, customers: x.rows, customersBeforeFilter: data.customersBeforeFilter, snapshot: data.snapshotIso },
    protocol: 'RFM: CustomerID present, InvoiceNo not starting with C; recency = floor days to max(InvoiceDate)+1d; frequency = distinct invoices; monetary = sum Quantity*UnitPrice > 0; log1p, z-score (ddof 0)',
    params: { ks: KS, restarts: RESTARTS, maxIter: MAX_ITER, tol: TOL, repeats: REPEATS, warmUp: 1, seed: SEED, inertiaSeeds: INERTIA_SEEDS },
    versions: { node: process.version, ...(any?.versions ?? {}) },
    // Timings are only as quiet as the machine: other processes share these cores.
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadAverage1mBefore: loadBefore, loadAverage1mAfter: loadavg()[0] ?? NaN },
    sklearnThreads: Object.fromEntries(Object.entries(sklearn).map(([t, out]) => [t, out.threads])),
    sklearnError,
    rfmCheckAgainstPandas: check ?? null,
    results: reports.map((r) => jsonFor(r, data.customers)),
  };
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${RESULTS}`);
}

await main();

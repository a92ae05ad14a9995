/**
 * Gradient-boosted trees on real tabular data, Attune against scikit-learn's
 * HistGradientBoostingClassifier in the same run (issue 4's quality and speed targets):
 *
 *   Telco customer churn (target Churn = Yes; customerID dropped; blank TotalCharges = missing)
 *   Online Shoppers purchase intention (target Revenue = TRUE)
 *
 * Every text column becomes ordinal codes (its distinct values sorted, blank = missing), numeric
 * columns stay as they are (blank = missing). ONE stratified 60/20/20 train/validation/test split
 * with a fixed seed; the matrices are written to temp files that the Python side reads, so both fit
 * exactly the same numbers. Settings on both sides: learning rate 0.1, 31 leaves, 255 bins, 20 rows
 * per leaf, l2 0, no depth limit, early stopping on the validation log loss with the same patience
 * (scripts/gbdt-sklearn.py explains how it is applied to scikit-learn). Only the fit is timed
 * (median of N repeats after one warm-up fit; Attune's includes binning and validation scoring).
 * scikit-learn runs with OMP_NUM_THREADS=1 and with its default thread count; Attune is
 * single-threaded. Reports; never gates. Results go to bench/results/gbdt.json.
 *
 *   npm run bench:gbdt
 *   npm run bench:gbdt -- --data /path/to/datasets --repeats 5 --seed 42 --patience 10
 *
 * Dataset directory: --data, else $ATTUNE_DATASETS (or $ATTUNE_DATASETS_DIR), else
 * ../shared/datasets next to the repository. A missing dataset is reported and skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCsvRecordParser } from '../src/core/import/csv-parser.js';
import { gainImportance } from '../src/core/models/gbdt/importance.js';
import { predictGbdt } from '../src/core/models/gbdt/predict-gbdt.js';
import type { GbdtFit, GbdtOptions } from '../src/core/models/gbdt/train-gbdt.js';
import { trainGbdt } from '../src/core/models/gbdt/train-gbdt.js';
import type { Matrix } from '../src/core/models/matrix.js';
import { createMatrix, selectRows } from '../src/core/models/matrix.js';
import { brierScore, logLoss } from '../src/core/models/metrics/probability.js';
import { averagePrecision, rocAuc } from '../src/core/models/metrics/ranking.js';
import { createRng } from '../src/core/shared/rng.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(REPO_ROOT, 'bench', 'results', 'gbdt.json');
const SKLEARN_SCRIPT = join(REPO_ROOT, 'scripts', 'gbdt-sklearn.py');

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    repeats: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
    patience: { type: 'string', default: '10' },
    'max-iter': { type: 'string', default: '1000' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'no-sklearn': { type: 'boolean', default: false },
    'spread-seeds': { type: 'string', default: '1,2,3,4,5' },
  },
});
const REPEATS = Number(args.repeats);
const SEED = Number(args.seed);
const PATIENCE = Number(args.patience);
const MAX_ITER = Number(args['max-iter']);
const SPREAD_SEEDS = args['spread-seeds'].split(',').filter((v) => v !== '').map(Number);

interface DatasetSpec {
  readonly name: string;
  readonly file: string;
  readonly target: string;
  readonly positive: string;
  readonly drop: readonly string[];
}

const DATASETS: readonly DatasetSpec[] = [
  { name: 'telco-churn', file: join('telco-customer-churn', 'WA_Fn-UseC_-Telco-Customer-Churn.csv'), target: 'Churn', positive: 'Yes', drop: ['customerID'] },
  { name: 'online-shoppers', file: join('online-shoppers-intention', 'online_shoppers_intention.csv'), target: 'Revenue', positive: 'TRUE', drop: [] },
];

const OPTIONS: GbdtOptions = {
  loss: 'logistic',
  learningRate: 0.1,
  maxIterations: MAX_ITER,
  maxLeaves: 31,
  maxDepth: null,
  minSamplesLeaf: 20,
  l2: 0,
  maxBins: 255,
  earlyStopping: { patience: PATIENCE },
};

// ---------------------------------------------------------------------------------------------
// Data

interface Table {
  readonly columns: readonly string[];
  readonly x: Matrix;
  readonly y: Float64Array;
  /** Per text column, its codes (index = code). */
  readonly categories: Record<string, readonly string[]>;
}

function readCsv(file: string): { header: string[]; records: string[][] } {
  const parser = createCsvRecordParser();
  const records: string[][] = [];
  let header: string[] | null = null;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (line === '' && header !== null) continue;
    const record = parser.pushLine(line);
    if (record === null) continue;
    if (!record.ok) throw new Error(`${file}:${record.error.firstLine}: ${record.error.message}`);
    if (header === null) header = record.value.fields;
    else records.push(record.value.fields);
  }
  if (header === null) throw new Error(`${file}: empty`);
  return { header, records };
}

function loadTable(file: string, spec: DatasetSpec): Table {
  const { header, records } = readCsv(file);
  const targetAt = header.indexOf(spec.target);
  if (targetAt === -1) throw new Error(`${file}: no column ${spec.target}`);
  const keep = header.map((_, c) => c).filter((c) => c !== targetAt && !spec.drop.includes(header[c] ?? ''));
  const n = records.length;
  const x = createMatrix(n, keep.length);
  const categories: Record<string, readonly string[]> = {};
  keep.forEach((c, j) => {
    const raw = records.map((r) => (r[c] ?? '').trim());
    const numeric = raw.every((v) => v === '' || Number.isFinite(Number(v)));
    let codes: (v: string) => number;
    if (numeric) {
      codes = (v) => (v === '' ? NaN : Number(v));
    } else {
      const values = [...new Set(raw.filter((v) => v !== ''))].sort();
      categories[header[c] ?? ''] = values;
      const index = new Map(values.map((v, k) => [v, k]));
      codes = (v) => (v === '' ? NaN : (index.get(v) ?? NaN));
    }
    raw.forEach((v, i) => {
      x.data[i * keep.length + j] = codes(v);
    });
  });
  const y = Float64Array.from(records, (r) => ((r[targetAt] ?? '').trim() === spec.positive ? 1 : 0));
  return { columns: keep.map((c) => header[c] ?? ''), x, y, categories };
}

interface Split {
  readonly train: Int32Array;
  readonly val: Int32Array;
  readonly test: Int32Array;
}

/** Stratified 60/20/20: each class shuffled with the seeded rng and cut in the same proportions. */
function stratifiedSplit(y: Float64Array, seed: number): Split {
  const rng = createRng(seed);
  const parts: [number[], number[], number[]] = [[], [], []];
  for (const label of [0, 1]) {
    const rows: number[] = [];
    y.forEach((v, i) => {
      if (v === label) rows.push(i);
    });
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = rows[i] ?? 0;
      rows[i] = rows[j] ?? 0;
      rows[j] = t;
    }
    const a = Math.round(rows.length * 0.6);
    const b = Math.round(rows.length * 0.8);
    parts[0].push(...rows.slice(0, a));
    parts[1].push(...rows.slice(a, b));
    parts[2].push(...rows.slice(b));
  }
  const sorted = (rows: number[]): Int32Array => Int32Array.from(rows).sort();
  return { train: sorted(parts[0]), val: sorted(parts[1]), test: sorted(parts[2]) };
}

function subset(table: Table, rows: Int32Array): { x: Matrix; y: Float64Array } {
  return { x: selectRows(table.x, rows), y: Float64Array.from(rows, (i) => table.y[i] ?? 0) };
}

function writeF64(file: string, data: Float64Array): void {
  writeFileSync(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

// ---------------------------------------------------------------------------------------------
// The two sides

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

interface Scores {
  readonly auc: number;
  readonly prAuc: number;
  readonly logLoss: number;
  readonly brier: number;
}

function scores(y: Float64Array, p: ArrayLike<number>): Scores {
  return { auc: rocAuc(y, p), prAuc: averagePrecision(y, p), logLoss: logLoss(y, p), brier: brierScore(y, p) };
}

interface SideResult {
  readonly bestIteration: number;
  readonly iterationsRun: number;
  readonly test: Scores;
  readonly timesMs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
}

interface SklearnOutput {
  readonly versions: Record<string, string>;
  readonly threads: Record<string, number>;
  readonly bestIteration: number;
  readonly iterationsRun: number;
  readonly validationLoss: number[];
  readonly testProbabilities: number[];
  readonly testAucAtAttuneBest: number | null;
  readonly timesMs: number[];
  readonly medianMs: number | null;
  readonly minMs: number | null;
  readonly timedModelMatchesSelection: boolean;
}

type ThreadSetting = '1 thread' | 'default threads';

function runSklearn(folder: string, cols: number, attuneBest: number, threads: ThreadSetting, repeats = REPEATS): SklearnOutput | string {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS']) {
    if (threads === '1 thread') env[name] = '1';
    else delete env[name];
  }
  const scriptArgs = [SKLEARN_SCRIPT, '--dir', folder, '--cols', String(cols), '--repeats', String(repeats)];
  scriptArgs.push('--patience', String(PATIENCE), '--max-iter', String(MAX_ITER), '--attune-best', String(attuneBest));
  const child = spawnSync(args.python, scriptArgs, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (child.error !== undefined) return `${args.python}: ${child.error.message}`;
  if (child.status !== 0) return `${args.python} exited ${child.status}: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return JSON.parse(child.stdout) as SklearnOutput;
}

interface DatasetReport {
  readonly name: string;
  readonly rows: { readonly train: number; readonly val: number; readonly test: number };
  readonly features: number;
  readonly positiveRate: number;
  readonly categorical: Record<string, readonly string[]>;
  readonly attune: SideResult & { readonly importanceTop: readonly { readonly feature: string; readonly share: number }[] };
  readonly sklearn: Partial<Record<ThreadSetting, SideResult & { readonly testAucAtAttuneBest: number | null; readonly versions: Record<string, string> }>>;
  readonly sklearnError?: string;
  readonly aucDifference: number | null;
  readonly timeRatio: Partial<Record<ThreadSetting, number>>;
  /** The same settings on other stratified splits (other seeds): how much the split alone moves the AUC. */
  readonly splitSpread: readonly { readonly seed: number; readonly attuneAuc: number; readonly sklearnAuc: number | null }[];
  readonly targets: { readonly auc: number; readonly aucMet: boolean; readonly withinSklearn: boolean | null; readonly speedMet: boolean | null };
}

const AUC_TARGETS: Record<string, number> = { 'telco-churn': 0.85, 'online-shoppers': 0.93 };

type Part = { x: Matrix; y: Float64Array };

/** Writes the three parts for the Python side; returns the folder (the caller removes it). */
function writeSplit(train: Part, val: Part, test: Part): string {
  const folder = mkdtempSync(join(tmpdir(), 'attune-gbdt-'));
  for (const [part, data] of [['train', train], ['val', val], ['test', test]] as const) {
    writeF64(join(folder, `${part}.x.f64`), data.x.data);
    writeF64(join(folder, `${part}.y.f64`), data.y);
  }
  return folder;
}

function splitSpread(table: Table): DatasetReport['splitSpread'] {
  return SPREAD_SEEDS.map((seed) => {
    const split = stratifiedSplit(table.y, seed);
    const [train, val, test] = [subset(table, split.train), subset(table, split.val), subset(table, split.test)];
    const fit = trainGbdt(train, OPTIONS, createRng(seed), val);
    const attuneAuc = rocAuc(test.y, predictGbdt(fit.state, test.x));
    let sklearnAuc: number | null = null;
    if (!args['no-sklearn']) {
      const folder = writeSplit(train, val, test);
      try {
        const out = runSklearn(folder, table.x.cols, fit.bestIteration, 'default threads', 0);
        if (typeof out !== 'string') sklearnAuc = rocAuc(test.y, out.testProbabilities);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }
    return { seed, attuneAuc, sklearnAuc };
  });
}

function benchDataset(spec: DatasetSpec, file: string): DatasetReport {
  const table = loadTable(file, spec);
  const split = stratifiedSplit(table.y, SEED);
  const train = subset(table, split.train);
  const val = subset(table, split.val);
  const test = subset(table, split.test);

  const fitOnce = (): GbdtFit => trainGbdt(train, { ...OPTIONS, featureNames: table.columns }, createRng(SEED), val);
  let fit = fitOnce(); // warm-up (JIT)
  const timesMs: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    fit = fitOnce();
    timesMs.push(performance.now() - start);
  }
  const p = predictGbdt(fit.state, test.x);
  const importance = gainImportance(fit.state);
  const attune = {
    bestIteration: fit.bestIteration,
    iterationsRun: fit.iterationsRun,
    test: scores(test.y, p),
    timesMs,
    medianMs: median(timesMs),
    minMs: Math.min(...timesMs),
    importanceTop: importance.ranking.slice(0, 5).map((f) => ({ feature: table.columns[f] ?? String(f), share: importance.normalized[f] ?? 0 })),
  };

  const sklearn: DatasetReport['sklearn'] = {};
  let sklearnError: string | undefined;
  if (!args['no-sklearn']) {
    const folder = writeSplit(train, val, test);
    try {
      for (const threads of ['1 thread', 'default threads'] as const) {
        const out = runSklearn(folder, table.x.cols, fit.bestIteration, threads);
        if (typeof out === 'string') {
          sklearnError = out;
          break;
        }
        if (!out.timedModelMatchesSelection) console.warn(`  note: scikit-learn's timed model differs from its selection run (${spec.name}, ${threads})`);
        sklearn[threads] = {
          bestIteration: out.bestIteration,
          iterationsRun: out.iterationsRun,
          test: scores(test.y, out.testProbabilities),
          timesMs: out.timesMs,
          medianMs: out.medianMs ?? NaN,
          minMs: out.minMs ?? NaN,
          testAucAtAttuneBest: out.testAucAtAttuneBest,
          versions: { ...out.versions, threads: JSON.stringify(out.threads) },
        };
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  const ref = sklearn['default threads'] ?? sklearn['1 thread'];
  const aucDifference = ref === undefined ? null : attune.test.auc - ref.test.auc;
  const timeRatio: DatasetReport['timeRatio'] = {};
  for (const threads of ['1 thread', 'default threads'] as const) {
    const s = sklearn[threads];
    if (s !== undefined) timeRatio[threads] = attune.medianMs / s.medianMs;
  }
  const target = AUC_TARGETS[spec.name] ?? 0;
  const slowest = Math.max(...Object.values(timeRatio));
  return {
    name: spec.name,
    rows: { train: split.train.length, val: split.val.length, test: split.test.length },
    features: table.x.cols,
    positiveRate: table.y.reduce((a, b) => a + b, 0) / table.y.length,
    categorical: table.categories,
    attune,
    sklearn,
    ...(sklearnError === undefined ? {} : { sklearnError }),
    aucDifference,
    timeRatio,
    splitSpread: splitSpread(table),
    targets: {
      auc: target,
      aucMet: attune.test.auc >= target,
      withinSklearn: aucDifference === null ? null : aucDifference >= -0.005,
      speedMet: Number.isFinite(slowest) ? slowest <= 2 : null,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

function printReport(r: DatasetReport): void {
  console.log(`\n${r.name}: ${r.rows.train}/${r.rows.val}/${r.rows.test} rows (train/val/test), ${r.features} features, positive rate ${fmt(r.positiveRate, 3)}`);
  console.log('  model                               test AUC  PR-AUC  log loss  Brier   trees (best/grown)  fit ms median (min)');
  const line = (label: string, s: SideResult): void => {
    const trees = `${s.bestIteration}/${s.iterationsRun}`.padStart(9);
    console.log(
      `  ${label.padEnd(34)}  ${fmt(s.test.auc)}   ${fmt(s.test.prAuc)}  ${fmt(s.test.logLoss)}    ${fmt(s.test.brier)}  ${trees}          ${fmt(s.medianMs, 1).padStart(7)} (${fmt(s.minMs, 1)})`,
    );
  };
  line('Attune GBDT (1 thread)', r.attune);
  for (const threads of ['1 thread', 'default threads'] as const) {
    const s = r.sklearn[threads];
    if (s !== undefined) line(`scikit-learn HGB (${threads})`, s);
  }
  if (r.sklearnError !== undefined) console.log(`  scikit-learn: ${r.sklearnError}`);
  const atBest = r.sklearn['default threads']?.testAucAtAttuneBest;
  console.log(`  AUC difference (Attune - sklearn): ${fmt(r.aucDifference)}; sklearn AUC with Attune's ${r.attune.bestIteration} trees: ${fmt(atBest)}`);
  console.log(`  time ratio Attune/sklearn: ${Object.entries(r.timeRatio).map(([k, v]) => `${fmt(v, 2)} vs ${k}`).join(', ')}`);
  const spread = (values: readonly number[]): string =>
    values.length === 0 ? 'n/a' : `mean ${fmt(values.reduce((a, b) => a + b, 0) / values.length)} (min ${fmt(Math.min(...values))}, max ${fmt(Math.max(...values))})`;
  if (r.splitSpread.length > 0) {
    const ours = r.splitSpread.map((s) => s.attuneAuc);
    const theirs = r.splitSpread.flatMap((s) => (s.sklearnAuc === null ? [] : [s.sklearnAuc]));
    console.log(`  test AUC on ${r.splitSpread.length} other split seeds: Attune ${spread(ours)}; scikit-learn ${spread(theirs)}`);
  }
  console.log(`  top features by gain: ${r.attune.importanceTop.map((f) => `${f.feature} ${fmt(f.share, 3)}`).join(', ')}`);
  const t = r.targets;
  console.log(`  targets: AUC >= ${t.auc} ${t.aucMet ? 'met' : 'MISSED'}; within 0.005 of sklearn ${t.withinSklearn === null ? 'n/a' : t.withinSklearn ? 'met' : 'MISSED'}; <= 2x slower ${t.speedMet === null ? 'n/a' : t.speedMet ? 'met' : 'MISSED'}`);
}

function main(): void {
  const dir = args.data ?? process.env['ATTUNE_DATASETS'] ?? process.env['ATTUNE_DATASETS_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'datasets');
  console.log(`GBDT vs scikit-learn: seed ${SEED}, patience ${PATIENCE}, ${REPEATS} timed fits after 1 warm-up; ${cpus().length} CPUs, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const reports: DatasetReport[] = [];
  const skipped: string[] = [];
  for (const spec of DATASETS) {
    const file = join(dir, spec.file);
    if (!existsSync(file)) {
      console.log(`\n${spec.name}: ${file} not found, skipped`);
      skipped.push(spec.name);
      continue;
    }
    const report = benchDataset(spec, file);
    printReport(report);
    reports.push(report);
  }
  if (reports.length === 0) {
    console.log('\nno dataset found: nothing recorded');
    return;
  }
  mkdirSync(dirname(RESULTS), { recursive: true });
  const settings = { ...OPTIONS, seed: SEED, split: 'stratified 60/20/20', encoding: 'text columns as sorted ordinal codes, blank = missing', repeats: REPEATS };
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ recordedAt: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', settings, skipped, datasets: reports }, null, 2)}\n`,
  );
  console.log(`\nwrote ${RESULTS}`);
}

main();

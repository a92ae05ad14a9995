/**
 * MovieLens-100k recommendation benchmark (issue 5): most-popular and EASE on the Microsoft
 * Recommenders splits (shared/datasets/movielens-100k/splits, see its README.md), evaluated with the
 * protocol of that library (top 10, training items removed, binary relevance), next to the reference
 * values on the same files. λ for EASE is chosen on a seeded hold-out of the TRAINING rows only.
 * Reports; never gates. Results go to bench/results/recs-movielens.json.
 *
 * Dataset directory: --data DIR, else $ATTUNE_DATASETS_DIR, else ../shared/datasets.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitEase, recommendEase, selectEaseLambda } from '../src/core/recs/ease.js';
import type { RankingReport } from '../src/core/recs/metrics.js';
import { fitPopularity, recommendPopular } from '../src/core/recs/popularity.js';
import { evaluateOnSplit, parseRatingsTsv, prepareSplit } from '../src/core/recs/protocol.js';
import { createRng } from '../src/core/shared/rng.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = join(REPO_ROOT, 'bench', 'results', 'recs-movielens.json');
const argIndex = process.argv.indexOf('--data');
const DATASETS = resolve(
  (argIndex >= 0 ? process.argv[argIndex + 1] : undefined) ?? process.env['ATTUNE_DATASETS_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'datasets'),
);
const DIR = join(DATASETS, 'movielens-100k', 'splits');
const K = 10;
const LAMBDAS = [100, 200, 300, 400, 500, 700, 1000];
const SEED = 42;

interface Reference {
  readonly map: number;
  readonly ndcg: number;
  readonly precision: number;
  readonly recall: number;
}
/** From the splits README (numpy, same files). */
const REFERENCE: Record<string, Record<string, Reference>> = {
  'item-stratified': {
    popularity: { map: 0.055959, ndcg: 0.252353, precision: 0.228738, recall: 0.113188 },
    'item-knn (ref only)': { map: 0.122758, ndcg: 0.431957, precision: 0.381336, recall: 0.203006 },
    'ease λ=500': { map: 0.149107, ndcg: 0.482853, precision: 0.41983, recall: 0.227662 },
  },
  'user-stratified': {
    popularity: { map: 0.055473, ndcg: 0.249785, precision: 0.22386, recall: 0.110077 },
    'ease λ=500': { map: 0.147627, ndcg: 0.47986, precision: 0.420148, recall: 0.222996 },
  },
};

const SPLITS = ['item-stratified', 'user-stratified'] as const;
const files = SPLITS.flatMap((s) => [join(DIR, `${s}-train.tsv`), join(DIR, `${s}-test.tsv`)]);
if (!files.every((f) => existsSync(f))) {
  process.stdout.write(`recs-movielens: skipped, split files not found under ${DIR} (use --data DIR or ATTUNE_DATASETS_DIR)\n`);
  process.exit(0);
}

const f = (v: number): string => v.toFixed(6);
const rows: Record<string, unknown>[] = [];
const line = (split: string, model: string, r: Reference, extra = ''): void => {
  process.stdout.write(`| ${split} | ${model} | ${f(r.map)} | ${f(r.ndcg)} | ${f(r.precision)} | ${f(r.recall)} | ${extra} |\n`);
};
process.stdout.write(`| split | model | MAP | NDCG@10 | P@10 | R@10 | notes |\n|---|---|---|---|---|---|---|\n`);

for (const split of SPLITS) {
  const data = prepareSplit(
    parseRatingsTsv(readFileSync(join(DIR, `${split}-train.tsv`), 'utf8')),
    parseRatingsTsv(readFileSync(join(DIR, `${split}-test.tsv`), 'utf8')),
  );
  const refs = REFERENCE[split] ?? {};
  const record = (model: string, report: RankingReport, extra: Record<string, unknown>): void => {
    const note = Object.entries(extra)
      .map(([key, v]) => `${key}=${typeof v === 'number' ? Number(v.toFixed(3)) : String(v)}`)
      .join(' ');
    line(split, `ours: ${model}`, report, `users=${report.users} coverage=${report.coverage.toFixed(3)} ${note}`);
    rows.push({ split, model, ...report, ...extra });
  };

  let t0 = performance.now();
  const pop = fitPopularity(data.train);
  const popFit = (performance.now() - t0) / 1000;
  const popReport = evaluateOnSplit(data, (u, k) => recommendPopular(pop, data.train, u, k), K);
  record('popularity', popReport, { trainSeconds: popFit });
  const popRef = refs['popularity'];
  if (popRef !== undefined) {
    line(split, 'reference: popularity', popRef);
    const worst = Math.max(
      Math.abs(popRef.map - popReport.map),
      Math.abs(popRef.ndcg - popReport.ndcg),
      Math.abs(popRef.precision - popReport.precision),
      Math.abs(popRef.recall - popReport.recall),
    );
    process.stdout.write(`|   | popularity max |diff| ${worst.toExponential(2)} ${worst < 5e-5 ? '(matches to 4 decimals)' : '(MISMATCH)'} | | | | | |\n`);
  }

  t0 = performance.now();
  const selection = selectEaseLambda(data.train, LAMBDAS, createRng(SEED), { holdoutFraction: 0.25, k: K });
  const selectSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const ease = fitEase(data.train, selection.lambda);
  const easeFit = (performance.now() - t0) / 1000;
  const scratch = new Float64Array(data.itemIds.length);
  t0 = performance.now();
  const easeReport = evaluateOnSplit(data, (u, k) => recommendEase(ease, data.train, u, k, scratch), K);
  const easeScore = (performance.now() - t0) / 1000;
  record(`ease λ=${selection.lambda}`, easeReport, { lambda: selection.lambda, trainSeconds: easeFit, selectSeconds, scoreSeconds: easeScore });
  process.stdout.write(
    `|   | λ validation NDCG@10 (training hold-out) | ${selection.scores.map((s) => `${s.lambda}:${s.ndcg.toFixed(4)}`).join(' ')} | | | | |\n`,
  );
  const ease500 = fitEase(data.train, 500);
  const ease500Report = evaluateOnSplit(data, (u, k) => recommendEase(ease500, data.train, u, k, scratch), K);
  record('ease λ=500 (reference λ)', ease500Report, { lambda: 500 });
  for (const [model, ref] of Object.entries(refs)) if (model !== 'popularity') line(split, `reference: ${model}`, ref);
}

mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(
  RESULTS,
  `${JSON.stringify({ bench: 'recs-movielens', k: K, seed: SEED, lambdas: LAMBDAS, node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? '', rows, reference: REFERENCE }, null, 2)}\n`,
);
process.stdout.write(`results: ${RESULTS}\n`);

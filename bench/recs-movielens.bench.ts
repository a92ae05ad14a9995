/**
 * MovieLens-100k recommendation benchmark (issue 5): most-popular and EASE on the Microsoft
 * Recommenders splits (shared/datasets/movielens-100k/splits, see its README.md), evaluated with the
 * protocol of that library (top 10, training items removed, binary relevance), next to the reference
 * values on the same files. λ for EASE is chosen on a seeded hold-out of the TRAINING rows only; item-cosine
 * (neighbours N) and implicit ALS (f, α, λ) are tuned on that identical hold-out, never on the test file.
 * Reports; never gates. Results go to bench/results/recs-movielens.json.
 *
 * Dataset directory: --data DIR, else $ATTUNE_DATASETS_DIR, else ../shared/datasets.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitEase, recommendEase, selectEaseLambda } from '../src/core/recs/ease.js';
import { fitAls, recommendAls } from '../src/core/recs/implicit-als.js';
import { fitItemSimilarity, recommendItemSimilarity } from '../src/core/recs/item-similarity.js';
import { trainingHoldout, validationNdcg } from '../src/core/recs/training-holdout.js';
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
const HOLDOUT = 0.25;
/** Item-cosine neighbours per item, chosen on the training hold-out. */
const NEIGHBOURS = [10, 20, 50, 100, 200, 400];
/** ALS grid (f, α, λ), chosen on the training hold-out; fixed sweeps and CG steps. */
const ALS_FACTORS = [16, 32, 64];
const ALS_ALPHAS = [5, 10];
const ALS_LAMBDAS = [25, 50, 100];
const ALS_SWEEPS = 15;
const ALS_CG_STEPS = 3;

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
  const selection = selectEaseLambda(data.train, LAMBDAS, createRng(SEED), { holdoutFraction: HOLDOUT, k: K });
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

  // Item-cosine and implicit ALS: hyper-parameters on the same training hold-out as EASE's λ.
  // The hold-out selectEaseLambda draws (same seed): every model is tuned on the same validation part.
  const { fit, held } = trainingHoldout(data.train, HOLDOUT, createRng(SEED));
  t0 = performance.now();
  const nbrScores: { neighbours: number; ndcg: number }[] = [];
  for (const neighbours of NEIGHBOURS) {
    const m = fitItemSimilarity(fit, { kind: 'cosine', neighbours });
    nbrScores.push({ neighbours, ndcg: validationNdcg(held, K, (u, k) => recommendItemSimilarity(m, fit, u, k, scratch)) });
  }
  let bestNbr = nbrScores[0] ?? { neighbours: 50, ndcg: 0 };
  for (const c of nbrScores) if (c.ndcg > bestNbr.ndcg) bestNbr = c;
  const knnSelect = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const knn = fitItemSimilarity(data.train, { kind: 'cosine', neighbours: bestNbr.neighbours });
  const knnFit = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const knnReport = evaluateOnSplit(data, (u, k) => recommendItemSimilarity(knn, data.train, u, k, scratch), K);
  const knnScore = (performance.now() - t0) / 1000;
  record(`item-cosine N=${bestNbr.neighbours}`, knnReport, {
    neighbours: bestNbr.neighbours,
    trainSeconds: knnFit,
    selectSeconds: knnSelect,
    scoreSeconds: knnScore,
  });
  process.stdout.write(`|   | N validation NDCG@10 (training hold-out) | ${nbrScores.map((c) => `${c.neighbours}:${c.ndcg.toFixed(4)}`).join(' ')} | | | | |\n`);

  t0 = performance.now();
  const alsScoresByConfig: { factors: number; alpha: number; lambda: number; ndcg: number }[] = [];
  for (const factors of ALS_FACTORS)
    for (const alpha of ALS_ALPHAS)
      for (const lambda of ALS_LAMBDAS) {
        const m = fitAls(fit, createRng(SEED), { factors, alpha, lambda, sweeps: ALS_SWEEPS, cgSteps: ALS_CG_STEPS });
        alsScoresByConfig.push({ factors, alpha, lambda, ndcg: validationNdcg(held, K, (u, k) => recommendAls(m, fit, u, k, scratch)) });
      }
  let bestAls = alsScoresByConfig[0] ?? { factors: 32, alpha: 5, lambda: 5, ndcg: 0 };
  for (const c of alsScoresByConfig) if (c.ndcg > bestAls.ndcg) bestAls = c;
  const alsSelect = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const als = fitAls(data.train, createRng(SEED), {
    factors: bestAls.factors,
    alpha: bestAls.alpha,
    lambda: bestAls.lambda,
    sweeps: ALS_SWEEPS,
    cgSteps: ALS_CG_STEPS,
  });
  const alsFit = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const alsReport = evaluateOnSplit(data, (u, k) => recommendAls(als, data.train, u, k, scratch), K);
  const alsScore = (performance.now() - t0) / 1000;
  record(`als f=${bestAls.factors} α=${bestAls.alpha} λ=${bestAls.lambda}`, alsReport, {
    factors: bestAls.factors,
    alpha: bestAls.alpha,
    lambda: bestAls.lambda,
    sweeps: ALS_SWEEPS,
    cgSteps: ALS_CG_STEPS,
    trainSeconds: alsFit,
    selectSeconds: alsSelect,
    scoreSeconds: alsScore,
  });
  process.stdout.write(
    `|   | ALS validation NDCG@10 (f/α/λ) | ${alsScoresByConfig.map((c) => `${c.factors}/${c.alpha}/${c.lambda}:${c.ndcg.toFixed(4)}`).join(' ')} | | | | |\n`,
  );
  for (const [model, ref] of Object.entries(refs)) if (model !== 'popularity') line(split, `reference: ${model}`, ref);
}

mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(
  RESULTS,
  `${JSON.stringify({ bench: 'recs-movielens', k: K, seed: SEED, lambdas: LAMBDAS, neighbours: NEIGHBOURS, als: { factors: ALS_FACTORS, alphas: ALS_ALPHAS, lambdas: ALS_LAMBDAS, sweeps: ALS_SWEEPS, cgSteps: ALS_CG_STEPS }, node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? '', rows, reference: REFERENCE }, null, 2)}\n`,
);
process.stdout.write(`results: ${RESULTS}\n`);

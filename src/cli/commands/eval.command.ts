import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateClv } from '../../core/models/clv/evaluate-clv.js';
import { summarizeTransactions } from '../../core/models/clv/summarize-transactions.js';
import { evaluatePropensity } from '../../core/models/propensity/evaluate-propensity.js';
import { formatClvReport } from '../eval/format-clv-report.js';
import type { RecsAlgorithmResult } from '../eval/format-recs-report.js';
import { formatRecsReport } from '../eval/format-recs-report.js';
import { formatNextPurchaseReport } from '../eval/format-next-purchase-report.js';
import { defaultCutoffMs, toDay } from '../eval/next-purchase-cutoff.js';
import { readOnlineRetailPurchases } from '../eval/read-online-retail.js';
import { evaluateNextPurchase } from '../../core/recs/engine/evaluate-next-purchase.js';
import { trainServedRanker } from '../../core/recs/engine/served-ranker.js';
import type { RawRating } from '../eval/read-ratings.js';
import { encodeRatingIds, readCsvRatings, readMovielensRatings } from '../eval/read-ratings.js';
import { fitEase, recommendEase, selectEaseLambda } from '../../core/recs/ease.js';
import { fitPopularity, recommendPopular } from '../../core/recs/popularity.js';
import { evaluateOnSplit, prepareSplit } from '../../core/recs/protocol.js';
import type { SplitStrategy } from '../../core/recs/split-ratings.js';
import { SPLIT_STRATEGIES, splitRatings } from '../../core/recs/split-ratings.js';
import { parseTransactionDate, readCdnowTransactions, readCsvTransactions } from '../eval/read-transactions.js';
import { encodeTable, fitTableEncoder } from '../../core/models/tabular/encode-table.js';
import { stratifiedSplit } from '../../core/models/tabular/stratified-split.js';
import { createRng } from '../../core/shared/rng.js';
import { parseCommandArgsOrHelp, parsePositiveInt } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { formatPropensityReport } from '../eval/format-propensity-report.js';
import { formatUpliftReport } from '../eval/format-uplift-report.js';
import type { UpliftModelKind } from '../../core/models/uplift/evaluate-uplift.js';
import { evaluateUplift } from '../../core/models/uplift/evaluate-uplift.js';
import { readTableFile } from '../eval/read-table-file.js';
import { assertReadableFile } from '../import/read-lines.js';
import { EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = {
  csv: { type: 'string' },
  target: { type: 'string' },
  positive: { type: 'string' },
  delimiter: { type: 'string' },
  drop: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
} as const;

const HELP = `Usage: attune eval propensity --csv FILE --target COLUMN --positive VALUE
                             [--delimiter C] [--drop COL,COL] [--seed N] [--json] [--out DIR]
       attune eval uplift --csv FILE --treatment-col C --treatment V --control V --outcome C
                          [--positive V] [--rule-col C] [--drop COL,COL] [--splits 10] [--seed N]
                          [--model two-model|x-learner|both] [--delimiter C] [--json]
       attune eval clv --transactions FILE [--format csv|cdnow] [--customer-col C] [--date-col C]
                       [--amount-col C] [--delimiter C] [--calibration-end DATE] [--holdout-end DATE]
                       [--unit week|day] [--json]
       attune eval recs (--ratings FILE [--split random|user-stratified|item-stratified|time]
                         | --train FILE --test FILE) [--format movielens|csv] [--user-col C]
                         [--item-col C] [--rating-col C] [--time-col C] [--delimiter C]
                         [--algorithms popularity,ease] [--lambdas N,N] [--k 10] [--seed N] [--json]
       attune eval recs --format online-retail --ratings FILE|DIR [--cutoff YYYY-MM-DD]
                        [--ease-max-items N] [--k 10] [--seed N] [--json]

eval recs compares the most-popular baseline and EASE on held-out ratings: precision, recall, NDCG
and MAP at k, catalogue coverage and training time. Any rating is an interaction. --ratings is split
25% to test (seeded): random (of all ratings), user-stratified (of each user's ratings, the default),
item-stratified (of each item's ratings) or time (each user's latest ratings). --train/--test use
the files as they are. EASE's λ is chosen among --lambdas (default 100,200,300,400,500,700,1000) on a
hold-out of the training ratings, never on the test ratings. --format movielens reads u.data-style
"user<TAB>item<TAB>rating<TAB>unixtime" lines; csv (the default) reads a header row with the columns
user_id, item_id, rating and timestamp (rating and timestamp are optional unless named).

eval recs --format online-retail measures the recommender Attune serves on next purchases: UCI
Online Retail rows (one CSV, .csv.gz, or a folder of daily CSVs; rows with a CustomerID, no
cancellations, quantity > 0) are split in time at --cutoff (default: the day at 80% of the span).
It trains on the purchases before it (blend weights learned on the end of that window only), then
ranks each customer's home-page list with the serving ranker and scores hit rate, NDCG, precision
and recall at k against what they bought from the cutoff on, next to popularity alone and each
strategy alone; and again counting only items the customer had not bought before (discovery).

eval uplift compares who to target on a randomized experiment (one row per customer; rows whose
--treatment-col is neither --treatment nor --control are left out). The outcome is 1 where the
--outcome cell equals --positive, or, without --positive, where it is a number > 0. For each of
--splits seeded 50/50 splits (stratified by treatment x outcome) the uplift models fit on one half and
every policy ranks the other half: random (everyone, in random order), the segment rule (--rule-col,
a 0/1 column whose 1s go first), a two-model L2 logistic regression (the reference), and Attune's
GBDT as a two-model (--model two-model), an X-learner (x-learner), or both (the default). Reported:
the Qini coefficient (scikit-uplift's qini_auc_score) and uplift at 30% (treated minus control
outcome rate among the top 30%), mean and sd over the splits. Every other column is a feature
(numeric, or one-hot): --drop identifiers and the other outcome columns, or they leak.

eval clv fits BG/NBD (repeat purchases) and Gamma-Gamma (spend) by maximum likelihood on the
transactions up to the calibration end (default: 1997-09-30 for CDNOW, else the first two thirds of
the span) and compares each customer's expected purchases over the holdout with what they did,
overall and by calibration frequency. CSV columns default to customer_id, date (YYYYMMDD or
ISO-8601) and amount; purchases on the same day count once.

eval propensity:
Measures how well Attune predicts a yes/no outcome on any table (one row per customer, a header
row): a stratified 60/20/20 split (seeded), Attune's gradient-boosted trees (early stopping on the
validation rows, and Platt-calibrated on them) against the logistic-regression baseline, scored on
the test rows: AUC, PR-AUC, log loss, Brier score, lift by decile, a calibration table and the
features the trees use most. Numeric columns keep blanks as missing; other columns are one-hot
encoded (levels learned on the training rows).

Options:
  --csv FILE          the table (plain or .gz)
  --target COLUMN     the outcome column; --positive VALUE is the value that counts as yes
  --delimiter C       field separator (default ",")
  --drop COL,COL      columns to leave out (identifiers)
  --seed N            split and subsampling seed (default 42)
  --json              print the report as JSON instead of Markdown
  --out DIR           also write DIR/propensity-report.md and DIR/propensity-report.json

Example (../shared/datasets):
  attune eval propensity --csv ../shared/datasets/telco-customer-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv \\
    --target Churn --positive Yes --drop customerID
`;

const CLV_OPTIONS = {
  transactions: { type: 'string' },
  format: { type: 'string' },
  'customer-col': { type: 'string' },
  'date-col': { type: 'string' },
  'amount-col': { type: 'string' },
  delimiter: { type: 'string' },
  'calibration-end': { type: 'string' },
  'holdout-end': { type: 'string' },
  unit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The calibration end of the BG/NBD paper on CDNOW (39 weeks after 1997-01-01). */
const CDNOW_CALIBRATION_END = '1997-09-30';

const RECS_OPTIONS = {
  ratings: { type: 'string' },
  train: { type: 'string' },
  test: { type: 'string' },
  format: { type: 'string' },
  'user-col': { type: 'string' },
  'item-col': { type: 'string' },
  'rating-col': { type: 'string' },
  'time-col': { type: 'string' },
  delimiter: { type: 'string' },
  split: { type: 'string' },
  algorithms: { type: 'string' },
  lambdas: { type: 'string' },
  k: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  cutoff: { type: 'string' },
  'ease-max-items': { type: 'string' },
} as const;

const RECS_ALGORITHMS = ['popularity', 'ease', 'blend'] as const;
const EASE_LAMBDAS = [100, 200, 300, 400, 500, 700, 1000];
/** EASE holds a dense items x items matrix (8 bytes a cell, twice while fitting). */
const EASE_MAX_ITEMS = 10_000;

async function runRecs(args: readonly string[], runtime: CliRuntime): Promise<number> {
  const parsed = parseCommandArgsOrHelp(args, RECS_OPTIONS, { text: HELP, out: runtime.stdout });
  if (parsed === null) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
  if (values.format === 'online-retail') return runNextPurchase(values, runtime);
  if (values.cutoff !== undefined || values['ease-max-items'] !== undefined) throw new UsageError('--cutoff and --ease-max-items apply to --format online-retail');
  const given = values.train !== undefined || values.test !== undefined;
  if (given && values.ratings !== undefined) throw new UsageError('use either --ratings FILE or --train FILE --test FILE, not both');
  if (given && (values.train === undefined || values.test === undefined)) throw new UsageError('--train FILE and --test FILE go together');
  if (!given && values.ratings === undefined) throw new UsageError('missing --ratings FILE (or --train FILE --test FILE)');
  if (given && values.split !== undefined) throw new UsageError('--split applies to --ratings; --train/--test are used as they are');
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'movielens') throw new UsageError('--format must be movielens, csv or online-retail');
  const split = (values.split ?? 'user-stratified') as SplitStrategy;
  if (!SPLIT_STRATEGIES.includes(split)) throw new UsageError(`--split must be one of ${SPLIT_STRATEGIES.join(', ')}`);
  const k = parsePositiveInt(values.k, '--k', 10, 1000);
  const seed = parsePositiveInt(values.seed, '--seed', 42, 2 ** 31);
  const algorithms = (values.algorithms ?? RECS_ALGORITHMS.join(',')).split(',').map((a) => a.trim()).filter((a) => a !== '');
  for (const a of algorithms) if (!(RECS_ALGORITHMS as readonly string[]).includes(a)) throw new UsageError(`--algorithms: unknown "${a}" (use ${RECS_ALGORITHMS.join(', ')})`);
  if (algorithms.length === 0) throw new UsageError('--algorithms names no algorithm');
  const lambdas = values.lambdas === undefined ? EASE_LAMBDAS : values.lambdas.split(',').map((l) => Number(l.trim()));
  if (lambdas.length === 0 || lambdas.some((l) => !(l > 0 && Number.isFinite(l)))) throw new UsageError(`--lambdas must be positive numbers, got "${values.lambdas ?? ''}"`);

  const files = given ? [values.train ?? '', values.test ?? ''] : [values.ratings ?? ''];
  for (const file of files) await assertReadableFile(file);
  const timeNeeded = !given && split === 'time';
  const read = async (file: string): Promise<RawRating[]> =>
    format === 'movielens'
      ? readMovielensRatings(file)
      : readCsvRatings(file, {
          user: values['user-col'] ?? 'user_id',
          item: values['item-col'] ?? 'item_id',
          rating: values['rating-col'] ?? 'rating',
          time: values['time-col'] ?? 'timestamp',
          delimiter: values.delimiter ?? ',',
          optional: [...(values['rating-col'] === undefined ? (['rating'] as const) : []), ...(values['time-col'] === undefined && !timeNeeded ? (['time'] as const) : [])],
        });
  const raw: RawRating[][] = [];
  for (const file of files) raw.push(await read(file));
  for (const [n, rows] of raw.entries()) if (rows.length === 0) throw new UsageError(`${files[n] ?? ''} holds no ratings`);
  const encoded = encodeRatingIds(raw);
  const { train: trainRows, test: testRows } = given ? { train: encoded[0] ?? [], test: encoded[1] ?? [] } : splitRatings(encoded[0] ?? [], split, createRng(seed));
  if (testRows.length === 0) throw new UsageError('the split leaves no test ratings: more ratings per user are needed');
  const data = prepareSplit(trainRows, testRows);
  if (algorithms.includes('ease') && data.itemIds.length > EASE_MAX_ITEMS) {
    throw new UsageError(`EASE needs a dense ${data.itemIds.length} x ${data.itemIds.length} matrix: over ${EASE_MAX_ITEMS} items, use --algorithms popularity`);
  }

  const results: RecsAlgorithmResult[] = [];
  for (const algorithm of RECS_ALGORITHMS) {
    if (!algorithms.includes(algorithm)) continue;
    if (algorithm === 'popularity') {
      const t0 = performance.now();
      const model = fitPopularity(data.train);
      const trainSeconds = (performance.now() - t0) / 1000;
      const report = evaluateOnSplit(data, (u, n) => recommendPopular(model, data.train, u, n), k);
      results.push({ algorithm, lambda: null, trainSeconds, selectSeconds: 0, lambdaScores: [], ...report });
    } else if (algorithm === 'blend') {
      // The served recommender: every component, weights learned on a time split of the training ratings.
      // Weights are learned on a split like the test's: by time for --split time, else a hold-out
      // of each user's items (and popularity without time decay, which a random split ignores).
      const byTime = !given && split === 'time';
      const ranker = trainServedRanker(trainRows, byTime ? { seed } : { seed, validation: 'holdout', popularityHalfLifeDays: 1e9 });
      const dense = new Map(data.itemIds.map((id, i) => [id, i]));
      const report = evaluateOnSplit(data, (u, n) => ranker.recommend(data.userIds[u] ?? -1, n).map((id) => dense.get(id) ?? -1).filter((i) => i >= 0), k);
      results.push({ algorithm, lambda: ranker.model.report.personal.lambda, trainSeconds: ranker.trainSeconds, selectSeconds: 0, lambdaScores: [], ...report });
    } else {
      // λ is chosen on a seeded hold-out of the TRAINING ratings; the test ratings are not looked at.
      let t0 = performance.now();
      const selection = selectEaseLambda(data.train, lambdas, createRng(seed), { holdoutFraction: 0.25, k });
      const selectSeconds = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const model = fitEase(data.train, selection.lambda);
      const trainSeconds = (performance.now() - t0) / 1000;
      const scratch = new Float64Array(data.itemIds.length);
      const report = evaluateOnSplit(data, (u, n) => recommendEase(model, data.train, u, n, scratch), k);
      results.push({ algorithm, lambda: selection.lambda, trainSeconds, selectSeconds, lambdaScores: selection.scores, ...report });
    }
  }
  const run = {
    ratings: given ? null : (values.ratings ?? null),
    train: given ? (values.train ?? null) : null,
    test: given ? (values.test ?? null) : null,
    format,
    split: given ? 'given' : split,
    seed,
    k,
    trainRatings: trainRows.length,
    testRatings: testRows.length,
    trainUsers: data.userIds.length,
    catalogue: data.itemIds.length,
    results,
  } as const;
  runtime.stdout.write(values.json === true ? `${JSON.stringify(run, null, 2)}\n` : formatRecsReport(run));
  return EXIT_OK;
}

/**
 * `eval recs --format online-retail`: the served recommender against popularity on a time split of
 * purchases (see evaluateNextPurchase).
 */
async function runNextPurchase(values: { readonly [K in keyof typeof RECS_OPTIONS]?: (typeof RECS_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string }, runtime: CliRuntime): Promise<number> {
  const path = values.ratings;
  if (path === undefined) throw new UsageError('missing --ratings PATH (an Online Retail CSV, .csv.gz, or a folder of them)');
  for (const flag of ['train', 'test', 'split', 'algorithms', 'lambdas', 'user-col', 'item-col', 'rating-col', 'time-col', 'delimiter'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to --format online-retail`);
  }
  const k = parsePositiveInt(values.k, '--k', 10, 100);
  const seed = parsePositiveInt(values.seed, '--seed', 42, 2 ** 31);
  const easeMaxItems = values['ease-max-items'] === undefined ? undefined : parsePositiveInt(values['ease-max-items'], '--ease-max-items', 3_000, 20_000);
  const data = await readOnlineRetailPurchases(path);
  if (data.rows.length === 0) throw new UsageError(`${path} holds no purchases with a CustomerID`);
  let cutoffMs: number;
  let cutoffChosen: string;
  if (values.cutoff === undefined) {
    cutoffMs = defaultCutoffMs(data.rows);
    cutoffChosen = 'default: the day at 80% of the time span';
  } else {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.cutoff) || Number.isNaN(Date.parse(`${values.cutoff}T00:00:00Z`))) throw new UsageError(`--cutoff: "${values.cutoff}" is not a date (YYYY-MM-DD)`);
    cutoffMs = Date.parse(`${values.cutoff}T00:00:00Z`);
    cutoffChosen = 'given';
  }
  if (!data.rows.some((r) => r.atMs < cutoffMs) || !data.rows.some((r) => r.atMs >= cutoffMs)) {
    throw new UsageError(`--cutoff ${toDay(cutoffMs)} leaves no purchases on one side`);
  }
  const evaluation = evaluateNextPurchase(data.rows, {
    cutoffMs,
    k,
    seed,
    catalog: data.catalog,
    ...(easeMaxItems === undefined ? {} : { trainingOptions: { easeMaxItems } }),
  });
  const run = { source: path, fileRows: data.fileRows, purchases: data.rows.length, skipped: data.skipped as Record<string, number>, cutoff: toDay(cutoffMs), cutoffChosen, evaluation };
  runtime.stdout.write(values.json === true ? `${JSON.stringify(run, null, 2)}\n` : formatNextPurchaseReport(run));
  return EXIT_OK;
}

async function runClv(args: readonly string[], runtime: CliRuntime): Promise<number> {
  const parsed = parseCommandArgsOrHelp(args, CLV_OPTIONS, { text: HELP, out: runtime.stdout });
  if (parsed === null) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
  const file = values.transactions;
  if (file === undefined) throw new UsageError('missing --transactions FILE');
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'cdnow') throw new UsageError('--format must be csv or cdnow');
  const unit = values.unit ?? 'week';
  if (unit !== 'week' && unit !== 'day') throw new UsageError('--unit must be week or day');
  await assertReadableFile(file);
  const transactions =
    format === 'cdnow'
      ? await readCdnowTransactions(file)
      : await readCsvTransactions(file, {
          customer: values['customer-col'] ?? 'customer_id',
          date: values['date-col'] ?? 'date',
          amount: values['amount-col'] ?? 'amount',
          delimiter: values.delimiter ?? ',',
        });
  if (transactions.length === 0) throw new UsageError(`${file} holds no transactions`);
  const last = transactions.reduce((m, t) => Math.max(m, t.atMs), Number.NEGATIVE_INFINITY);
  const first = transactions.reduce((m, t) => Math.min(m, t.atMs), Number.POSITIVE_INFINITY);
  const dateFlag = (flag: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const ms = parseTransactionDate(text);
    if (ms === null) throw new UsageError(`${flag}: "${text}" is not a date (YYYY-MM-DD)`);
    return ms;
  };
  // Without a calibration end: CDNOW's is the paper's; elsewhere the last third of the span is held out.
  const defaultCalibrationEnd = format === 'cdnow' ? (parseTransactionDate(CDNOW_CALIBRATION_END) ?? last) : first + Math.floor(((last - first) * 2) / 3 / 86_400_000) * 86_400_000;
  const calibrationEndMs = dateFlag('--calibration-end', values['calibration-end'], defaultCalibrationEnd);
  const holdoutEndMs = dateFlag('--holdout-end', values['holdout-end'], last);
  if (holdoutEndMs <= calibrationEndMs) throw new UsageError('the holdout end must come after the calibration end');
  const summary = summarizeTransactions(transactions, { calibrationEndMs, holdoutEndMs, unit });
  if (!summary.ok) throw new UsageError('the transactions cannot be summarized', { details: summary.error });
  const evaluation = evaluateClv(summary.value, () => performance.now());
  if (!evaluation.ok) throw new UsageError('BG/NBD cannot be fitted on these customers', { details: evaluation.error });
  const run = { file, format, unit, calibrationEnd: new Date(calibrationEndMs).toISOString().slice(0, 10), holdoutEnd: new Date(holdoutEndMs).toISOString().slice(0, 10), customers: summary.value.customers.length, ...evaluation.value };
  runtime.stdout.write(values.json === true ? `${JSON.stringify(run, null, 2)}\n` : formatClvReport(run));
  return EXIT_OK;
}

async function runPropensity(args: readonly string[], runtime: CliRuntime): Promise<number> {
  const parsed = parseCommandArgsOrHelp(args, OPTIONS, { text: HELP, out: runtime.stdout });
  if (parsed === null) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
  const file = values.csv;
  if (file === undefined) throw new UsageError('missing --csv FILE');
  if (values.target === undefined || values.positive === undefined) throw new UsageError('--target COLUMN and --positive VALUE are required');
  const seed = parsePositiveInt(values.seed, '--seed', 42, 2 ** 31);
  const dropped = values.drop === undefined ? [] : values.drop.split(',').map((c) => c.trim()).filter((c) => c !== '');
  await assertReadableFile(file);
  const table = await readTableFile(file, values.delimiter ?? ',');
  const targetIndex = table.header.indexOf(values.target);
  if (targetIndex < 0) throw new UsageError(`no column "${values.target}" in ${file}`, { details: [`columns: ${table.header.join(", ")}`] });
  const labels = table.rows.map((row) => ((row[targetIndex] ?? '').trim() === values.positive ? 1 : 0));
  const positives = labels.reduce<number>((a, b) => a + b, 0);
  if (positives === 0 || positives === labels.length) {
    throw new UsageError(`--positive "${values.positive}" gives ${positives} positives in ${labels.length} rows: both outcomes are needed`);
  }
  const rng = createRng(seed);
  const split = stratifiedSplit(labels, { validation: 0.2, test: 0.2 }, rng);
  // Levels and column kinds are learned on the training rows only.
  const trainRows = Array.from(split.train, (i) => table.rows[i] ?? []);
  let encoder;
  try {
    encoder = fitTableEncoder(table.header, trainRows, { target: values.target, positive: values.positive, drop: dropped });
  } catch (error: unknown) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { x, y } = encodeTable(encoder, table.rows);
  const report = evaluatePropensity({ x, y, featureNames: encoder.featureNames }, split, rng, () => performance.now());
  const run = { file, target: values.target, positive: values.positive, seed, dropped, report };
  const markdown = formatPropensityReport(run);
  runtime.stdout.write(values.json === true ? `${JSON.stringify(run, null, 2)}\n` : markdown);
  if (values.out !== undefined) {
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'propensity-report.md'), markdown);
    writeFileSync(join(values.out, 'propensity-report.json'), `${JSON.stringify(run, null, 2)}\n`);
  }
  return EXIT_OK;
}

const UPLIFT_OPTIONS = {
  csv: { type: 'string' },
  'treatment-col': { type: 'string' },
  treatment: { type: 'string' },
  control: { type: 'string' },
  outcome: { type: 'string' },
  positive: { type: 'string' },
  'rule-col': { type: 'string' },
  drop: { type: 'string' },
  splits: { type: 'string' },
  seed: { type: 'string' },
  model: { type: 'string' },
  delimiter: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const UPLIFT_MODEL_CHOICES: Readonly<Record<string, readonly UpliftModelKind[]>> = {
  'two-model': ['two-model-logistic', 'two-model-gbdt'],
  'x-learner': ['two-model-logistic', 'x-learner-gbdt'],
  both: ['two-model-logistic', 'two-model-gbdt', 'x-learner-gbdt'],
};

async function runUplift(args: readonly string[], runtime: CliRuntime): Promise<number> {
  const parsed = parseCommandArgsOrHelp(args, UPLIFT_OPTIONS, { text: HELP, out: runtime.stdout });
  if (parsed === null) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
  const file = values.csv;
  if (file === undefined) throw new UsageError('missing --csv FILE');
  const treatmentCol = values['treatment-col'];
  const outcomeCol = values.outcome;
  if (treatmentCol === undefined || values.treatment === undefined || values.control === undefined || outcomeCol === undefined) {
    throw new UsageError('--treatment-col C, --treatment V, --control V and --outcome C are required');
  }
  if (values.treatment === values.control) throw new UsageError('--treatment and --control must differ');
  const models = UPLIFT_MODEL_CHOICES[values.model ?? 'both'];
  if (models === undefined) throw new UsageError(`--model must be two-model, x-learner or both, got "${values.model ?? ''}"`);
  const splits = parsePositiveInt(values.splits, '--splits', 10, 100);
  const seed = parsePositiveInt(values.seed, '--seed', 42, 2 ** 31);
  const dropped = values.drop === undefined ? [] : values.drop.split(',').map((c) => c.trim()).filter((c) => c !== '');
  await assertReadableFile(file);
  const table = await readTableFile(file, values.delimiter ?? ',');
  const column = (name: string, flag: string): number => {
    const i = table.header.indexOf(name);
    if (i < 0) throw new UsageError(`${flag}: no column "${name}" in ${file}`, { details: [`columns: ${table.header.join(', ')}`] });
    return i;
  };
  const tIndex = column(treatmentCol, '--treatment-col');
  const yIndex = column(outcomeCol, '--outcome');
  const ruleIndex = values['rule-col'] === undefined ? null : column(values['rule-col'], '--rule-col');
  if (tIndex === yIndex) throw new UsageError('--treatment-col and --outcome name the same column');
  const rows = table.rows.filter((r) => {
    const v = (r[tIndex] ?? '').trim();
    return v === values.treatment || v === values.control;
  });
  const treatment = Float64Array.from(rows, (r) => ((r[tIndex] ?? '').trim() === values.treatment ? 1 : 0));
  const treated = treatment.reduce((a, b) => a + b, 0);
  if (treated < 10 || rows.length - treated < 10) {
    throw new UsageError(`${treated} rows have ${treatmentCol} = ${values.treatment} and ${rows.length - treated} have ${values.control}: at least 10 of each are needed`);
  }
  const positive = values.positive;
  const y = Float64Array.from(rows, (r) => {
    const cell = (r[yIndex] ?? '').trim();
    return positive === undefined ? (Number(cell) > 0 ? 1 : 0) : cell === positive ? 1 : 0;
  });
  const positives = y.reduce((a, b) => a + b, 0);
  if (positives === 0 || positives === y.length) throw new UsageError(`the outcome ${outcomeCol} is ${positives === 0 ? 'never' : 'always'} positive: both outcomes are needed`);
  let ruleScore: Float64Array | null = null;
  if (ruleIndex !== null) {
    ruleScore = Float64Array.from(rows, (r) => Number((r[ruleIndex] ?? '').trim()));
    if (ruleScore.some((v) => !Number.isFinite(v))) throw new UsageError(`--rule-col ${values['rule-col'] ?? ''} must hold numbers (1 = targeted first)`);
  }
  // Column kinds and one-hot levels are learned from all kept rows: no outcome is used for them.
  let encoder;
  try {
    encoder = fitTableEncoder(table.header, rows, { target: outcomeCol, positive: positive ?? '1', drop: [...new Set([treatmentCol, ...dropped])].filter((c) => c !== outcomeCol) });
  } catch (error: unknown) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (encoder.featureNames.length === 0) throw new UsageError('no feature columns are left');
  const { x } = encodeTable(encoder, rows);
  const evaluation = evaluateUplift({ x, treatment, y, ruleScore, models, splits, k: 0.3 }, createRng(seed));
  const run = {
    file,
    treatmentCol,
    treatment: values.treatment,
    control: values.control,
    outcome: outcomeCol,
    ruleCol: values['rule-col'] ?? null,
    seed,
    dropped,
    features: encoder.featureNames.length,
    otherRows: table.rows.length - rows.length,
    evaluation,
  };
  runtime.stdout.write(values.json === true ? `${JSON.stringify(run, null, 2)}\n` : formatUpliftReport(run));
  return EXIT_OK;
}

export const evalCommand: CliCommand = {
  name: 'eval',
  aliases: [],
  summary: 'eval propensity|clv|recs|uplift: measure prediction quality on real data',
  help: HELP,
  async run(args: readonly string[], runtime: CliRuntime): Promise<number> {
    const [what, ...rest] = args;
    if (what === undefined || what === '--help' || what === '-h') {
      runtime.stdout.write(HELP);
      return EXIT_OK;
    }
    if (what === 'propensity') return runPropensity(rest, runtime);
    if (what === 'clv') return runClv(rest, runtime);
    if (what === 'recs') return runRecs(rest, runtime);
    if (what === 'uplift') return runUplift(rest, runtime);
    throw new UsageError(`unknown evaluation "${what}": use propensity, clv, recs or uplift`);
  },
};

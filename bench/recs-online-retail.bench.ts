/**
 * Next-purchase benchmark on UCI Online Retail: the recommender as served (trainRecommender +
 * rankRecommendations, default placement) against popularity, on a time split. Training sees the
 * purchases before the cutoff (blend weights learned on the last part of that window only); each
 * customer with history and a later purchase is scored on what they bought from the cutoff on
 * (hit rate, NDCG, P, R at 10), and on the new items only (discovery). Reports; never gates.
 *
 *   npm run bench:recs-retail -- [--datasets DIR] [--cutoff YYYY-MM-DD] [--ease-max-items N] [--skip-default]
 *
 * Dataset directory: --datasets DIR, else $ATTUNE_DATASETS (or $ATTUNE_DATASETS_DIR), else
 * ../shared/datasets; reads its online-retail/ folder (every *.csv / *.csv.gz). Absent: a message, exit 0.
 * Results go to bench/results/recs-online-retail.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateNextPurchase } from '../src/core/recs/engine/evaluate-next-purchase.js';
import { formatNextPurchaseReport } from '../src/cli/eval/format-next-purchase-report.js';
import { defaultCutoffMs, toDay } from '../src/cli/eval/next-purchase-cutoff.js';
import { readOnlineRetailPurchases } from '../src/cli/eval/read-online-retail.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: args } = parseArgs({
  options: { datasets: { type: 'string' }, cutoff: { type: 'string' }, 'ease-max-items': { type: 'string' }, 'skip-default': { type: 'boolean' } },
});
const DATASETS = resolve(args.datasets ?? process.env['ATTUNE_DATASETS'] ?? process.env['ATTUNE_DATASETS_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'datasets'));
const DIR = join(DATASETS, 'online-retail');
const CUTOFF = args.cutoff ?? '2011-10-01';
const EASE_MAX_ITEMS = args['ease-max-items'] === undefined ? undefined : Number(args['ease-max-items']);
const RESULTS = join(REPO_ROOT, 'bench', 'results', `recs-online-retail${EASE_MAX_ITEMS === undefined ? '' : `-ease-max-${EASE_MAX_ITEMS}`}.json`);
const K = 10;
const SEED = 42;

async function main(): Promise<void> {
  if (!existsSync(DIR)) {
    console.log(`recs-online-retail: dataset folder missing: ${DIR} (set --datasets DIR or ATTUNE_DATASETS); skipped.`);
    return;
  }
  const t0 = performance.now();
  const data = await readOnlineRetailPurchases(DIR);
  const readSeconds = (performance.now() - t0) / 1000;
  console.log(`read ${data.fileRows} rows from ${data.files} file(s) in ${readSeconds.toFixed(1)} s: ${data.rows.length} purchases; skipped ${JSON.stringify(data.skipped)}`);
  const trainingOptions = EASE_MAX_ITEMS === undefined ? {} : { easeMaxItems: EASE_MAX_ITEMS };
  const runs: { cutoff: string; chosen: string }[] = [{ cutoff: CUTOFF, chosen: 'fixed for this benchmark' }];
  const byDefault = toDay(defaultCutoffMs(data.rows));
  if (args['skip-default'] !== true && byDefault !== CUTOFF) runs.push({ cutoff: byDefault, chosen: 'default: 80% of the time span' });
  const results = [];
  for (const run of runs) {
    const started = performance.now();
    const evaluation = evaluateNextPurchase(data.rows, {
      cutoffMs: Date.parse(`${run.cutoff}T00:00:00Z`),
      k: K,
      seed: SEED,
      catalog: data.catalog,
      trainingOptions,
      onProgress: (step) => console.log(`  [${((performance.now() - started) / 1000).toFixed(1)} s] ${step}`),
    });
    const seconds = (performance.now() - started) / 1000;
    const report = formatNextPurchaseReport({
      source: DIR,
      fileRows: data.fileRows,
      purchases: data.rows.length,
      skipped: data.skipped as Record<string, number>,
      cutoff: run.cutoff,
      cutoffChosen: run.chosen,
      evaluation,
    });
    console.log(report);
    console.log(`(whole evaluation: ${seconds.toFixed(1)} s)\n`);
    results.push({ cutoff: run.cutoff, cutoffChosen: run.chosen, seconds, evaluation });
  }
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ dataset: 'UCI Online Retail', k: K, seed: SEED, easeMaxItems: EASE_MAX_ITEMS ?? 'default', node: process.version, cpus: cpus().length, fileRows: data.fileRows, purchases: data.rows.length, skipped: data.skipped, results }, null, 2)}\n`,
  );
  console.log(`wrote ${RESULTS}`);
}

await main();

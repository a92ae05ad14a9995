import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pickShowcaseCustomer } from '../../core/import/online-retail.js';
import { bootstrapStore, formatBootstrapNotice, loadCommandConfig, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { demoKeysFile, ensureDemoKeys } from '../demo/demo-keys.js';
import { runDemoDecisions } from '../demo/demo-decisions.js';
import { runDemoRecommendations } from '../demo/demo-recommendations.js';
import { runDemoSimulation } from '../demo/demo-simulation.js';
import { runDemoSegments } from '../demo/demo-segments.js';
import { formatDemoNextSteps } from '../demo/demo-next-steps.js';
import { formatCount } from '../format.js';
import { formatImportSummary, importFile } from '../import/import-file.js';
import { upsertCatalogInBatches } from '../import/import-catalog.js';
import { EXIT_OK, UsageError } from '../usage-error.js';
import { DEFAULT_IMPORT_BATCH } from './import.command.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  port: { type: 'string' },
  host: { type: 'string' },
  full: { type: 'boolean' },
  'import-only': { type: 'boolean' },
} as const;

/** Where the demo keeps its store unless --data / --storage / ATTUNE_DATA_DIR say otherwise. */
export const DEMO_DATA_DIR = './data/demo';
export const SAMPLE_RELATIVE_PATH = 'samples/online-retail/online-retail-sample.csv.gz';
/** The whole UCI file, beside the project (see ../shared/datasets/MANIFEST.md). */
export const FULL_DATASET_RELATIVE_PATH = '../shared/datasets/online-retail/online_retail_uci_by_day_concat.csv.gz';

const HELP = `Usage: attune demo [--data DIR] [--port N] [--full] [--import-only]

The quickest way to see Attune work on real data. It:
  1. opens (or creates) a store in DIR (default ${DEMO_DATA_DIR}; kept between runs: the import is
     idempotent, so running the demo again stores nothing twice; delete DIR to start over),
  2. creates the default workspace and its API keys on first run (printed once, and kept in
     DIR/demo-keys.json so later runs can show working commands),
  3. imports the shipped sample of the UCI Online Retail dataset (${SAMPLE_RELATIVE_PATH};
     with --full the whole file from ${FULL_DATASET_RELATIVE_PATH} when present),
  4. loads a product catalog derived from it (StockCode, Description, last UnitPrice),
  5. segments the customers: RFM (11 named live segments), k-means on R, F, M with personas,
     and one rule segment (kept between runs),
  6. serves the API and prints what to open or run next, with your keys filled in.

Options:
  --data DIR          where the demo store lives (default ${DEMO_DATA_DIR})
  --port N            TCP port (default 4680; 0 picks a free one)
  --host H            interface to bind (default 127.0.0.1)
  --full              import the whole dataset (541,909 rows) instead of the sample
  --import-only       import and exit without serving
${STORE_OPTIONS_HELP}

Data: "Online Retail" by Daqing Chen, UCI Machine Learning Repository (2015), CC BY 4.0,
https://doi.org/10.24432/C5BW33. Invoice times are UK local time and are read as UTC.
`;

function chooseDataset(runtime: CliRuntime, full: boolean): { path: string; label: string } {
  const sample = join(runtime.packageRoot, SAMPLE_RELATIVE_PATH);
  if (!full) return { path: sample, label: 'the shipped sample' };
  const whole = join(runtime.packageRoot, FULL_DATASET_RELATIVE_PATH);
  if (existsSync(whole)) return { path: whole, label: 'the full dataset' };
  runtime.stdout.write(
    [
      `--full: the full dataset is not at ${whole}.`,
      '        (It is not shipped with Attune; see ../shared/datasets/MANIFEST.md for where it comes from.)',
      '        Using the shipped sample instead.',
      '',
    ].join('\n'),
  );
  return { path: sample, label: 'the shipped sample' };
}

export const demoCommand: CliCommand = {
  name: 'demo',
  aliases: [],
  summary: 'import a real retail dataset, serve the API, and show what to try',
  help: HELP,
  async run(args: readonly string[], runtime: CliRuntime): Promise<number> {
    const parsed = parseCommandArgsOrHelp(args, OPTIONS, { text: HELP, out: runtime.stdout });
    if (parsed === null) return EXIT_OK;
    const { values, positionals } = parsed;
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
    const config = loadCommandConfig(runtime, {
      argv: configFlagsOf(values, [...STORE_FLAG_NAMES, 'port', 'host']),
      commandDefaults: { storage: { dataDir: DEMO_DATA_DIR } },
    });
    const dataset = chooseDataset(runtime, values.full === true);
    if (!existsSync(dataset.path)) throw new Error(`the demo sample is missing: ${dataset.path}`);
    const keysFile = demoKeysFile(config);
    runtime.stdout.write(
      [
        `Attune demo. Store: ${config.storage.url}`,
        config.storage.url === 'memory://'
          ? '  (in memory: everything is gone when the demo stops)'
          : `  Kept between runs: the import is idempotent (every event has a messageId), so running the demo
  again stores nothing twice. To start over, stop the demo and delete ${config.storage.dataDir}.`,
        '',
      ].join('\n'),
    );

    return withApp(runtime, config, async (session) => {
      const outcome = await bootstrapStore(session);
      if (outcome !== null) runtime.stdout.write(formatBootstrapNotice(outcome));
      const keys = await ensureDemoKeys({ session, outcome, keysFile, nowMs: runtime.nowMs() });
      if (keys.note !== null) runtime.stdout.write(`${keys.note}\n`);

      runtime.stdout.write(`Importing ${dataset.label}: ${dataset.path}\n`);
      const imported = await importFile({
        app: session.app,
        workspaceId: keys.workspaceId,
        path: dataset.path,
        format: 'online-retail',
        mapping: null,
        batchSize: DEFAULT_IMPORT_BATCH,
        maxEventBytes: config.server.maxEventBytes,
        collectCatalog: true,
        progress: runtime.stderr,
        nowMs: () => runtime.nowMs(),
        label: 'import',
      });
      runtime.stdout.write(formatImportSummary(imported.summary));
      if (imported.summary.accepted === 0 && imported.summary.duplicates > 0) {
        runtime.stdout.write('  (all duplicates: this store already holds the data from an earlier run)\n');
      }

      const products = imported.onlineRetail?.products() ?? [];
      const catalog = await upsertCatalogInBatches({
        app: session.app,
        workspaceId: keys.workspaceId,
        items: [products],
        batchSize: 500,
      });
      runtime.stdout.write(`Catalog: ${formatCount(catalog.accepted)} products upserted (StockCode, Description, last UnitPrice, GBP).\n`);

      const stats = imported.onlineRetail?.stats();
      const showcase = stats === undefined ? null : pickShowcaseCustomer(stats.ordersByCustomer, { minOrders: 3, targetOrders: 8 });
      const profiles = await session.app.countProfiles(keys.workspaceId);
      runtime.stdout.write(`Profiles in the store: ${formatCount(profiles)}.\n`);
      await runDemoSegments(session.app, keys.workspaceId, runtime.stdout);
      await runDemoRecommendations(session.app, keys.workspaceId, runtime.stdout, { customerId: showcase?.customerId ?? null, productId: products[0]?.id ?? null });
      await runDemoDecisions(session.app, keys.workspaceId, runtime.stdout, showcase?.customerId ?? null);
      await runDemoSimulation(session.app, runtime.stdout, runtime.nowMs());

      if (values['import-only'] === true) {
        runtime.stdout.write('\n--import-only: not serving. Run `attune demo` again (nothing is imported twice) to serve.\n');
        return EXIT_OK;
      }
      const server = await runtime.startHttpServer(session.app, config, session.logger);
      // Armed before the URL is printed: whoever reads it may signal at once.
      const shutdown = runtime.waitForShutdownSignal();
      runtime.stdout.write(formatDemoNextSteps({ url: server.url, keys, showcase, sampleProductId: products[0]?.id ?? null }));
      const signal = await shutdown;
      runtime.stdout.write(`Received ${signal}: finishing requests in flight and flushing events...\n`);
      await server.close();
      return EXIT_OK;
    }).then((code) => {
      runtime.stdout.write('Demo stopped.\n');
      return code;
    });
  },
};

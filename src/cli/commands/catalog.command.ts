import { bootstrapStore, formatBootstrapNotice, loadCommandConfig, resolveWorkspace, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp, parsePositiveInt } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { formatCatalogSummary, importCatalogFile } from '../import/import-catalog.js';
import { assertReadableFile } from '../import/read-lines.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  workspace: { type: 'string' },
  batch: { type: 'string' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
} as const;

const HELP = `Usage: attune catalog import FILE [--workspace WS] [--batch 500] [--json] [--strict]
       attune import-catalog FILE ...

Upserts products into the catalog from a CSV file with a header (plain or .gz) or NDJSON (one item
per line). Columns: id (or product_id, productId, sku), name, category, price, currency (ISO 4217),
margin_rate (fraction of price), stock; any other column is kept in the item's attributes. Empty
cells count as absent. Validation is the same as PUT /v1/catalog/items; rejected rows are counted
and summarised by field.

Options:
  --workspace WS      workspace (default ws_default)
  --batch N           items per call (default 500)
  --json              print the summary as JSON on stdout
  --strict            exit 1 when any row was rejected
${STORE_OPTIONS_HELP}
`;

async function runCatalogImport(args: readonly string[], runtime: CliRuntime): Promise<number> {
  const parsed = parseCommandArgsOrHelp(args, OPTIONS, { text: HELP, out: runtime.stdout });
  if (parsed === null) return EXIT_OK;
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('missing FILE');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0] ?? ''}"`);
  const batchSize = parsePositiveInt(values.batch, '--batch', 500, 10_000);
  await assertReadableFile(file);
  const config = loadCommandConfig(runtime, { argv: configFlagsOf(values, STORE_FLAG_NAMES) });
  return withApp(runtime, config, async (session) => {
    const outcome = await bootstrapStore(session);
    if (outcome !== null) runtime.stderr.write(formatBootstrapNotice(outcome));
    const workspaceId = await resolveWorkspace(session.app, values.workspace);
    const summary = await importCatalogFile({
      app: session.app,
      workspaceId,
      path: file,
      batchSize,
      progress: runtime.stderr,
      nowMs: () => runtime.nowMs(),
    });
    runtime.stdout.write(values.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatCatalogSummary(summary));
    return values.strict === true && summary.rejected > 0 ? EXIT_FAILURE : EXIT_OK;
  });
}

export const catalogCommand: CliCommand = {
  name: 'catalog',
  aliases: [],
  summary: 'catalog import FILE: upsert products from CSV or NDJSON',
  help: HELP,
  async run(args: readonly string[], runtime: CliRuntime): Promise<number> {
    const [action, ...rest] = args;
    if (action === '--help' || action === '-h') {
      runtime.stdout.write(HELP);
      return EXIT_OK;
    }
    if (action !== 'import') throw new UsageError(action === undefined ? 'missing action: import' : `unknown action "${action}": use import`);
    return runCatalogImport(rest, runtime);
  },
};

export const importCatalogCommand: CliCommand = {
  name: 'import-catalog',
  aliases: [],
  summary: 'same as `catalog import FILE`',
  help: HELP,
  run: runCatalogImport,
};

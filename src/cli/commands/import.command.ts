import { readFile } from 'node:fs/promises';
import { bootstrapStore, formatBootstrapNotice, loadCommandConfig, resolveWorkspace, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp, parsePositiveInt } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { formatImportSummary, importFile } from '../import/import-file.js';
import { IMPORT_FORMATS, inferImportFormat, type ImportFormat } from '../import/import-sources.js';
import { assertReadableFile } from '../import/read-lines.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  format: { type: 'string' },
  mapping: { type: 'string' },
  workspace: { type: 'string' },
  batch: { type: 'string' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
} as const;

/** Events per app.ingest call (the CLI's batch; the app group-commits across batches). */
export const DEFAULT_IMPORT_BATCH = 500;
export const MAX_IMPORT_BATCH = 10_000;

const HELP = `Usage: attune import FILE [--format ndjson|csv|online-retail] [--mapping mapping.json]
                     [--workspace WS] [--batch 500] [--json] [--strict]

Streams events from a file (plain or .gz) into the store through the same validation as the HTTP
API, in batches, with a progress bar on stderr, then prints a summary. Re-running an import is
idempotent: every event has a messageId, so a second run stores nothing new (all duplicates).

Formats (default: from the file name; .ndjson/.jsonl/.json or .csv, with or without .gz):
  ndjson          one Segment event per line ({"type":"track","event":...,"userId":...}).
  csv             one event per row, described by --mapping (JSON), e.g.
                    {"type": "track", "userId": "customer_id", "event": {"constant": "Order Completed"},
                     "timestamp": {"column": "date", "format": "naive-utc"}, "messageId": "order_id",
                     "properties": {"order_id": "order_id", "revenue": {"column": "total", "type": "number"}}}
                  types: string, number, integer, boolean, json, timestamp; timestamp formats: iso,
                  epoch-ms, epoch-s, naive-utc. Without a messageId column the id is derived from
                  the row's content ("csv-<hash>"), so identical rows count once.
  online-retail   the UCI Online Retail layout (InvoiceNo, StockCode, Description, Quantity,
                  InvoiceDate, UnitPrice, CustomerID, Country): one "Order Completed" per invoice
                  with products[], revenue and currency GBP ("Order Refunded" for C-invoices, amounts
                  positive), plus one identify per customer with trait country. InvoiceDate is UK
                  local time and is read as UTC. Rows without CustomerID are rejected
                  ("no customer id"). A CSV with this header and no --mapping uses this preset.

Options:
  --format F          ndjson, csv or online-retail
  --mapping FILE      JSON column mapping for csv
  --workspace WS      target workspace (default ws_default)
  --batch N           events per ingest call (default ${DEFAULT_IMPORT_BATCH}, at most ${MAX_IMPORT_BATCH})
  --json              print the summary as JSON on stdout
  --strict            exit 1 when any row or event was rejected
${STORE_OPTIONS_HELP}

Exit status: 0 done (rejections are counted in the summary), 1 failure (or rejections with
--strict), 2 usage error (bad flags, unreadable file, header or mapping that does not fit).
`;

function readFormat(value: string | undefined, path: string): ImportFormat {
  if (value !== undefined) {
    const format = IMPORT_FORMATS.find((f) => f === value);
    if (format === undefined) throw new UsageError(`--format must be one of ${IMPORT_FORMATS.join(', ')}, got "${value}"`);
    return format;
  }
  const inferred = inferImportFormat(path);
  if (inferred === null) throw new UsageError(`cannot tell the format of "${path}" from its name; pass --format ndjson|csv|online-retail`);
  return inferred;
}

async function readMapping(path: string | undefined): Promise<unknown> {
  if (path === undefined) return null;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    throw new UsageError(`cannot read the mapping ${path} (${code})`, { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`the mapping ${path} is not valid JSON (${e instanceof Error ? e.message : 'parse error'})`, { cause: e });
  }
}

export const importCommand: CliCommand = {
  name: 'import',
  aliases: [],
  summary: 'import events from NDJSON, CSV (with a mapping) or the UCI Online Retail file',
  help: HELP,
  async run(args: readonly string[], runtime: CliRuntime): Promise<number> {
    const parsed = parseCommandArgsOrHelp(args, OPTIONS, { text: HELP, out: runtime.stdout });
    if (parsed === null) return EXIT_OK;
    const { values, positionals } = parsed;
    const [file, ...extra] = positionals;
    if (file === undefined) throw new UsageError('missing FILE');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0] ?? ''}"`);
    const format = readFormat(values.format, file);
    if (format === 'ndjson' && values.mapping !== undefined) throw new UsageError('--mapping applies to csv only');
    if (format === 'online-retail' && values.mapping !== undefined) throw new UsageError('--mapping does not apply to the online-retail preset');
    const batchSize = parsePositiveInt(values.batch, '--batch', DEFAULT_IMPORT_BATCH, MAX_IMPORT_BATCH);
    const mapping = await readMapping(values.mapping);
    await assertReadableFile(file);
    const config = loadCommandConfig(runtime, { argv: configFlagsOf(values, STORE_FLAG_NAMES) });
    const json = values.json === true;
    return withApp(runtime, config, async (session) => {
      const outcome = await bootstrapStore(session);
      if (outcome !== null) runtime.stderr.write(formatBootstrapNotice(outcome));
      if (config.storage.url === 'memory://') {
        runtime.stderr.write('note: memory:// storage is discarded when this command exits; use a sqlite URL to keep the data\n');
      }
      const workspaceId = await resolveWorkspace(session.app, values.workspace);
      const result = await importFile({
        app: session.app,
        workspaceId,
        path: file,
        format,
        mapping,
        batchSize,
        maxEventBytes: config.server.maxEventBytes,
        collectCatalog: false,
        progress: runtime.stderr,
        nowMs: () => runtime.nowMs(),
        label: 'import',
      });
      const summary = result.summary;
      runtime.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : formatImportSummary(summary));
      const rejected = summary.rejectedRows + summary.rejectedEvents;
      return values.strict === true && rejected > 0 ? EXIT_FAILURE : EXIT_OK;
    });
  },
};

import type { AttuneApp } from '../../app/attune-app.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { OutputStream } from '../cli-runtime.js';
import { formatCount, formatDurationMs, formatTable, ratePerSecond } from '../format.js';
import { createProgressBar } from '../progress-bar.js';
import { csvItems, ndjsonItems, type ImportFormat, type ImportItem, type OnlineRetailExtras, type RowCounter } from './import-sources.js';
import { openLineSource } from './read-lines.js';
import { newImportTally, runImport } from './run-import.js';

/** The summary `attune import --json` prints. */
export interface ImportSummary {
  readonly file: string;
  readonly format: ImportFormat;
  readonly workspaceId: string;
  readonly rowsRead: number;
  readonly eventsSent: number;
  readonly accepted: number;
  readonly duplicates: number;
  /** Rows refused before sending (no customer id, malformed CSV, ...). */
  readonly rejectedRows: number;
  /** Events refused by ingest validation. */
  readonly rejectedEvents: number;
  readonly rejected: readonly {
    readonly stage: 'file' | 'ingest';
    readonly reason: string;
    readonly code: string | null;
    readonly field: string | null;
    readonly count: number;
  }[];
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
}

export interface ImportFileResult {
  readonly summary: ImportSummary;
  readonly onlineRetail: OnlineRetailExtras | null;
}

/** Streams a file into the app: read → parse → map → ingest in batches, with a progress bar on `progress`. */
export async function importFile(opts: {
  readonly app: AttuneApp;
  readonly workspaceId: WorkspaceId;
  readonly path: string;
  readonly format: ImportFormat;
  /** Parsed JSON mapping for CSV; null for NDJSON and the preset. */
  readonly mapping: unknown;
  readonly batchSize: number;
  readonly collectCatalog: boolean;
  /** The configured ingest limit on one event, in bytes (config server.maxEventBytes). */
  readonly maxEventBytes: number;
  readonly progress: OutputStream;
  readonly nowMs: () => EpochMs;
  readonly label: string;
}): Promise<ImportFileResult> {
  const startedMs = opts.nowMs();
  const source = await openLineSource(opts.path);
  const counter: RowCounter = { rows: 0 };
  let items: AsyncIterable<readonly ImportItem[]>;
  let onlineRetail: OnlineRetailExtras | null = null;
  if (opts.format === 'ndjson') {
    items = ndjsonItems(source.chunks, counter);
  } else {
    const csv = csvItems(source.chunks, counter, {
      format: opts.format,
      mapping: opts.mapping,
      collectCatalog: opts.collectCatalog,
      maxEventBytes: opts.maxEventBytes,
    });
    items = csv.items;
    onlineRetail = csv.onlineRetail;
  }
  const bar = createProgressBar({ stream: opts.progress, label: opts.label, unit: 'rows', nowMs: opts.nowMs });
  const state = () => ({ done: counter.rows, fraction: source.totalBytes > 0 ? source.bytesRead() / source.totalBytes : null });
  const tally = newImportTally();
  await runImport({
    app: opts.app,
    workspaceId: opts.workspaceId,
    items,
    batchSize: opts.batchSize,
    nowMs: opts.nowMs,
    tally,
    onProgress: () => bar.update(state()),
  });
  bar.finish(state());
  const elapsedMs = opts.nowMs() - startedMs;
  const rejected = [...tally.rejections.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const format: ImportFormat =
    opts.format === 'csv' && opts.mapping === null ? 'online-retail' : opts.format;
  return {
    summary: {
      file: opts.path,
      format,
      workspaceId: opts.workspaceId,
      rowsRead: counter.rows,
      eventsSent: tally.eventsSent,
      accepted: tally.accepted,
      duplicates: tally.duplicates,
      rejectedRows: rejected.filter((r) => r.stage === 'file').reduce((sum, r) => sum + r.count, 0),
      rejectedEvents: rejected.filter((r) => r.stage === 'ingest').reduce((sum, r) => sum + r.count, 0),
      rejected: rejected.map((r) => ({ stage: r.stage, reason: r.reason, code: r.code, field: r.field, count: r.count })),
      elapsedMs,
      eventsPerSecond: Math.round(ratePerSecond(tally.eventsSent, elapsedMs)),
    },
    onlineRetail,
  };
}

/** The human summary of an import. */
export function formatImportSummary(summary: ImportSummary): string {
  const lines = [
    `Imported ${summary.file} (${summary.format}) into workspace ${summary.workspaceId}`,
    formatTable(
      ['', ''],
      [
        ['rows read', formatCount(summary.rowsRead)],
        ['events sent', formatCount(summary.eventsSent)],
        ['  accepted (new)', formatCount(summary.accepted)],
        ['  duplicates (already stored)', formatCount(summary.duplicates)],
        ['  rejected by validation', formatCount(summary.rejectedEvents)],
        ['rows rejected before sending', formatCount(summary.rejectedRows)],
        ['elapsed', `${formatDurationMs(summary.elapsedMs)} (${formatCount(summary.eventsPerSecond)} events/s)`],
      ],
    )
      .split('\n')
      .slice(1)
      .map((line) => `  ${line}`)
      .join('\n'),
  ];
  if (summary.rejected.length > 0) {
    lines.push('  rejections:');
    const rows = summary.rejected.map((r) => [
      formatCount(r.count),
      r.stage === 'file' ? 'rows' : 'events',
      r.code === null ? r.reason : `${r.code}${r.field === null ? '' : ` (${r.field})`}: ${r.reason}`,
    ]);
    for (const line of formatTable(['count', 'unit', 'reason'], rows).split('\n')) lines.push(`    ${line}`);
  }
  return `${lines.join('\n')}\n`;
}

import type { AttuneApp } from '../../app/attune-app.js';
import { createCsvRecordParser } from '../../core/import/csv-parser.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { OutputStream } from '../cli-runtime.js';
import { formatCount, formatDurationMs, formatTable } from '../format.js';
import { createProgressBar } from '../progress-bar.js';
import { UsageError } from '../usage-error.js';
import { openLineSource } from './read-lines.js';

export interface CatalogImportSummary {
  readonly file: string;
  readonly workspaceId: string;
  readonly rowsRead: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Rejections grouped by field, with the first message as an example. */
  readonly rejections: readonly { readonly field: string | null; readonly example: string; readonly count: number }[];
  readonly elapsedMs: number;
}

/** Sends catalog items to app.upsertCatalog in batches; returns accepted count and grouped rejections. */
export async function upsertCatalogInBatches(opts: {
  readonly app: AttuneApp;
  readonly workspaceId: WorkspaceId;
  readonly items: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>;
  readonly batchSize: number;
  readonly onProgress?: (sent: number) => void;
}): Promise<{ accepted: number; sent: number; rejections: Map<string, { field: string | null; example: string; count: number }> }> {
  let batch: unknown[] = [];
  let accepted = 0;
  let sent = 0;
  const rejections = new Map<string, { field: string | null; example: string; count: number }>();
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    sent += items.length;
    const outcome = await opts.app.upsertCatalog(opts.workspaceId, items);
    accepted += outcome.accepted;
    for (const r of outcome.rejected) {
      const key = r.field ?? '';
      const group = rejections.get(key);
      if (group === undefined) rejections.set(key, { field: r.field, example: r.message, count: 1 });
      else group.count += 1;
    }
    opts.onProgress?.(sent);
  };
  for await (const chunk of opts.items) {
    for (const item of chunk) {
      batch.push(item);
      if (batch.length >= opts.batchSize) await flush();
    }
  }
  await flush();
  return { accepted, sent, rejections };
}

async function* catalogRows(chunks: AsyncIterable<readonly string[]>, json: boolean, counter: { rows: number }): AsyncGenerator<unknown[]> {
  const parser = createCsvRecordParser();
  let header: string[] | null = null;
  for await (const lines of chunks) {
    const items: unknown[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      if (json) {
        counter.rows += 1;
        try {
          items.push(JSON.parse(line) as unknown);
        } catch {
          items.push(null);
        }
        continue;
      }
      const record = parser.pushLine(line);
      if (record === null) continue;
      if (!record.ok) {
        if (header === null) throw new UsageError(`the CSV header is unreadable: ${record.error.message}`);
        counter.rows += 1;
        items.push(null);
        continue;
      }
      if (header === null) {
        header = record.value.fields.map((h) => h.trim());
        continue;
      }
      counter.rows += 1;
      const item: Record<string, string> = {};
      header.forEach((name, i) => {
        item[name] = record.value.fields[i] ?? '';
      });
      items.push(item);
    }
    yield items;
  }
}

/**
 * Imports a catalog file: CSV with a header (id or product_id or sku, name, category, price,
 * currency, margin_rate, stock; other columns become attributes) or NDJSON (one item per line).
 * Validation is the app's (the same as PUT /v1/catalog/items).
 */
export async function importCatalogFile(opts: {
  readonly app: AttuneApp;
  readonly workspaceId: WorkspaceId;
  readonly path: string;
  readonly batchSize: number;
  readonly progress: OutputStream;
  readonly nowMs: () => EpochMs;
}): Promise<CatalogImportSummary> {
  const startedMs = opts.nowMs();
  const name = opts.path.toLowerCase().replace(/\.gz$/, '');
  const json = name.endsWith('.ndjson') || name.endsWith('.jsonl') || name.endsWith('.json');
  const source = await openLineSource(opts.path);
  const counter = { rows: 0 };
  const bar = createProgressBar({ stream: opts.progress, label: 'catalog', unit: 'rows', nowMs: opts.nowMs });
  const state = () => ({ done: counter.rows, fraction: source.totalBytes > 0 ? source.bytesRead() / source.totalBytes : null });
  const result = await upsertCatalogInBatches({
    app: opts.app,
    workspaceId: opts.workspaceId,
    items: catalogRows(source.chunks, json, counter),
    batchSize: opts.batchSize,
    onProgress: () => bar.update(state()),
  });
  bar.finish(state());
  const rejections = [...result.rejections.values()].sort((a, b) => b.count - a.count);
  return {
    file: opts.path,
    workspaceId: opts.workspaceId,
    rowsRead: counter.rows,
    accepted: result.accepted,
    rejected: result.sent - result.accepted,
    rejections,
    elapsedMs: opts.nowMs() - startedMs,
  };
}

export function formatCatalogSummary(summary: CatalogImportSummary): string {
  const lines = [
    `Imported catalog ${summary.file} into workspace ${summary.workspaceId}`,
    `  rows read   ${formatCount(summary.rowsRead)}`,
    `  accepted    ${formatCount(summary.accepted)}`,
    `  rejected    ${formatCount(summary.rejected)}`,
    `  elapsed     ${formatDurationMs(summary.elapsedMs)}`,
  ];
  if (summary.rejections.length > 0) {
    const rows = summary.rejections.map((r) => [formatCount(r.count), r.field ?? '(row)', r.example]);
    for (const line of formatTable(['count', 'field', 'example'], rows).split('\n')) lines.push(`    ${line}`);
  }
  return `${lines.join('\n')}\n`;
}

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentItem } from '../../core/recs/content-similarity.js';
import type { InteractionRow } from '../../core/recs/engine/log-from-rows.js';
import { createCsvRecordParser } from '../../core/import/csv-parser.js';
import { parseNaiveDateTimeAsUtc } from '../../core/import/naive-date-time.js';
import type { OnlineRetailColumns } from '../../core/import/online-retail.js';
import { resolveOnlineRetailColumns, toOnlineRetailRow } from '../../core/import/online-retail.js';
import { openLineSource } from '../import/read-lines.js';
import { UsageError } from '../usage-error.js';

/** Why a file row became no purchase. */
export type RetailSkip = 'no customer id' | 'cancellation' | 'quantity not positive' | 'no stock code' | 'invalid invoice date';

export interface RetailPurchases {
  readonly rows: InteractionRow[];
  /** StockCode -> its description (the last non-empty one met) for content similarity; category unknown. */
  readonly catalog: Map<string, ContentItem>;
  readonly fileRows: number;
  readonly skipped: Partial<Record<RetailSkip, number>>;
  readonly files: number;
}

const CUSTOMER_ID = /^(\d+)(?:\.0+)?$/;

/** Accumulates Online Retail rows into purchases (pure: fed header, then record fields). */
export function createRetailMapper(): {
  header(fields: readonly string[], source: string): void;
  push(fields: readonly string[]): void;
  result(files: number): RetailPurchases;
} {
  const rows: InteractionRow[] = [];
  const names = new Map<string, string>();
  const skipped: Partial<Record<RetailSkip, number>> = {};
  let columns: OnlineRetailColumns | null = null;
  let fileRows = 0;
  const skip = (why: RetailSkip): void => {
    skipped[why] = (skipped[why] ?? 0) + 1;
  };
  return {
    header(fields, source) {
      const resolved = resolveOnlineRetailColumns(fields);
      if (!resolved.ok) throw new UsageError(`${source}: not an Online Retail file`, { details: resolved.error });
      columns = resolved.value;
    },
    push(fields) {
      if (columns === null) throw new Error('Online Retail rows before a header');
      fileRows++;
      const row = toOnlineRetailRow(columns, fields);
      const customer = CUSTOMER_ID.exec(row.customerId.trim());
      const item = row.stockCode.trim();
      const description = row.description.trim();
      if (item !== '' && description !== '') names.set(item, description);
      if (customer === null) return skip('no customer id');
      if (row.invoiceNo.trim().toUpperCase().startsWith('C')) return skip('cancellation');
      const quantity = Number(row.quantity.trim());
      if (!(quantity > 0)) return skip('quantity not positive');
      if (item === '') return skip('no stock code');
      const atMs = parseNaiveDateTimeAsUtc(row.invoiceDate);
      if (atMs === null) return skip('invalid invoice date');
      rows.push({ user: customer[1] as string, item, kind: 'purchase', atMs });
    },
    result(files) {
      const catalog = new Map<string, ContentItem>();
      for (const [id, name] of names) catalog.set(id, { name, category: null, price: null, attributes: {} });
      return { rows, catalog, fileRows, skipped, files };
    },
  };
}

/**
 * Reads Online Retail purchases from one CSV (plain or gzip) or a directory of them (every *.csv and
 * *.csv.gz, in name order: the daily files). Rows without a CustomerID, cancellations (InvoiceNo
 * "C…") and non-positive quantities are skipped; InvoiceDate is read as UTC.
 */
export async function readOnlineRetailPurchases(path: string): Promise<RetailPurchases> {
  let files: string[];
  try {
    const info = await stat(path);
    files = info.isDirectory()
      ? (await readdir(path))
          .filter((name) => /\.csv(\.gz)?$/i.test(name))
          .sort()
          .map((name) => join(path, name))
      : [path];
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    throw new UsageError(`cannot read ${path} (${code})`, { cause: e });
  }
  if (files.length === 0) throw new UsageError(`${path} holds no .csv or .csv.gz file`);
  const mapper = createRetailMapper();
  for (const file of files) {
    const source = await openLineSource(file);
    const parser = createCsvRecordParser();
    let first = true;
    const take = (fields: string[]): void => {
      if (first) mapper.header(fields, file);
      else if (!(fields.length === 1 && fields[0] === '')) mapper.push(fields);
      first = false;
    };
    for await (const chunk of source.chunks) {
      for (const line of chunk) {
        const record = parser.pushLine(line);
        if (record === null) continue;
        if (!record.ok) throw new UsageError(`${file}: line ${record.error.firstLine}: ${record.error.message}`);
        take(record.value.fields);
      }
    }
    const last = parser.finish();
    if (last !== null && !last.ok) throw new UsageError(`${file}: line ${last.error.firstLine}: ${last.error.message}`);
    if (last !== null && last.ok) take(last.value.fields);
  }
  return mapper.result(files.length);
}

import { createCsvRecordParser } from '../../core/import/csv-parser.js';
import { compileCsvMapping, mapCsvRow, type CompiledCsvMapping } from '../../core/import/map-csv-row.js';
import {
  createOnlineRetailAccumulator,
  createOnlineRetailCatalogCollector,
  resolveOnlineRetailColumns,
  toOnlineRetailRow,
  type OnlineRetailColumns,
  type OnlineRetailProduct,
  type OnlineRetailStats,
} from '../../core/import/online-retail.js';
import { UsageError } from '../usage-error.js';

/** What a file row turns into: an event to send, or a rejection before sending (counted by reason). */
export type ImportItem =
  | { readonly kind: 'event'; readonly event: unknown }
  | { readonly kind: 'rejected'; readonly reason: string; readonly rows: number };

export const IMPORT_FORMATS = ['ndjson', 'csv', 'online-retail'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Rows read so far (data rows: lines for NDJSON, records after the header for CSV). */
export interface RowCounter {
  rows: number;
}

/** The format a file name suggests (.ndjson/.jsonl/.json, .csv; a trailing .gz is ignored); null when unknown. */
export function inferImportFormat(path: string): ImportFormat | null {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl') || name.endsWith('.json')) return 'ndjson';
  if (name.endsWith('.csv')) return 'csv';
  return null;
}

/** NDJSON: one event per line; blank lines are skipped; a line that is not JSON is rejected. */
export async function* ndjsonItems(chunks: AsyncIterable<readonly string[]>, counter: RowCounter): AsyncGenerator<ImportItem[]> {
  for await (const lines of chunks) {
    const items: ImportItem[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      counter.rows += 1;
      try {
        items.push({ kind: 'event', event: JSON.parse(line) as unknown });
      } catch {
        items.push({ kind: 'rejected', reason: 'line is not valid JSON', rows: 1 });
      }
    }
    yield items;
  }
}

/** Extras of the online-retail preset, available once the items are consumed. */
export interface OnlineRetailExtras {
  stats(): OnlineRetailStats;
  /** Products seen (last name and price per StockCode), when collecting was asked for. */
  products(): OnlineRetailProduct[];
}

export interface CsvImportPlan {
  /** 'csv' with a mapping, or the online-retail preset. */
  readonly format: ImportFormat;
  /** JSON mapping for 'csv' (parsed file contents); null for the preset. */
  readonly mapping: unknown;
  readonly collectCatalog: boolean;
  /** Largest event ingest accepts (bytes of JSON); big invoices are compacted to fit. */
  readonly maxEventBytes: number;
}

export interface CsvItems {
  readonly items: AsyncGenerator<ImportItem[]>;
  /** Resolved once the header is read: the format actually used (a UCI header without --mapping means online-retail). */
  readonly onlineRetail: OnlineRetailExtras;
}

type RowHandler = (fields: string[], firstLine: number) => ImportItem[];

function onlineRetailHandler(
  columns: OnlineRetailColumns,
  headerLength: number,
  state: { accumulator: ReturnType<typeof createOnlineRetailAccumulator>; catalog: ReturnType<typeof createOnlineRetailCatalogCollector> | null },
): RowHandler {
  return (fields) => {
    if (fields.length !== headerLength) return [{ kind: 'rejected', reason: 'row has the wrong number of fields', rows: 1 }];
    const row = toOnlineRetailRow(columns, fields);
    state.catalog?.push(row);
    return state.accumulator.push(row).map((out) =>
      out.kind === 'event' ? { kind: 'event' as const, event: out.event } : { kind: 'rejected' as const, reason: out.reason, rows: out.rows },
    );
  };
}

function mappedHandler(mapping: CompiledCsvMapping): RowHandler {
  return (fields) => {
    const mapped = mapCsvRow(mapping, fields);
    return mapped.ok ? [{ kind: 'event', event: mapped.value }] : [{ kind: 'rejected', reason: mapped.error.reason, rows: 1 }];
  };
}

/**
 * CSV with a JSON mapping, or the online-retail preset. The header decides: without a mapping, a
 * file with the UCI columns uses the preset; any other CSV needs --mapping (a usage error).
 */
export function csvItems(chunks: AsyncIterable<readonly string[]>, counter: RowCounter, plan: CsvImportPlan): CsvItems {
  const state = {
    accumulator: createOnlineRetailAccumulator({ maxEventBytes: plan.maxEventBytes }),
    catalog: plan.collectCatalog ? createOnlineRetailCatalogCollector() : null,
  };
  async function* generate(): AsyncGenerator<ImportItem[]> {
    const parser = createCsvRecordParser();
    let handler: RowHandler | null = null;
    let usesPreset = false;
    for await (const lines of chunks) {
      const items: ImportItem[] = [];
      for (const line of lines) {
        const record = parser.pushLine(line);
        if (record === null) continue;
        if (handler === null) {
          if (!record.ok) throw new UsageError(`the CSV header is unreadable: ${record.error.message}`);
          const header = record.value.fields.map((name) => name.trim());
          const choice = chooseHandler(header, plan, state);
          handler = choice.handler;
          usesPreset = choice.usesPreset;
          continue;
        }
        if (line === '' && record.ok && record.value.fields.length === 1) continue;
        counter.rows += 1;
        if (!record.ok) {
          items.push({ kind: 'rejected', reason: `malformed CSV: ${record.error.message}`, rows: 1 });
          continue;
        }
        items.push(...handler(record.value.fields, record.value.firstLine));
      }
      yield items;
    }
    const last = parser.finish();
    const tail: ImportItem[] = [];
    if (last !== null && !last.ok) {
      counter.rows += 1;
      tail.push({ kind: 'rejected', reason: `malformed CSV: ${last.error.message}`, rows: 1 });
    }
    if (handler === null) throw new UsageError('the CSV file is empty (no header line)');
    if (usesPreset) {
      for (const out of state.accumulator.finish()) {
        tail.push(out.kind === 'event' ? { kind: 'event', event: out.event } : { kind: 'rejected', reason: out.reason, rows: out.rows });
      }
    }
    yield tail;
  }
  return {
    items: generate(),
    onlineRetail: {
      stats: () => state.accumulator.stats(),
      products: () => state.catalog?.products() ?? [],
    },
  };
}

function chooseHandler(
  header: readonly string[],
  plan: CsvImportPlan,
  state: Parameters<typeof onlineRetailHandler>[2],
): { handler: RowHandler; usesPreset: boolean } {
  if (plan.format === 'online-retail' || (plan.format === 'csv' && plan.mapping === null)) {
    const columns = resolveOnlineRetailColumns(header);
    if (columns.ok) return { handler: onlineRetailHandler(columns.value, header.length, state), usesPreset: true };
    if (plan.format === 'online-retail') throw new UsageError(columns.error.join('\n'));
    throw new UsageError(
      'a CSV import needs --mapping FILE (a JSON column mapping; see `attune import --help`), or --format online-retail for the UCI Online Retail layout',
    );
  }
  const compiled = compileCsvMapping(plan.mapping, header);
  if (!compiled.ok) throw new UsageError(compiled.error.join('\n'));
  return { handler: mappedHandler(compiled.value), usesPreset: false };
}

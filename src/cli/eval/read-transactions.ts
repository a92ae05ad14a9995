import type { ClvTransaction } from '../../core/models/clv/summarize-transactions.js';
import { openLineSource } from '../import/read-lines.js';
import { UsageError } from '../usage-error.js';
import { readTableFile } from './read-table-file.js';

export interface TransactionColumns {
  readonly customer: string;
  readonly date: string;
  readonly amount: string;
  readonly delimiter: string;
}

/** YYYYMMDD or an ISO-8601 date/time; a date alone is midnight UTC. */
export function parseTransactionDate(text: string): number | null {
  const t = text.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (compact !== null) return Date.UTC(Number(compact[1]), Number(compact[2]) - 1, Number(compact[3]));
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * CDNOW as distributed with the BG/NBD paper: whitespace-separated, no header (a header line is
 * skipped), either `customer date cds dollars` (master file) or `customer sample_id date cds
 * dollars` (the 1/10 sample, where the first column is the master id).
 */
export async function readCdnowTransactions(path: string): Promise<ClvTransaction[]> {
  const out: ClvTransaction[] = [];
  const source = await openLineSource(path);
  let line = 0;
  for await (const chunk of source.chunks) {
    for (const text of chunk) {
      line++;
      const cells = text.trim().split(/\s+/);
      if (cells.length < 4 || !/^\d+$/.test(cells[0] ?? '')) continue; // blank or header
      const [customer, dateText, amountText] = cells.length >= 5 ? [cells[0], cells[2], cells[4]] : [cells[0], cells[1], cells[3]];
      const atMs = parseTransactionDate(dateText ?? '');
      const amount = Number(amountText);
      if (atMs === null || !Number.isFinite(amount)) throw new UsageError(`${path}: line ${line} is not "customer [sample] YYYYMMDD cds dollars": ${text.trim()}`);
      out.push({ customerId: customer ?? '', atMs, amount });
    }
  }
  return out;
}

/** A CSV with a header: one row per transaction, columns chosen by name. */
export async function readCsvTransactions(path: string, columns: TransactionColumns): Promise<ClvTransaction[]> {
  const table = await readTableFile(path, columns.delimiter);
  const index = (name: string, flag: string): number => {
    const at = table.header.indexOf(name);
    if (at < 0) throw new UsageError(`${flag}: no column "${name}" in ${path}`, { details: [`columns: ${table.header.join(', ')}`] });
    return at;
  };
  const [c, d, a] = [index(columns.customer, '--customer-col'), index(columns.date, '--date-col'), index(columns.amount, '--amount-col')];
  return table.rows.map((row, i) => {
    const atMs = parseTransactionDate(row[d] ?? '');
    const amount = Number((row[a] ?? '').trim());
    if (atMs === null) throw new UsageError(`${path}: row ${i + 2}: "${row[d] ?? ''}" is not a date (YYYYMMDD or ISO-8601)`);
    if (!Number.isFinite(amount)) throw new UsageError(`${path}: row ${i + 2}: "${row[a] ?? ''}" is not an amount`);
    return { customerId: (row[c] ?? '').trim(), atMs, amount };
  });
}

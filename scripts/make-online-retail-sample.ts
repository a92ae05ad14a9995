/**
 * Makes samples/online-retail/online-retail-sample.csv.gz, the slice of UCI Online Retail that ships
 * with Attune for `attune demo` and the CLI tests. Deterministic: the same input gives the same bytes.
 *
 *   npx tsx scripts/make-online-retail-sample.ts [path/to/online_retail_uci_by_day_concat.csv.gz]
 *
 * The slice keeps, in file order and byte for byte (header included):
 *   - every row of the customers whose id hashes into 1 bucket of CUSTOMER_BUCKETS (about 400 of 4,372),
 *   - every row of the customers whose invoices are not contiguous in the file (one invoice, 542806,
 *     resumes a few rows later; the importer must cope), and
 *   - every row of the invoices without a CustomerID whose number hashes into 1 bucket of
 *     NO_CUSTOMER_BUCKETS (so the "no customer id" rejection is exercised).
 * Refunds (C-invoices) come along with their customers.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createCsvRecordParser } from '../src/core/import/csv-parser.js';
import { resolveOnlineRetailColumns } from '../src/core/import/online-retail.js';
import { hashParts } from '../src/core/shared/hash.js';

const CUSTOMER_BUCKETS = 11;
const NO_CUSTOMER_BUCKETS = 150;

const source =
  process.argv[2] ?? fileURLToPath(new URL('../../shared/datasets/online-retail/online_retail_uci_by_day_concat.csv.gz', import.meta.url));
const target = fileURLToPath(new URL('../samples/online-retail/online-retail-sample.csv.gz', import.meta.url));

const text = gunzipSync(readFileSync(source)).toString('utf8');
const lines = text.split('\n');
if (lines.at(-1) === '') lines.pop();

interface Row {
  readonly raw: string;
  readonly invoiceNo: string;
  readonly customerId: string;
}

const parser = createCsvRecordParser();
const rows: Row[] = [];
let header: string | null = null;
let columns: { invoiceNo: number; customerId: number } | null = null;
let pending: string[] = [];
for (const line of lines) {
  pending.push(line.replace(/\r$/, ''));
  const record = parser.pushLine(line.replace(/\r$/, ''));
  if (record === null) continue;
  const raw = pending.join('\n');
  pending = [];
  if (!record.ok) throw new Error(`line ${record.error.firstLine}: ${record.error.message}`);
  if (header === null) {
    header = raw;
    const resolved = resolveOnlineRetailColumns(record.value.fields);
    if (!resolved.ok) throw new Error(resolved.error.join('; '));
    columns = resolved.value;
    continue;
  }
  if (columns === null) throw new Error('no header');
  rows.push({ raw, invoiceNo: record.value.fields[columns.invoiceNo] ?? '', customerId: (record.value.fields[columns.customerId] ?? '').trim() });
}
if (header === null) throw new Error('empty file');

// Customers with an invoice that stops and resumes later in the file.
const splitCustomers = new Set<string>();
const seenInvoices = new Set<string>();
let previous = '';
for (const row of rows) {
  if (row.invoiceNo !== previous) {
    if (seenInvoices.has(row.invoiceNo) && row.customerId !== '') splitCustomers.add(row.customerId);
    seenInvoices.add(row.invoiceNo);
    previous = row.invoiceNo;
  }
}

const keep = (row: Row): boolean => {
  if (row.customerId === '') return hashParts(['oretail-sample-invoice', row.invoiceNo]) % NO_CUSTOMER_BUCKETS === 0;
  return splitCustomers.has(row.customerId) || hashParts(['oretail-sample-customer', row.customerId]) % CUSTOMER_BUCKETS === 0;
};

const kept = rows.filter(keep);
const output = `${[header, ...kept.map((r) => r.raw)].join('\n')}\n`;
const gz = gzipSync(Buffer.from(output, 'utf8'), { level: 9 });
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, gz);

const customers = new Set(kept.filter((r) => r.customerId !== '').map((r) => r.customerId));
const refunds = new Set(kept.filter((r) => r.invoiceNo.startsWith('C')).map((r) => r.invoiceNo));
process.stdout.write(
  `${target}: ${kept.length} rows (${kept.filter((r) => r.customerId === '').length} without CustomerID), ` +
    `${customers.size} customers, ${new Set(kept.map((r) => r.invoiceNo)).size} invoices (${refunds.size} refunds), ` +
    `${gz.length} bytes gzipped\n`,
);

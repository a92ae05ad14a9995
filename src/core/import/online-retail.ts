import type { JsonObject } from '../shared/json.js';
import { err, ok, type Result } from '../shared/result.js';
import { utf8Length } from '../events/utf8-length.js';
import { parseNaiveDateTimeAsUtc } from './naive-date-time.js';

/**
 * The UCI "Online Retail" layout (Chen 2015): one row per invoice line.
 * InvoiceDate is UK local time without a zone; Attune reads it as UTC (at most one hour off in
 * summer, the same for every customer, so recency and ordering are unaffected).
 */
export const ONLINE_RETAIL_COLUMNS = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
] as const;

export const ONLINE_RETAIL_CURRENCY = 'GBP';

export interface OnlineRetailColumns {
  readonly invoiceNo: number;
  readonly stockCode: number;
  readonly description: number;
  readonly quantity: number;
  readonly invoiceDate: number;
  readonly unitPrice: number;
  readonly customerId: number;
  readonly country: number;
}

/** Finds the preset's columns in a header (any order); lists every missing one. */
export function resolveOnlineRetailColumns(header: readonly string[]): Result<OnlineRetailColumns, string[]> {
  const names = header.map((name) => name.trim());
  const missing = ONLINE_RETAIL_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) {
    return err(missing.map((column) => `online-retail: column "${column}" is missing from the header`));
  }
  return ok({
    invoiceNo: names.indexOf('InvoiceNo'),
    stockCode: names.indexOf('StockCode'),
    description: names.indexOf('Description'),
    quantity: names.indexOf('Quantity'),
    invoiceDate: names.indexOf('InvoiceDate'),
    unitPrice: names.indexOf('UnitPrice'),
    customerId: names.indexOf('CustomerID'),
    country: names.indexOf('Country'),
  });
}

/** One line of the file, cells as written. */
export interface OnlineRetailRow {
  readonly invoiceNo: string;
  readonly stockCode: string;
  readonly description: string;
  readonly quantity: string;
  readonly invoiceDate: string;
  readonly unitPrice: string;
  readonly customerId: string;
  readonly country: string;
}

export function toOnlineRetailRow(columns: OnlineRetailColumns, fields: readonly string[]): OnlineRetailRow {
  const cell = (index: number): string => fields[index] ?? '';
  return {
    invoiceNo: cell(columns.invoiceNo),
    stockCode: cell(columns.stockCode),
    description: cell(columns.description),
    quantity: cell(columns.quantity),
    invoiceDate: cell(columns.invoiceDate),
    unitPrice: cell(columns.unitPrice),
    customerId: cell(columns.customerId),
    country: cell(columns.country),
  };
}

/** Why a row became no event. Stable strings: the import summary groups and counts by them. */
export const ONLINE_RETAIL_REJECT_REASONS = [
  'no customer id',
  'invalid customer id',
  'no invoice number',
  'invalid quantity',
  'invalid unit price',
  'invalid invoice date',
  'customer differs within invoice',
  'row for an invoice already sent',
] as const;
export type OnlineRetailRejectReason = (typeof ONLINE_RETAIL_REJECT_REASONS)[number];

export type OnlineRetailOutput =
  | { readonly kind: 'event'; readonly event: JsonObject }
  | { readonly kind: 'rejected'; readonly reason: OnlineRetailRejectReason; readonly rows: number };

export interface OnlineRetailStats {
  readonly orders: number;
  readonly refunds: number;
  readonly customers: number;
  /** Completed orders (not refunds) per customer id. */
  readonly ordersByCustomer: ReadonlyMap<string, number>;
}

export interface OnlineRetailAccumulator {
  /** Feeds the next row in file order; returns what became final (events of evicted invoices, rejections). */
  push(row: OnlineRetailRow): OnlineRetailOutput[];
  /** End of file: the events of every invoice still open. */
  finish(): OnlineRetailOutput[];
  stats(): OnlineRetailStats;
}

interface InvoiceLine {
  readonly stockCode: string;
  readonly description: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

interface OpenInvoice {
  readonly invoiceNo: string;
  readonly customerId: string;
  readonly country: string;
  firstAtMs: number;
  readonly lines: InvoiceLine[];
}

/**
 * Invoices held open at once. The file is almost always grouped by invoice, but not quite (in the
 * UCI file invoice 542806 resumes 6 rows after it stopped), so an invoice is finished only when
 * this many newer invoices have started since its last row.
 */
export const DEFAULT_MAX_OPEN_INVOICES = 64;

/** The ingest limit on one event (Segment: 32 KB); the largest UCI invoices (up to 542 lines) exceed it. */
export const DEFAULT_MAX_EVENT_BYTES = 32_768;

const CUSTOMER_ID = /^(\d+)(?:\.0+)?$/;

function cents(value: number): number {
  return Math.round(value * 100);
}

function toInvoiceEvent(invoice: OpenInvoice, compact: boolean): JsonObject {
  const refund = invoice.invoiceNo.startsWith('C');
  let totalCents = 0;
  const products: JsonObject[] = invoice.lines.map((line) => {
    const quantity = refund ? Math.abs(line.quantity) : line.quantity;
    totalCents += cents(quantity * line.unitPrice);
    const product: JsonObject = { product_id: line.stockCode };
    if (!compact) {
      product['sku'] = line.stockCode;
      if (line.description !== '') product['name'] = line.description;
    }
    product['price'] = line.unitPrice;
    product['quantity'] = quantity;
    return product;
  });
  const amount = totalCents / 100;
  const properties: JsonObject = { order_id: invoice.invoiceNo };
  if (refund) properties['total'] = amount;
  properties['revenue'] = amount;
  properties['currency'] = ONLINE_RETAIL_CURRENCY;
  properties['products'] = products;
  if (compact) properties['product_names_omitted'] = true;
  const event: JsonObject = {
    type: 'track',
    event: refund ? 'Order Refunded' : 'Order Completed',
    messageId: `oretail-${invoice.invoiceNo}`,
    userId: invoice.customerId,
    timestamp: new Date(invoice.firstAtMs).toISOString(),
    properties,
  };
  if (invoice.country !== '') event['context'] = { location: { country: invoice.country } };
  return event;
}

function toIdentifyEvent(invoice: OpenInvoice): JsonObject {
  const traits: JsonObject = {};
  if (invoice.country !== '') traits['country'] = invoice.country;
  return {
    type: 'identify',
    messageId: `oretail-id-${invoice.customerId}`,
    userId: invoice.customerId,
    timestamp: new Date(invoice.firstAtMs).toISOString(),
    traits,
  };
}

/**
 * Groups invoice lines into one event per invoice: `Order Completed` (or `Order Refunded` for
 * invoice numbers starting with "C", amounts made positive) with `products[]`, `revenue` (sum of
 * quantity × price, to the penny) and `currency: GBP`; userId is the CustomerID as an integer
 * string. Before a customer's first event comes an `identify` with trait `country`. An invoice too
 * large for one event (`maxEventBytes`) drops `name` and `sku` from its products (the catalog has
 * them) and says so with `product_names_omitted: true`; revenue still covers every line. Message ids are
 * `oretail-<InvoiceNo>` and `oretail-id-<CustomerID>`, so importing the file again changes nothing.
 * Pure: feed rows in file order; memory holds at most `maxOpenInvoices` invoices plus one id per
 * invoice and per customer seen.
 */
export function createOnlineRetailAccumulator(
  opts: { readonly maxOpenInvoices?: number; readonly maxEventBytes?: number } = {},
): OnlineRetailAccumulator {
  const maxOpenInvoices = Math.max(1, opts.maxOpenInvoices ?? DEFAULT_MAX_OPEN_INVOICES);
  const maxEventBytes = opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  /** Insertion order is recency order: a touched invoice is deleted and set again. */
  const open = new Map<string, OpenInvoice>();
  const sent = new Set<string>();
  const identified = new Set<string>();
  const ordersByCustomer = new Map<string, number>();
  let orders = 0;
  let refunds = 0;

  function emit(invoice: OpenInvoice, out: OnlineRetailOutput[]): void {
    sent.add(invoice.invoiceNo);
    if (!identified.has(invoice.customerId)) {
      identified.add(invoice.customerId);
      out.push({ kind: 'event', event: toIdentifyEvent(invoice) });
    }
    if (invoice.invoiceNo.startsWith('C')) {
      refunds += 1;
    } else {
      orders += 1;
      ordersByCustomer.set(invoice.customerId, (ordersByCustomer.get(invoice.customerId) ?? 0) + 1);
    }
    const full = toInvoiceEvent(invoice, false);
    out.push({ kind: 'event', event: utf8Length(JSON.stringify(full)) <= maxEventBytes ? full : toInvoiceEvent(invoice, true) });
  }

  function reject(reason: OnlineRetailRejectReason): OnlineRetailOutput[] {
    return [{ kind: 'rejected', reason, rows: 1 }];
  }

  return {
    push(row: OnlineRetailRow): OnlineRetailOutput[] {
      const invoiceNo = row.invoiceNo.trim();
      if (invoiceNo === '') return reject('no invoice number');
      const customerText = row.customerId.trim();
      if (customerText === '') return reject('no customer id');
      const customerMatch = CUSTOMER_ID.exec(customerText);
      if (customerMatch === null || customerMatch[1] === undefined) return reject('invalid customer id');
      const customerId = String(Number(customerMatch[1]));
      const quantity = Number(row.quantity.trim());
      if (row.quantity.trim() === '' || !Number.isSafeInteger(quantity)) return reject('invalid quantity');
      const unitPrice = Number(row.unitPrice.trim());
      if (row.unitPrice.trim() === '' || !Number.isFinite(unitPrice)) return reject('invalid unit price');
      const atMs = parseNaiveDateTimeAsUtc(row.invoiceDate);
      if (atMs === null) return reject('invalid invoice date');
      if (sent.has(invoiceNo)) return reject('row for an invoice already sent');
      const line: InvoiceLine = { stockCode: row.stockCode.trim(), description: row.description.trim(), quantity, unitPrice };
      const existing = open.get(invoiceNo);
      if (existing !== undefined) {
        if (existing.customerId !== customerId) return reject('customer differs within invoice');
        existing.lines.push(line);
        if (atMs < existing.firstAtMs) existing.firstAtMs = atMs;
        open.delete(invoiceNo);
        open.set(invoiceNo, existing);
        return [];
      }
      open.set(invoiceNo, { invoiceNo, customerId, country: row.country.trim(), firstAtMs: atMs, lines: [line] });
      const out: OnlineRetailOutput[] = [];
      while (open.size > maxOpenInvoices) {
        const oldest = open.values().next();
        if (oldest.done === true) break;
        open.delete(oldest.value.invoiceNo);
        emit(oldest.value, out);
      }
      return out;
    },
    finish(): OnlineRetailOutput[] {
      const out: OnlineRetailOutput[] = [];
      for (const invoice of open.values()) emit(invoice, out);
      open.clear();
      return out;
    },
    stats(): OnlineRetailStats {
      return { orders, refunds, customers: identified.size, ordersByCustomer };
    },
  };
}

/** A product for the catalog, derived from invoice lines. */
export interface OnlineRetailProduct {
  readonly id: string;
  readonly name: string;
  readonly price: number;
  readonly currency: string;
}

export interface OnlineRetailCatalogCollector {
  push(row: OnlineRetailRow): void;
  /** Products sorted by id. */
  products(): OnlineRetailProduct[];
}

/**
 * A copy of `text` that shares no memory with the string it was cut from. Substrings of 13+
 * characters are views into their parent in V8, so keeping a product name cut from a 16 KB block of
 * the file would keep the whole block alive: 3,900 products kept 18 MB of file text that way.
 */
function detach(text: string): string {
  return ` ${text}`.slice(1);
}

/** Real products have numeric stock codes (85123A, 22139); the rest are postage, discounts, fees (POST, D, M, AMAZONFEE...). */
const PRODUCT_CODE = /^\d/;

/**
 * Collects a catalog from invoice lines: per StockCode, the last non-empty Description and the last
 * positive UnitPrice in file order, for every row (with or without a customer).
 */
export function createOnlineRetailCatalogCollector(): OnlineRetailCatalogCollector {
  const byId = new Map<string, { name: string; price: number }>();
  return {
    push(row: OnlineRetailRow): void {
      const id = row.stockCode.trim();
      const name = row.description.trim();
      const price = Number(row.unitPrice.trim());
      if (!PRODUCT_CODE.test(id) || name === '' || !Number.isFinite(price) || price <= 0) return;
      const existing = byId.get(id);
      if (existing !== undefined && existing.name === name && existing.price === price) return;
      byId.set(existing === undefined ? detach(id) : id, { name: existing?.name === name ? existing.name : detach(name), price });
    },
    products(): OnlineRetailProduct[] {
      return [...byId.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([id, item]) => ({ id, name: item.name, price: item.price, currency: ONLINE_RETAIL_CURRENCY }));
    },
  };
}

/**
 * A customer worth showing in a demo: at least `minOrders` orders, the count closest to `targetOrders`
 * (ties: the smaller id). Null when nobody qualifies.
 */
export function pickShowcaseCustomer(
  ordersByCustomer: ReadonlyMap<string, number>,
  opts: { readonly minOrders: number; readonly targetOrders: number },
): { readonly customerId: string; readonly orders: number } | null {
  let best: { customerId: string; orders: number } | null = null;
  for (const [customerId, count] of ordersByCustomer) {
    if (count < opts.minOrders) continue;
    if (best === null) {
      best = { customerId, orders: count };
      continue;
    }
    const distance = Math.abs(count - opts.targetOrders);
    const bestDistance = Math.abs(best.orders - opts.targetOrders);
    if (distance < bestDistance || (distance === bestDistance && Number(customerId) < Number(best.customerId))) {
      best = { customerId, orders: count };
    }
  }
  return best;
}

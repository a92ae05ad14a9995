import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../shared/json.js';
import { parseCsvLine } from './csv-parser.js';
import {
  createOnlineRetailAccumulator,
  createOnlineRetailCatalogCollector,
  pickShowcaseCustomer,
  resolveOnlineRetailColumns,
  toOnlineRetailRow,
  type OnlineRetailOutput,
  type OnlineRetailRow,
} from './online-retail.js';

const CSV = `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN ,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom
536414,22139,,56,2010-12-01 11:52:00,0.0,,United Kingdom
C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom
536381,82567,"AIRLINE LOUNGE,METAL SIGN",2,2010-12-01 09:41:00,2.1,15311.0,Germany`;

function rows(csv: string): OnlineRetailRow[] {
  const lines = csv.split('\n');
  const header = parseCsvLine(lines[0] ?? '');
  if (!header.ok) throw new Error(header.error);
  const columns = resolveOnlineRetailColumns(header.value);
  if (!columns.ok) throw new Error(columns.error.join('; '));
  return lines.slice(1).map((line) => {
    const fields = parseCsvLine(line);
    if (!fields.ok) throw new Error(fields.error);
    return toOnlineRetailRow(columns.value, fields.value);
  });
}

function run(input: readonly OnlineRetailRow[], maxOpenInvoices?: number): OnlineRetailOutput[] {
  const acc = createOnlineRetailAccumulator(maxOpenInvoices === undefined ? {} : { maxOpenInvoices });
  const out: OnlineRetailOutput[] = [];
  for (const row of input) out.push(...acc.push(row));
  out.push(...acc.finish());
  return out;
}

function events(out: readonly OnlineRetailOutput[]): JsonObject[] {
  return out.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
}

describe('resolveOnlineRetailColumns', () => {
  it('lists every missing column', () => {
    expect(resolveOnlineRetailColumns(['InvoiceNo', 'Quantity'])).toEqual({
      ok: false,
      error: ['StockCode', 'Description', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'].map(
        (c) => `online-retail: column "${c}" is missing from the header`,
      ),
    });
  });
});

describe('createOnlineRetailAccumulator', () => {
  it('emits one Order Completed per invoice, with an identify before a customer first appears', () => {
    const out = events(run(rows(CSV)));
    expect(out.map((e) => e['messageId'])).toEqual([
      'oretail-id-17850',
      'oretail-536365',
      'oretail-536366',
      'oretail-id-14527',
      'oretail-C536379',
      'oretail-id-15311',
      'oretail-536381',
    ]);
    expect(out[0]).toEqual({
      type: 'identify',
      messageId: 'oretail-id-17850',
      userId: '17850',
      timestamp: '2010-12-01T08:26:00.000Z',
      traits: { country: 'United Kingdom' },
    });
    expect(out[1]).toEqual({
      type: 'track',
      event: 'Order Completed',
      messageId: 'oretail-536365',
      userId: '17850',
      timestamp: '2010-12-01T08:26:00.000Z',
      properties: {
        order_id: '536365',
        revenue: 35.64,
        currency: 'GBP',
        products: [
          { product_id: '85123A', sku: '85123A', name: 'WHITE HANGING HEART T-LIGHT HOLDER', price: 2.55, quantity: 6 },
          { product_id: '71053', sku: '71053', name: 'WHITE METAL LANTERN', price: 3.39, quantity: 6 },
        ],
      },
      context: { location: { country: 'United Kingdom' } },
    });
  });

  it('turns a C invoice into Order Refunded with positive amounts', () => {
    const refund = events(run(rows(CSV))).find((e) => e['messageId'] === 'oretail-C536379');
    expect(refund?.['event']).toBe('Order Refunded');
    expect(refund?.['properties']).toEqual({
      order_id: 'C536379',
      total: 27.5,
      revenue: 27.5,
      currency: 'GBP',
      products: [{ product_id: 'D', sku: 'D', name: 'Discount', price: 27.5, quantity: 1 }],
    });
  });

  it('rejects rows without a customer id, counted one per row', () => {
    const out = run(rows(CSV));
    expect(out.filter((o) => o.kind === 'rejected')).toEqual([{ kind: 'rejected', reason: 'no customer id', rows: 1 }]);
  });

  it('rejects rows with unreadable cells, naming the reason', () => {
    const [first] = rows(CSV);
    if (first === undefined) throw new Error('no row');
    const out = run([
      { ...first, quantity: 'six' },
      { ...first, unitPrice: '' },
      { ...first, invoiceDate: '01.12.2010' },
      { ...first, customerId: 'abc' },
      { ...first, invoiceNo: ' ' },
    ]);
    expect(out.map((o) => (o.kind === 'rejected' ? o.reason : 'event'))).toEqual([
      'invalid quantity',
      'invalid unit price',
      'invalid invoice date',
      'invalid customer id',
      'no invoice number',
    ]);
  });

  it('keeps an invoice open while it resumes within the window', () => {
    const all = rows(CSV);
    const [a1, a2, b] = all;
    if (a1 === undefined || a2 === undefined || b === undefined) throw new Error('rows');
    const interleaved = run([a1, b, a2], 4);
    const order = events(interleaved).find((e) => e['messageId'] === 'oretail-536365');
    expect((order?.['properties'] as JsonObject | undefined)?.['products']).toHaveLength(2);
  });

  it('rejects a row for an invoice that was already sent, instead of resending it', () => {
    const [a1, a2, b] = rows(CSV);
    if (a1 === undefined || a2 === undefined || b === undefined) throw new Error('rows');
    const out = run([a1, b, a2], 1);
    expect(out.filter((o) => o.kind === 'rejected')).toEqual([{ kind: 'rejected', reason: 'row for an invoice already sent', rows: 1 }]);
    expect(events(out).filter((e) => e['messageId'] === 'oretail-536365')).toHaveLength(1);
  });

  it('rejects a line whose customer differs from its invoice', () => {
    const [a1, a2] = rows(CSV);
    if (a1 === undefined || a2 === undefined) throw new Error('rows');
    const out = run([a1, { ...a2, customerId: '12345.0' }]);
    expect(out.filter((o) => o.kind === 'rejected')).toEqual([{ kind: 'rejected', reason: 'customer differs within invoice', rows: 1 }]);
  });

  it('is deterministic: the same rows give the same events', () => {
    expect(run(rows(CSV))).toEqual(run(rows(CSV)));
  });

  it('counts orders per customer', () => {
    const acc = createOnlineRetailAccumulator();
    for (const row of rows(CSV)) acc.push(row);
    acc.finish();
    const stats = acc.stats();
    expect(stats.orders).toBe(3);
    expect(stats.refunds).toBe(1);
    expect(stats.customers).toBe(3);
    expect(stats.ordersByCustomer.get('17850')).toBe(2);
  });
});

describe('createOnlineRetailCatalogCollector', () => {
  it('keeps the last name and positive price of real products, sorted by id', () => {
    const collector = createOnlineRetailCatalogCollector();
    const all = rows(CSV);
    for (const row of all) collector.push(row);
    const [first] = all;
    if (first === undefined) throw new Error('no row');
    collector.push({ ...first, unitPrice: '2.95' });
    expect(collector.products()).toEqual([
      { id: '22633', name: 'HAND WARMER UNION JACK', price: 1.85, currency: 'GBP' },
      { id: '71053', name: 'WHITE METAL LANTERN', price: 3.39, currency: 'GBP' },
      { id: '82567', name: 'AIRLINE LOUNGE,METAL SIGN', price: 2.1, currency: 'GBP' },
      { id: '85123A', name: 'WHITE HANGING HEART T-LIGHT HOLDER', price: 2.95, currency: 'GBP' },
    ]);
  });
});

describe('pickShowcaseCustomer', () => {
  it('picks the count closest to the target, then the smaller id', () => {
    const orders = new Map([
      ['1', 1],
      ['20', 30],
      ['9', 8],
      ['3', 12],
    ]);
    expect(pickShowcaseCustomer(orders, { minOrders: 3, targetOrders: 10 })).toEqual({ customerId: '3', orders: 12 });
    expect(pickShowcaseCustomer(new Map([['1', 1]]), { minOrders: 3, targetOrders: 10 })).toBeNull();
  });
});

describe('large invoices', () => {
  it('omit product names and skus to fit the event size limit, keeping every line and the revenue', () => {
    const [first] = rows(CSV);
    if (first === undefined) throw new Error('no row');
    const lines = Array.from({ length: 40 }, (_, i) => ({ ...first, stockCode: `2${String(i).padStart(4, '0')}`, unitPrice: '1.25', quantity: '2' }));
    const small = events(run(lines)).find((e) => e['type'] === 'track');
    const compact = events(createAndRun(lines, 1500)).find((e) => e['type'] === 'track');
    const smallProps = small?.['properties'] as JsonObject | undefined;
    const compactProps = compact?.['properties'] as JsonObject | undefined;
    expect(smallProps?.['product_names_omitted']).toBeUndefined();
    expect(compactProps?.['product_names_omitted']).toBe(true);
    expect(compactProps?.['revenue']).toBe(100);
    expect(compactProps?.['products']).toHaveLength(40);
    expect((compactProps?.['products'] as JsonObject[] | undefined)?.[0]).toEqual({ product_id: '20000', price: 1.25, quantity: 2 });
  });
});

function createAndRun(input: readonly OnlineRetailRow[], maxEventBytes: number): OnlineRetailOutput[] {
  const acc = createOnlineRetailAccumulator({ maxEventBytes });
  const out: OnlineRetailOutput[] = [];
  for (const row of input) out.push(...acc.push(row));
  out.push(...acc.finish());
  return out;
}

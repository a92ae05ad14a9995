import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCutoffMs, toDay } from './next-purchase-cutoff.js';
import { readOnlineRetailPurchases } from './read-online-retail.js';

const dir = mkdtempSync(join(tmpdir(), 'attune-online-retail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
const DAY1 = [
  HEADER,
  '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom',
  '536365,71053,"LANTERN, WHITE METAL",6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom',
  '536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,,United Kingdom',
  'C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom',
  '536380,22086,PAPER CHAIN KIT,0,2010-12-01 09:45:00,2.55,14527.0,United Kingdom',
].join('\n');
const DAY2 = [HEADER, '536400,85123A,,2,2010-12-02 10:00:00,2.55,14527.0,France', '536401,22633,HAND WARMER UNION JACK,1,2010-12-02 11:30:00,1.85,17850.0,United Kingdom'].join('\r\n');

describe('readOnlineRetailPurchases', () => {
  it('maps one file: purchases of StockCode by CustomerID at InvoiceDate (UTC); no customer, cancellations and quantity ≤ 0 skipped', async () => {
    const file = join(dir, 'one.csv');
    writeFileSync(file, `${DAY1}\n`);
    const data = await readOnlineRetailPurchases(file);
    expect(data.fileRows).toBe(5);
    expect(data.rows).toEqual([
      { user: '17850', item: '85123A', kind: 'purchase', atMs: Date.UTC(2010, 11, 1, 8, 26) },
      { user: '17850', item: '71053', kind: 'purchase', atMs: Date.UTC(2010, 11, 1, 8, 26) },
    ]);
    expect(data.skipped).toEqual({ 'no customer id': 1, cancellation: 1, 'quantity not positive': 1 });
    // Descriptions name the catalog (a quoted comma kept); an item without a customer still gets its name.
    expect(data.catalog.get('71053')?.name).toBe('LANTERN, WHITE METAL');
    expect(data.catalog.get('22633')).toEqual({ name: 'HAND WARMER UNION JACK', category: null, price: null, attributes: {} });
  });

  it('reads a folder of daily files (plain and gzip, CRLF too) in name order, ignoring other files', async () => {
    const folder = join(dir, 'by-day');
    mkdirSync(folder);
    writeFileSync(join(folder, '2010-12-01.csv'), DAY1);
    writeFileSync(join(folder, '2010-12-02.csv.gz'), gzipSync(DAY2));
    writeFileSync(join(folder, 'checksums.sha256'), 'not a csv');
    const data = await readOnlineRetailPurchases(folder);
    expect(data.files).toBe(2);
    expect(data.rows.map((r) => `${r.user}:${r.item}`)).toEqual(['17850:85123A', '17850:71053', '14527:85123A', '17850:22633']);
    expect(data.rows[2]?.atMs).toBe(Date.UTC(2010, 11, 2, 10, 0));
    // An empty description keeps the name met earlier.
    expect(data.catalog.get('85123A')?.name).toBe('WHITE HANGING HEART T-LIGHT HOLDER');
    expect(toDay(defaultCutoffMs(data.rows))).toBe('2010-12-02');
  });

  it('says which columns are missing from a file that is not Online Retail', async () => {
    const file = join(dir, 'other.csv');
    writeFileSync(file, 'user_id,item_id\n1,2\n');
    await expect(readOnlineRetailPurchases(file)).rejects.toThrow(/not an Online Retail file/);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../src/cli/import/import-file.js';
import { SAMPLE_PATH, makeTempDir, parseJsonOutput, runCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-import-');
afterAll(() => tmp.remove());

function summaryOf(result: Awaited<ReturnType<typeof runCli>>): ImportSummary {
  expect(result.code, result.stderr).toBe(0);
  return parseJsonOutput(result) as ImportSummary;
}

describe('attune import: the shipped online-retail sample', () => {
  const data = join(tmp.path, 'retail');

  it('imports every invoice once, rejecting rows without a customer id', async () => {
    const summary = summaryOf(await runCli(['import', SAMPLE_PATH, '--data', data, '--json']));
    expect(summary.format).toBe('online-retail');
    expect(summary.rowsRead).toBe(39_506);
    expect(summary.eventsSent).toBeGreaterThan(2000);
    expect(summary.accepted).toBe(summary.eventsSent);
    expect(summary.duplicates).toBe(0);
    expect(summary.rejectedEvents).toBe(0);
    expect(summary.rejected).toEqual([{ stage: 'file', reason: 'no customer id', code: null, field: null, count: 336 }]);
    expect(summary.rejectedRows).toBe(336);
  });

  it('is idempotent: a second run stores nothing new', async () => {
    const first = summaryOf(await runCli(['import', SAMPLE_PATH, '--data', data, '--json']));
    expect(first.accepted).toBe(0);
    expect(first.duplicates).toBe(first.eventsSent);
    expect(first.eventsSent).toBeGreaterThan(2000);
  });

  it('prints a readable summary and a progress line on stderr without --json', async () => {
    const result = await runCli(['import', SAMPLE_PATH, '--data', data]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/rows read\s+39,506/);
    expect(result.stdout).toMatch(/duplicates \(already stored\)\s+[\d,]+/);
    expect(result.stdout).toMatch(/336\s+rows\s+no customer id/);
    expect(result.stderr).toMatch(/import\s+100%\s+39,506 rows/);
  });
});

describe('attune import: NDJSON and CSV', () => {
  const data = join(tmp.path, 'formats');

  it('imports gzipped NDJSON, counting lines that are not JSON and events that fail validation', async () => {
    const lines = [
      JSON.stringify({ type: 'identify', userId: 'u1', messageId: 'n-1', traits: { plan: 'pro' }, timestamp: '2024-01-01T00:00:00Z' }),
      '',
      JSON.stringify({ type: 'track', userId: 'u1', event: 'Signed Up', messageId: 'n-2', timestamp: '2024-01-01T00:01:00Z' }),
      '{not json',
      JSON.stringify({ type: 'track', userId: 'u2', messageId: 'n-3' }),
    ];
    const file = join(tmp.path, 'events.ndjson.gz');
    writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
    const summary = summaryOf(await runCli(['import', file, '--data', data, '--json']));
    expect(summary.format).toBe('ndjson');
    expect(summary.rowsRead).toBe(4);
    expect(summary.eventsSent).toBe(3);
    expect(summary.accepted).toBe(2);
    expect(summary.rejectedRows).toBe(1);
    expect(summary.rejectedEvents).toBe(1);
    expect(summary.rejected.map((r) => [r.stage, r.code ?? r.reason])).toEqual(
      expect.arrayContaining([
        ['file', 'line is not valid JSON'],
        ['ingest', 'ERR_EVENT_NAME_MISSING'],
      ]),
    );
  });

  it('imports CSV through a JSON mapping, with derived message ids that make re-runs idempotent', async () => {
    const csv = join(tmp.path, 'orders.csv');
    writeFileSync(
      csv,
      ['order,customer,when,total', 'o-1,c-1,2024-02-01 10:00,12.50', 'o-2,c-2,2024-02-02 11:00,"1,5"', 'o-3,c-1,2024-02-03 12:00,7'].join('\r\n'),
    );
    const mapping = join(tmp.path, 'orders.mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        userId: 'customer',
        event: { constant: 'Order Completed' },
        timestamp: { column: 'when', format: 'naive-utc' },
        properties: { order_id: 'order', revenue: { column: 'total', type: 'number' } },
      }),
    );
    const first = summaryOf(await runCli(['import', csv, '--mapping', mapping, '--data', data, '--json']));
    expect(first).toMatchObject({ format: 'csv', rowsRead: 3, eventsSent: 2, accepted: 2, rejectedRows: 1 });
    expect(first.rejected[0]?.reason).toBe('column "total": not a number');
    const again = summaryOf(await runCli(['import', csv, '--mapping', mapping, '--data', data, '--json']));
    expect(again).toMatchObject({ eventsSent: 2, accepted: 0, duplicates: 2 });
  });

  it('exits 1 with --strict when something was rejected', async () => {
    const file = join(tmp.path, 'bad.ndjson');
    writeFileSync(file, '{oops\n');
    const result = await runCli(['import', file, '--data', data, '--strict', '--json']);
    expect(result.code).toBe(1);
  });

  it('refuses a CSV without a mapping (unless it has the online-retail header), with exit 2', async () => {
    const csv = join(tmp.path, 'plain.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    const result = await runCli(['import', csv, '--data', data]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('needs --mapping');
  });

  it('lists every problem of a mapping that does not fit the header, with exit 2', async () => {
    const csv = join(tmp.path, 'plain2.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    const mapping = join(tmp.path, 'bad.mapping.json');
    writeFileSync(mapping, JSON.stringify({ userId: 'who', event: { column: 'what' } }));
    const result = await runCli(['import', csv, '--mapping', mapping, '--data', data]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('column "who" is not in the CSV header');
    expect(result.stderr).toContain('column "what" is not in the CSV header');
  });

  it('is a usage error to import a missing file or an unknown format, and no store is created', async () => {
    const fresh = join(tmp.path, 'never-created');
    const missing = await runCli(['import', join(tmp.path, 'nope.ndjson'), '--data', fresh]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const unknown = await runCli(['import', SAMPLE_PATH, '--format', 'xml', '--data', fresh]);
    expect(unknown.code).toBe(2);
    const { existsSync } = await import('node:fs');
    expect(existsSync(fresh)).toBe(false);
  });
});

describe('attune catalog import', () => {
  it('upserts CSV rows and reports rejected ones by field', async () => {
    const data = join(tmp.path, 'catalog');
    const csv = join(tmp.path, 'products.csv');
    writeFileSync(csv, ['product_id,name,price,currency,colour', 'p-1,Mug,4.5,GBP,blue', 'p-2,Plate,-1,GBP,', 'p-3,"Bowl, large",6,GBP,white'].join('\n'));
    const result = await runCli(['catalog', 'import', csv, '--data', data, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = parseJsonOutput(result) as { rowsRead: number; accepted: number; rejected: number; rejections: { field: string | null }[] };
    expect(summary).toMatchObject({ rowsRead: 3, accepted: 2, rejected: 1 });
    expect(summary.rejections[0]?.field).toBe('price');
    const alias = await runCli(['import-catalog', csv, '--data', data, '--json']);
    expect(alias.code).toBe(0);
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/shared/rng.js';
import { makeTempDir, parseJsonOutput, runCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-eval-');
afterAll(() => tmp.remove());

/**
 * A churn table with a known signal: short tenure on a monthly contract churns; a quoted text column,
 * blanks in a numeric column and an id column to drop, as real exports have.
 */
function writeChurnTable(path: string): void {
  const rng = createRng(11);
  const lines = ['id,tenure,charges,contract,note,churn'];
  for (let i = 0; i < 1200; i++) {
    const tenure = 1 + rng.nextInt(72);
    const contract = ['Month-to-month', 'One year', 'Two year'][rng.nextInt(3)] ?? 'Month-to-month';
    const risk = (contract === 'Month-to-month' ? 1.5 : -1.5) - tenure / 20 + (rng.next() - 0.5) * 2;
    const charges = rng.next() < 0.05 ? ' ' : (20 + rng.nextInt(100)).toString();
    lines.push(`c${i},${tenure},${charges},${contract},"free text, with a comma",${risk > 0 ? 'Yes' : 'No'}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('attune eval propensity', () => {
  const table = join(tmp.path, 'churn.csv');
  writeChurnTable(table);

  it('reports both models on held-out rows, finds the signal, and writes the report files', async () => {
    const out = join(tmp.path, 'report');
    const result = await runCli(['eval', 'propensity', '--csv', table, '--target', 'churn', '--positive', 'Yes', '--drop', 'id', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('# Propensity evaluation: churn = Yes');
    expect(result.stdout).toMatch(/\| gbdt: Attune GBDT, \d+ trees/);
    expect(result.stdout).toMatch(/\| logistic: L2 logistic regression/);
    expect(existsSync(join(out, 'propensity-report.md'))).toBe(true);
    const json = JSON.parse(readFileSync(join(out, 'propensity-report.json'), 'utf8')) as { report: { models: { name: string; auc: number }[]; rows: { test: number } } };
    expect(json.report.rows.test).toBe(240);
    for (const model of json.report.models) expect(model.auc, model.name).toBeGreaterThan(0.85);
    // The id column is gone; tenure and the contract drive the trees.
    expect(result.stdout).not.toMatch(/^- id/m);
    expect(result.stdout).toMatch(/^- (tenure|contract=Month-to-month): /m);
  });

  it('is reproducible with the seed (--json)', async () => {
    const args = ['eval', 'propensity', '--csv', table, '--target', 'churn', '--positive', 'Yes', '--drop', 'id', '--seed', '5', '--json'];
    const strip = (r: Awaited<ReturnType<typeof runCli>>): unknown =>
      (parseJsonOutput(r) as { report: { models: { auc: number; logLoss: number }[] } }).report.models.map((m) => [m.auc, m.logLoss]);
    expect(strip(await runCli(args))).toEqual(strip(await runCli(args)));
  });

  it('says which columns exist when the target is wrong, and refuses a value that never occurs', async () => {
    const wrong = await runCli(['eval', 'propensity', '--csv', table, '--target', 'Churn', '--positive', 'Yes']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('no column "Churn"');
    expect(wrong.stderr).toContain('columns: id, tenure, charges, contract, note, churn');
    const never = await runCli(['eval', 'propensity', '--csv', table, '--target', 'churn', '--positive', 'yes']);
    expect(never.code).toBe(2);
    expect(never.stderr).toContain('gives 0 positives in 1200 rows');
  });
});

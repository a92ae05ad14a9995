import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './cli-harness.js';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleGamma } from '../../src/core/models/clv/simulate.js';
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

const CDNOW = join(process.env['ATTUNE_DATASETS_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'datasets'), 'cdnow', 'CDNOW_sample.txt');
if (!existsSync(CDNOW)) process.stderr.write(`cli-eval: the CDNOW check is skipped, ${CDNOW} not found (set ATTUNE_DATASETS_DIR)\n`);

describe('attune eval clv', () => {
  it('fits BG/NBD and Gamma-Gamma on a generic transactions CSV and checks the holdout', async () => {
    // Customers drawn from the BG/NBD and Gamma-Gamma process itself (r 0.5, alpha 10 days,
    // a 1, b 4; p 6, q 4, v 20), buying over two years.
    const rng = createRng(21);
    const gamma = (shape: number, scale: number): number => sampleGamma(rng, shape) * scale;
    const lines = ['customer_id,date,amount'];
    const start = Date.UTC(2023, 0, 1);
    for (let c = 0; c < 600; c++) {
      const lambda = gamma(0.5, 1 / 10);
      const g1 = gamma(1, 1);
      const dropout = g1 / (g1 + gamma(4, 1));
      const nu = gamma(4, 1 / 20);
      let day = rng.nextInt(90);
      for (;;) {
        lines.push(`u${c},${new Date(start + Math.floor(day) * 86_400_000).toISOString().slice(0, 10)},${gamma(6, 1 / nu).toFixed(2)}`);
        if (rng.next() < dropout) break;
        day += -Math.log(1 - rng.next()) / lambda;
        if (day >= 730) break;
      }
    }
    const file = join(tmp.path, 'transactions.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await runCli(['eval', 'clv', '--transactions', file, '--calibration-end', '2024-06-30', '--unit', 'day', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const run = parseJsonOutput(result) as { customers: number; bgNbd: { diagnostics: { converged: boolean } }; gammaGamma: { diagnostics: { converged: boolean } } | null; holdout: { actual: number; predicted: number; byFrequency: unknown[] } };
    expect(run.customers).toBe(600);
    expect(run.bgNbd.diagnostics.converged).toBe(true);
    expect(run.gammaGamma?.diagnostics.converged).toBe(true);
    // The model of the very process that made the data predicts the holdout total within 15%.
    expect(Math.abs(run.holdout.predicted - run.holdout.actual) / run.holdout.actual).toBeLessThan(0.15);
    expect(run.holdout.byFrequency.length).toBeGreaterThan(3);
  });

  it.skipIf(!existsSync(CDNOW))('reproduces the BG/NBD paper on CDNOW (weeks, calibration to 1997-09-30)', async () => {
    const result = await runCli(['eval', 'clv', '--transactions', CDNOW, '--format', 'cdnow']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\| r \| 0\.2426 \|/);
    expect(result.stdout).toMatch(/\| alpha \| 4\.413\d \|/);
    expect(result.stdout).toMatch(/\| a \| 0\.7929 \|/);
    expect(result.stdout).toMatch(/\| b \| 2\.425\d \|/);
    expect(result.stdout).toContain('Log-likelihood -9582.43; converged');
    expect(result.stdout).toMatch(/p = 6\.249\d, q = 3\.744\d, v = 15\.44\d\d/);
  });

  it('names the missing column of a transactions CSV', async () => {
    const file = join(tmp.path, 'bad.csv');
    writeFileSync(file, 'customer,day,value\nu1,2024-01-01,5\n');
    const result = await runCli(['eval', 'clv', '--transactions', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--customer-col: no column "customer_id"');
    expect(result.stderr).toContain('columns: customer, day, value');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/shared/rng.js';
import { evalCommand } from '../commands/eval.command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { UsageError } from '../usage-error.js';

const dir = mkdtempSync(join(tmpdir(), 'attune-eval-uplift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A three-arm e-mail test like Hillstrom's: the "Promo" e-mail lifts the visit rate by 0.3 for
 * customers with loyal = 1 and not at all for the others; a "Other" arm is left out; an id column is
 * dropped, and `spend` (another outcome) must be dropped too.
 */
function writeExperiment(path: string): void {
  const rng = createRng(17);
  const lines = ['id,age,loyal,region,arm,visit,spend'];
  for (let i = 0; i < 3000; i++) {
    const loyal = rng.next() < 0.4 ? 1 : 0;
    const age = 18 + rng.nextInt(60);
    const region = ['north', 'south', 'east'][rng.nextInt(3)] ?? 'north';
    const arm = ['Promo', 'None', 'Other'][rng.nextInt(3)] ?? 'None';
    const p = 0.1 + (age < 30 ? 0.05 : 0) + (arm === 'Promo' && loyal === 1 ? 0.3 : 0);
    const visit = rng.next() < p ? 1 : 0;
    lines.push(`c${i},${age},${loyal},${region},${arm},${visit},${visit === 1 ? (10 * rng.next()).toFixed(2) : '0'}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function runtime(): { runtime: CliRuntime; out: () => string } {
  let text = '';
  const stream = { write: (t: string): void => void (text += t), isTTY: false, columns: undefined };
  return { runtime: { stdout: stream, stderr: stream } as unknown as CliRuntime, out: () => text };
}

const csv = join(dir, 'experiment.csv');
writeExperiment(csv);
const base = ['uplift', '--csv', csv, '--treatment-col', 'arm', '--treatment', 'Promo', '--control', 'None', '--outcome', 'visit', '--drop', 'id,spend', '--splits', '3', '--seed', '3'];

describe('attune eval uplift', () => {
  it('ranks the policies on held-out halves: the models beat random clearly, random stays near 0', async () => {
    const r = runtime();
    expect(await evalCommand.run([...base, '--rule-col', 'loyal', '--json'], r.runtime)).toBe(0);
    const run = JSON.parse(r.out()) as { otherRows: number; features: number; evaluation: { policies: { policy: string; qini: { mean: number; values: number[] }; upliftAtK: { mean: number } }[] } };
    expect(run.otherRows).toBeGreaterThan(800);
    expect(run.features).toBe(5); // age, loyal, region x3
    const by = new Map(run.evaluation.policies.map((p) => [p.policy, p]));
    expect([...by.keys()]).toEqual(['random', 'rule', 'two-model-logistic', 'two-model-gbdt', 'x-learner-gbdt']);
    expect(Math.abs(by.get('random')?.qini.mean ?? 1)).toBeLessThan(0.12);
    for (const model of ['two-model-logistic', 'two-model-gbdt', 'x-learner-gbdt']) {
      expect(by.get(model)?.qini.values, model).toHaveLength(3);
      expect(by.get(model)?.qini.mean, model).toBeGreaterThan(0.15);
      expect((by.get(model)?.qini.mean ?? 0) - (by.get('random')?.qini.mean ?? 0), model).toBeGreaterThan(0.12);
      expect(by.get(model)?.upliftAtK.mean, model).toBeGreaterThan(0.15);
    }
  }, 60_000);

  it('prints a Markdown table and honours --model', async () => {
    const r = runtime();
    expect(await evalCommand.run([...base, '--model', 'x-learner'], r.runtime)).toBe(0);
    const text = r.out();
    expect(text).toContain('# Uplift evaluation: visit, Promo vs None');
    expect(text).toMatch(/\| x-learner-gbdt: X-learner, Attune GBDT \| 0\.\d{3} \|/);
    expect(text).not.toContain('two-model-gbdt');
    expect(text).toContain('Against random: clearly better');
  }, 60_000);

  it('refuses unknown columns, values and model names with a usage error', async () => {
    const r = runtime();
    await expect(evalCommand.run(['uplift', '--csv', csv, '--treatment-col', 'arm', '--treatment', 'Promo', '--control', 'None', '--outcome', 'Visit'], r.runtime)).rejects.toThrow(/no column "Visit"/);
    await expect(evalCommand.run([...base, '--model', 's-learner'], r.runtime)).rejects.toThrow(UsageError);
    await expect(evalCommand.run(['uplift', '--csv', csv, '--treatment-col', 'arm', '--treatment', 'Promo', '--control', 'Nobody', '--outcome', 'visit'], r.runtime)).rejects.toThrow(/at least 10 of each/);
  });
});

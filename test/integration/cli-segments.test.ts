import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_PATH, makeTempDir, parseJsonOutput, runCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-segments-');
afterAll(() => tmp.remove());

describe('attune segments on the shipped online-retail sample', () => {
  const data = join(tmp.path, 'retail');

  it('creates a segment with a backfill, previews, lists, exports and deletes', async () => {
    expect((await runCli(['import', SAMPLE_PATH, '--data', data, '--json'])).code).toBe(0);

    const created = await runCli(['segments', 'create', 'repeat', 'features.frequency >= 3', '--name', 'Repeat buyers', '--data', data, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const saved = parseJsonOutput(created) as { size: number; backfill: { profiles: number; entered: number } };
    expect(saved.backfill.profiles).toBe(397);
    expect(saved.size).toBe(saved.backfill.entered);
    expect(saved.size).toBeGreaterThan(0);
    expect(created.stderr).toMatch(/backfilling repeat\s+100%/);

    // The sample has fewer profiles than the preview sample: the count is exact and agrees.
    const preview = parseJsonOutput(await runCli(['segments', 'preview', 'features.frequency >= 3', '--data', data, '--json'])) as { exact: boolean; estimatedSize: number };
    expect(preview).toMatchObject({ exact: true, estimatedSize: saved.size });

    const list = await runCli(['segments', 'list', '--data', data]);
    expect(list.stdout).toMatch(new RegExp(`^repeat\\s+${saved.size}\\s+features\\.frequency >= 3$`, 'm'));

    const csv = await runCli(['segments', 'export', 'repeat', '--data', data]);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('profile_id,user_id,email,entered_at,reasons');
    expect(lines).toHaveLength(saved.size + 1);
    // The sample's customers are known by their CustomerID (the user id); the data has no e-mail.
    expect(lines[1]).toMatch(/^prf_[0-9a-f]{24},\d{5},,\d{4}-\d\d-\d\dT[\d:.]+Z,frequency is \d+ \(≥ 3\)$/);

    expect((await runCli(['segments', 'delete', 'repeat', '--data', data])).stdout).toBe('deleted repeat\n');
  });

  it('refuses a bad rule with its position and exit code 1', async () => {
    const result = await runCli(['segments', 'create', 'bad', 'features.frequency >= ', '--data', data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERR_SEGMENT_RULE_INVALID');
    expect(result.stderr).toContain('line 1, column 23');
  });
});

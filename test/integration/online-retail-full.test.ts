import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProfileId } from '../../src/core/shared/ids.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import { openTestApp } from '../helpers/open-test-app.js';
import { REPO_ROOT, makeTempDir, parseJsonOutput, runCli } from './cli-harness.js';

/** The whole UCI Online Retail file, read from the shared datasets (never committed). */
const DATASETS = process.env['ATTUNE_DATASETS_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'datasets');
const FULL = join(DATASETS, 'online-retail', 'online_retail_uci_by_day_concat.csv.gz');
const present = existsSync(FULL);
if (!present) process.stderr.write(`online-retail-full: skipped, dataset not found at ${FULL} (set ATTUNE_DATASETS_DIR)\n`);

const tmp = makeTempDir('attune-oretail-full-');
afterAll(() => tmp.remove());

describe.skipIf(!present)('the full UCI Online Retail file (541,909 rows)', () => {
  it('imports every invoice and rebuild reproduces all 4,372 profiles exactly', { timeout: 180_000 }, async () => {
    const data = join(tmp.path, 'store');
    const imported = await runCli(['import', FULL, '--data', data, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const summary = parseJsonOutput(imported) as { rowsRead: number; accepted: number; rejectedRows: number };
    expect(summary).toMatchObject({ rowsRead: 541_909, accepted: 26_562, rejectedRows: 135_080 });

    const t = await openTestApp('sqlite', { path: join(data, 'attune.db') });
    try {
      const dump = async (): Promise<string[]> => {
        const out: string[] = [];
        let afterId: ProfileId | null = null;
        for (;;) {
          const page = await t.app.listProfiles(DEFAULT_WORKSPACE_ID, { afterId, limit: 1000 });
          const last = page.at(-1);
          if (last === undefined) return out;
          for (const state of page) out.push(JSON.stringify(state));
          afterId = last.profileId;
        }
      };
      const before = await dump();
      expect(before).toHaveLength(4_372);
      const outcome = await t.app.rebuild(DEFAULT_WORKSPACE_ID, () => {});
      expect(outcome).toMatchObject({ events: 26_562, profiles: 4_372 });
      const after = await dump();
      expect(after.filter((json, i) => json !== before[i])).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

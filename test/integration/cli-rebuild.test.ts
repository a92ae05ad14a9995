import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AttuneApp } from '../../src/app/attune-app.js';
import { DEFAULT_WORKSPACE_ID, type ProfileId } from '../../src/core/shared/ids.js';
import { openTestApp } from '../helpers/open-test-app.js';
import { SAMPLE_PATH, makeTempDir, parseJsonOutput, runCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-rebuild-');
afterAll(() => tmp.remove());

/** A fixed "now", so that time-relative features compare equal across the two reads. */
const NOW_MS = Date.UTC(2012, 0, 1);

/** Every profile of the default workspace as the API would see it, keyed by profile id. */
async function dumpProfiles(app: AttuneApp): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let afterId: ProfileId | null = null;
  for (;;) {
    const page = await app.listProfiles(DEFAULT_WORKSPACE_ID, { afterId, limit: 200 });
    for (const state of page) {
      const view = await app.getProfile(DEFAULT_WORKSPACE_ID, { kind: 'profile_id', value: state.profileId }, NOW_MS);
      out.set(state.profileId, JSON.stringify(view));
    }
    const last = page.at(-1);
    if (last === undefined || page.length < 200) break;
    afterId = last.profileId;
  }
  return out;
}

async function dumpStore(path: string): Promise<Map<string, string>> {
  const opened = await openTestApp('sqlite', { path });
  try {
    return await dumpProfiles(opened.app);
  } finally {
    await opened.close();
  }
}

describe('attune rebuild', () => {
  it('replays the log into profiles identical to the live ones, for every profile', async () => {
    const data = join(tmp.path, 'store');
    const imported = await runCli(['import', SAMPLE_PATH, '--data', data, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const dbPath = join(data, 'attune.db');
    const before = await dumpStore(dbPath);
    expect(before.size).toBeGreaterThan(300);

    const rebuilt = await runCli(['rebuild', '--data', data, '--json']);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    const summary = parseJsonOutput(rebuilt) as { events: number; profiles: number; workspaceId: string };
    expect(summary.workspaceId).toBe(DEFAULT_WORKSPACE_ID);
    expect(summary.profiles).toBe(before.size);
    expect(summary.events).toBe((parseJsonOutput(imported) as { accepted: number }).accepted);
    expect(rebuilt.stderr).toMatch(/rebuild\s+100%/);

    const after = await dumpStore(dbPath);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const differing = [...before.entries()].filter(([id, json]) => after.get(id) !== json).map(([id]) => id);
    expect(differing).toEqual([]);
  });

  it('prints a table summary without --json', async () => {
    const data = join(tmp.path, 'store');
    const result = await runCli(['rebuild', '--data', data]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/events replayed\s+[\d,]+/);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../src/adapters/sqlite/index.js';
import { DEFAULT_APP_CONFIG } from '../../src/app/app-config.js';
import type { AttuneApp } from '../../src/app/attune-app.js';
import { createAttuneApp } from '../../src/app/create-attune-app.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import type { Storage } from '../../src/ports/storage.js';
import { silentLogger } from '../helpers/open-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const T0 = Date.parse('2026-02-01T00:00:00Z');

/**
 * The real SQLite adapter with one fault injected: the next 'ingest' transaction fails after its
 * body ran (as a COMMIT that hits a full disk would), so the writer's working set was mutated.
 */
function withFailingCommit(storage: Storage): { storage: Storage; failNextIngest(): void } {
  let fail = false;
  return {
    failNextIngest: () => {
      fail = true;
    },
    storage: {
      ...storage,
      uow: {
        run: (label, fn) =>
          storage.uow.run(label, async (stores) => {
            const result = await fn(stores);
            if (label === 'ingest' && fail) {
              fail = false;
              throw new Error('injected commit failure');
            }
            return result;
          }),
      },
      close: () => storage.close(),
    },
  };
}

const view = (userId: string, i: number, atMs: number) => ({
  type: 'track',
  event: 'Product Viewed',
  userId,
  messageId: `${userId}-${i}`,
  timestamp: new Date(atMs).toISOString(),
  properties: { product_id: `p${i}` },
});

async function ingest(app: AttuneApp, events: unknown[]) {
  return app.ingest({ workspaceId: WS, events, receivedAtMs: T0 + 86_400_000, impliedType: null, batchSentAt: null });
}

describe('write-behind profiles under faults', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('after a failed transaction, re-derives the working set from the log: no change lost, none counted twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-wb-'));
    dirs.push(dir);
    const faulty = withFailingCommit(openSqliteStorage({ path: join(dir, 'attune.db'), synchronous: 'normal' }));
    const app = await createAttuneApp({
      storage: faulty.storage,
      clock: { nowMs: () => Date.now() },
      logger: silentLogger,
      // Flush in small steps so that a flush cycle is in progress when the failure hits.
      config: { ...DEFAULT_APP_CONFIG, profiles: { cacheSize: 1000, flushIntervalMs: 3_600_000, maxDirtyProfiles: 3, flushChunkProfiles: 1 } },
    });
    try {
      await app.bootstrap({ adminSecret: 'wb-admin-key-0123456789', writeSecret: 'wb-write-key-0123456789' });
      await ingest(app, [view('a', 1, T0), view('b', 1, T0), view('c', 1, T0), view('d', 1, T0)]);
      await ingest(app, [view('a', 2, T0 + 1000), view('e', 1, T0 + 1000)]);
      faulty.failNextIngest();
      await expect(ingest(app, [view('a', 3, T0 + 2000), view('f', 1, T0 + 2000)])).rejects.toThrow('injected commit failure');
      // The client retries the failed batch, as SDKs do on a 5xx.
      expect(await ingest(app, [view('a', 3, T0 + 2000), view('f', 1, T0 + 2000)])).toMatchObject({ accepted: 2, duplicates: 0 });
      await ingest(app, [view('a', 4, T0 + 3000)]);

      const a = await app.getProfile(WS, { kind: 'user_id', value: 'a' }, T0 + 4000);
      expect(a?.features.productViews).toBe(4);
      expect(a?.state.eventCount).toBe(4);
      for (const user of ['b', 'c', 'd', 'e', 'f']) {
        expect((await app.getProfile(WS, { kind: 'user_id', value: user }, T0 + 4000))?.state.eventCount).toBe(1);
      }
      expect(await app.countProfiles(WS)).toBe(6);
      expect(await faulty.storage.read.profiles.getAppliedSeq(WS)).toBe(await faulty.storage.read.events.count(WS));
    } finally {
      await app.close();
    }
  });
});

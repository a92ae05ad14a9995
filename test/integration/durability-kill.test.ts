import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import { openTestApp } from '../helpers/open-test-app.js';
import { makeTempDir, startCli } from './cli-harness.js';

const tmp = makeTempDir('attune-kill9-');
afterAll(() => tmp.remove());

const URL_LINE = /(http:\/\/127\.0\.0\.1:\d+)/;
const WRITE_KEY = 'kill9-write-key-0123456789';
const ADMIN_KEY = 'kill9-admin-key-0123456789';

describe('durability', () => {
  it('keeps every event acknowledged with 2xx when the server is killed with SIGKILL right after', async () => {
    const data = join(tmp.path, 'store');
    const server = startCli(['serve', '--port', '0', '--data', data], { env: { ATTUNE_ADMIN_KEY: ADMIN_KEY, ATTUNE_WRITE_KEY: WRITE_KEY } });
    const acknowledged: string[] = [];
    try {
      const [, url] = await server.waitForStdout(URL_LINE, 20_000);
      const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
      // Many concurrent batches so that several group commits are in flight when the kill lands.
      const send = async (b: number): Promise<void> => {
        const batch = Array.from({ length: 100 }, (_, i) => ({
          type: 'track',
          event: 'Product Viewed',
          userId: `u-${(b * 7 + i) % 50}`,
          messageId: `k-${b}-${i}`,
          properties: { product_id: `p${i}` },
        }));
        const res = await fetch(`${url ?? ''}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify({ batch }),
        });
        if (res.status === 200) acknowledged.push(...batch.map((e) => e.messageId));
      };
      // 8 senders post batches back to back; the kill lands while several commits are in flight.
      let killed = false;
      const sender = async (worker: number): Promise<void> => {
        for (let b = worker; !killed; b += 8) await send(b);
      };
      const senders = Array.from({ length: 8 }, (_, w) => sender(w).catch(() => undefined));
      while (acknowledged.length < 2000) await new Promise((r) => setTimeout(r, 1));
      server.child.kill('SIGKILL');
      killed = true;
      await Promise.all(senders);
    } finally {
      server.child.kill('SIGKILL');
    }
    expect((await server.exited).signal).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThan(0);

    const reopened = await openTestApp('sqlite', { path: join(data, 'attune.db') });
    try {
      const stored = new Set<string>();
      let afterSeq = 0;
      for (;;) {
        const chunk = await reopened.storage.read.events.scan(DEFAULT_WORKSPACE_ID, { afterSeq, limit: 1000 });
        const last = chunk.at(-1);
        if (last === undefined) break;
        for (const event of chunk) stored.add(event.messageId);
        afterSeq = last.seq;
      }
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      // The profiles committed with the events: each event counted exactly once.
      let counted = 0;
      let afterId: Parameters<typeof reopened.app.listProfiles>[1]['afterId'] = null;
      for (;;) {
        const page = await reopened.app.listProfiles(DEFAULT_WORKSPACE_ID, { afterId, limit: 100 });
        const last = page.at(-1);
        if (last === undefined) break;
        for (const state of page) counted += state.eventCount;
        afterId = last.profileId;
      }
      expect(counted).toBe(stored.size);
    } finally {
      await reopened.close();
    }
  });
});

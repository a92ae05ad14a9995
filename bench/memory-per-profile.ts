/**
 * Memory phase of the ingest benchmark: N events through the app (no HTTP) into a fresh SQLite file,
 * then heap used per profile (with every profile in the writer's cache) and bytes on disk per profile.
 * Run with --expose-gc. Prints one JSON line.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from '../src/adapters/sqlite/index.js';
import { DEFAULT_APP_CONFIG } from '../src/app/app-config.js';
import { createAttuneApp } from '../src/app/create-attune-app.js';
import { DEFAULT_WORKSPACE_ID } from '../src/core/shared/ids.js';
import { createWorkload } from './workload.js';

const events = Number(process.argv[2] ?? 1_000_000);
const customers = Number(process.argv[3] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
const settle = (): number => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};

const dir = mkdtempSync(join(tmpdir(), 'attune-mem-'));
const storage = openSqliteStorage({ path: join(dir, 'attune.db'), synchronous: 'normal' });
const app = await createAttuneApp({
  storage,
  clock: { nowMs: () => Date.now() },
  logger: { info: () => {}, warn: () => {}, error: () => {} },
  config: { ...DEFAULT_APP_CONFIG, profiles: { ...DEFAULT_APP_CONFIG.profiles, cacheSize: customers * 2 } },
});
const heapBefore = settle();
const workload = createWorkload({ customers, seed: 7, startMs: Date.parse('2025-06-01T00:00:00Z'), stepMs: 20 });
const started = performance.now();
const inFlight: Promise<unknown>[] = [];
for (let sent = 0; sent < events; sent += 100) {
  const body = JSON.parse(workload.nextBatch(Math.min(100, events - sent))) as { batch: unknown[] };
  inFlight.push(app.ingest({ workspaceId: DEFAULT_WORKSPACE_ID, events: body.batch, receivedAtMs: Date.now(), impliedType: null, batchSentAt: null }));
  if (inFlight.length >= 50) await Promise.all(inFlight.splice(0));
  if (sent % 100_000 === 0) process.stderr.write(`memory phase: ${sent.toLocaleString('en')} / ${events.toLocaleString('en')} events\n`);
}
await Promise.all(inFlight);
const elapsedS = (performance.now() - started) / 1000;
const profiles = await app.countProfiles(DEFAULT_WORKSPACE_ID);
const heapAfter = settle();
const dbBytes = ['', '-wal'].reduce((n, s) => {
  try {
    return n + statSync(join(dir, `attune.db${s}`)).size;
  } catch {
    return n;
  }
}, 0);
await app.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    memoryPhaseEvents: events,
    memoryPhaseProfiles: profiles,
    inProcessEventsPerSecond: Math.round(events / elapsedS),
    heapBytesPerProfile: Math.round((heapAfter - heapBefore) / profiles),
    diskBytesPerProfileInclEvents: Math.round(dbBytes / profiles),
    diskBytesPerEvent: Math.round(dbBytes / events),
  })}\n`,
);

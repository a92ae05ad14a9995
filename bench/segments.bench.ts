/**
 * Segment engine benchmark (reports, never gates):
 *
 * 1. Incremental cost: the same e-commerce workload ingested in-process into fresh SQLite stores
 *    with 0 and with 50 segments defined (traits, features, behavioral windows, sequences, segment
 *    references), interleaved rounds; the added time per ingested event.
 * 2. Backfill: N profiles (default 1,000,000) written straight to the profile store, then one new
 *    segment is created and backfilled over all of them (cold: every profile is read; the time is
 *    set beside the store scan alone), then a second rule over the same values (warm: evaluated
 *    from the fact columns in memory), with the heap those columns take.
 *
 *   npm run bench:segments [-- --events 100000 --profiles 1000000 --rounds 2]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from '../src/adapters/sqlite/index.js';
import { DEFAULT_APP_CONFIG } from '../src/app/app-config.js';
import type { AttuneApp } from '../src/app/attune-app.js';
import { createAttuneApp } from '../src/app/create-attune-app.js';
import type { NormalizedEvent } from '../src/core/events/event.js';
import { foldProfile } from '../src/core/profiles/fold-profile.js';
import { DEFAULT_PROFILE_SPEC } from '../src/core/profiles/profile-spec.js';
import type { ProfileState } from '../src/core/profiles/profile-state.js';
import type { ProfileId } from '../src/core/shared/ids.js';
import { DEFAULT_WORKSPACE_ID, asProfileId } from '../src/core/shared/ids.js';
import { createWorkload } from './workload.js';

const WS = DEFAULT_WORKSPACE_ID;
const START_MS = Date.parse('2025-06-01T00:00:00Z');
const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const EVENTS = arg('events', 100_000);
const CUSTOMERS = arg('customers', 20_000);
const PROFILES = arg('profiles', 1_000_000);
const ROUNDS = arg('rounds', 2);
const silent = { info: () => {}, warn: () => {}, error: () => {} };

const CATEGORIES = ['Mugs', 'Candles', 'Bags', 'Lights', 'Cards', 'Toys', 'Kitchen', 'Garden'];

/** 50 segments of every kind the language has, over the workload's events and traits. */
function fiftySegments(): { key: string; text: string }[] {
  const out: { key: string; text: string }[] = [];
  const add = (key: string, text: string): void => {
    out.push({ key, text });
  };
  add('pro', 'traits.plan = "pro"');
  add('free', 'traits.plan = "free"');
  add('gb', 'traits.country = "GB"');
  add('gb-or-fr', 'traits.country in ["GB", "FR"]');
  add('has-plan', 'traits.plan exists');
  for (const n of [1, 2, 3, 5]) add(`orders-${n}`, `features.frequency >= ${n}`);
  for (const m of [20, 50, 100]) add(`spend-${m}`, `features.monetary > ${m}`);
  add('recent-buyer', 'features.ordersLast30d >= 1');
  add('considering', 'features.buyingStage.stage = "considering"');
  add('cart-open', 'features.cartItemCount > 0');
  add('sessions-3', 'features.sessions >= 3');
  add('viewer-10', 'features.productViews >= 10');
  for (const c of CATEGORIES) add(`top-${c.toLowerCase()}`, `features.topCategory = "${c}"`);
  for (const c of CATEGORIES) add(`views-${c.toLowerCase()}`, `did "Product Viewed" where category = "${c}" at least 3 times within 1 day`);
  add('bought-7d', 'did "Order Completed" within 7 days');
  add('no-order-30d', 'did not "Order Completed" within 30 days');
  add('adds-2h', 'did "Product Added" at least 2 times within 2 hours');
  add('checkout-1d', 'did "Checkout Started" within 1 day');
  add('seq-abandon', 'did "Product Added" then did not "Order Completed" within 1 hour');
  add('seq-convert', 'did "Product Viewed" then did "Order Completed" within 1 day');
  add('seq-checkout', 'did "Checkout Started" then did not "Order Completed" within 30 minutes');
  add('pro-buyer', 'in_segment("pro") and in_segment("orders-1")');
  add('gb-spender', 'in_segment("gb") and in_segment("spend-50")');
  add('lapsed-pro', 'in_segment("pro") and in_segment("no-order-30d")');
  add('mug-fan', 'in_segment("top-mugs") or in_segment("views-mugs")');
  add('not-pro', 'not in_segment("pro") and features.frequency >= 2');
  return out;
}

async function openApp(dir: string): Promise<AttuneApp> {
  const storage = openSqliteStorage({ path: join(dir, 'attune.db'), synchronous: 'normal' });
  const app = await createAttuneApp({ storage, clock: { nowMs: () => Date.now() }, logger: silent, config: DEFAULT_APP_CONFIG });
  await app.bootstrap({ adminSecret: null, writeSecret: null });
  return app;
}

/** Ingests the workload in-process (batches of 100, 50 in flight, as the ingest bench's memory phase). */
async function ingestRun(segments: readonly { key: string; text: string }[]): Promise<{ seconds: number; changes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'attune-seg-bench-'));
  const app = await openApp(dir);
  try {
    for (const segment of segments) await app.segments.create(WS, segment);
    const workload = createWorkload({ customers: CUSTOMERS, seed: 11, startMs: START_MS, stepMs: 20 });
    const batches: unknown[][] = [];
    for (let made = 0; made < EVENTS; made += 100) batches.push((JSON.parse(workload.nextBatch(Math.min(100, EVENTS - made))) as { batch: unknown[] }).batch);
    const started = performance.now();
    const inFlight: Promise<unknown>[] = [];
    for (const batch of batches) {
      inFlight.push(app.ingest({ workspaceId: WS, events: batch, receivedAtMs: Date.now(), impliedType: null, batchSentAt: null }));
      if (inFlight.length >= 50) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - started) / 1000;
    const changes = (await app.segments.changes(WS, { afterSeq: 0, limit: 1_000_000 })).length;
    return { seconds, changes };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function syntheticEvent(i: number, kind: 'identify' | 'order', atMs: number): NormalizedEvent {
  return {
    messageId: `b${i}-${kind}`,
    type: kind === 'identify' ? 'identify' : 'track',
    event: kind === 'identify' ? null : 'Order Completed',
    name: null,
    userId: `u${i}`,
    anonymousId: null,
    previousId: null,
    groupId: null,
    properties: kind === 'order' ? { order_id: `o${i}`, revenue: 10 + (i % 90) } : {},
    traits: kind === 'identify' ? { plan: i % 10 === 0 ? 'pro' : 'free', country: i % 3 === 0 ? 'FR' : 'GB' } : {},
    context: {},
    receivedAtMs: atMs,
    sentAtMs: null,
    timestampMs: atMs,
  } as NormalizedEvent;
}

/** N profiles written straight to the store (no events: the backfill reads profiles only). */
async function backfillRun(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'attune-seg-backfill-'));
  try {
    const storage = openSqliteStorage({ path: join(dir, 'attune.db'), synchronous: 'normal' });
    const writeStarted = performance.now();
    const CHUNK = 5_000;
    for (let start = 0; start < PROFILES; start += CHUNK) {
      const states: ProfileState[] = [];
      for (let i = start; i < Math.min(PROFILES, start + CHUNK); i++) {
        const id: ProfileId = asProfileId(`prf_${i.toString(16).padStart(24, '0')}`);
        const events = [syntheticEvent(i, 'identify', START_MS + i)];
        for (let o = 0; o < i % 4; o++) events.push({ ...syntheticEvent(i, 'order', START_MS + i + (o + 1) * 86_400_000), messageId: `b${i}-o${o}`, properties: { order_id: `o${i}-${o}`, revenue: 10 + (i % 90) } });
        states.push(foldProfile(id, events, DEFAULT_PROFILE_SPEC));
      }
      await storage.uow.run('bench:profiles', (stores) => stores.profiles.putMany(WS, states));
      if (start % 200_000 === 0) process.stderr.write(`backfill setup: ${start.toLocaleString('en')} / ${PROFILES.toLocaleString('en')} profiles\n`);
    }
    const writeSeconds = (performance.now() - writeStarted) / 1000;
    // The scan alone, as the backfill does it: pages of 5,000 profiles by id.
    const scanStarted = performance.now();
    let scanned = 0;
    let afterId: ProfileId | null = null;
    for (;;) {
      const page: readonly ProfileState[] = await storage.read.profiles.list(WS, { afterId, limit: DEFAULT_APP_CONFIG.segments.backfillChunkProfiles });
      const last = page.at(-1);
      if (last === undefined) break;
      scanned += page.length;
      afterId = last.profileId;
    }
    const scanSeconds = (performance.now() - scanStarted) / 1000;
    const app = await createAttuneApp({ storage, clock: { nowMs: () => Date.now() }, logger: silent, config: DEFAULT_APP_CONFIG });
    await app.bootstrap({ adminSecret: null, writeSecret: null });
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    // Cold: the first rule over these values reads every stored profile (and keeps the values).
    const saved = await app.segments.create(WS, { key: 'pro-repeat', text: 'traits.plan = "pro" and features.frequency >= 2' });
    gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    // Warm: another rule over the same values is evaluated from memory.
    const warm = await app.segments.create(WS, { key: 'pro-two', text: 'traits.plan = "pro" and features.frequency = 2' });
    const previewStarted = performance.now();
    const preview = await app.segments.preview(WS, { text: 'traits.country = "FR" and features.monetary > 50' });
    const previewFirstMs = performance.now() - previewStarted;
    const again = performance.now();
    await app.segments.preview(WS, { text: 'traits.country = "FR" and features.monetary > 60' });
    const previewCachedMs = performance.now() - again;
    await app.close();
    return {
      profiles: scanned,
      setupWriteSeconds: round(writeSeconds),
      scanOnlySeconds: round(scanSeconds),
      backfillSeconds: round(saved.backfill.elapsedMs / 1000),
      backfillMode: saved.backfill.mode === 'scan' ? 1 : 0,
      backfillEntered: saved.backfill.entered,
      warmBackfillSeconds: round(warm.backfill.elapsedMs / 1000),
      warmBackfillMemoryMode: warm.backfill.mode === 'memory' ? 1 : 0,
      warmBackfillEntered: warm.backfill.entered,
      heapMegabytesAfterColdBackfill: gc === undefined ? -1 : round((heapAfter - heapBefore) / 1e6),
      previewFirstMs: round(previewFirstMs),
      previewCachedMs: round(previewCachedMs),
      previewEstimatedSize: preview.estimatedSize,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const segments = fiftySegments();
const rounds: { none: number; fifty: number; changes: number }[] = [];
for (let r = 0; r < (EVENTS > 0 ? ROUNDS : 0); r++) {
  const none = await ingestRun([]);
  const fifty = await ingestRun(segments);
  rounds.push({ none: none.seconds, fifty: fifty.seconds, changes: fifty.changes });
  process.stderr.write(`round ${r + 1}: 0 segments ${Math.round(EVENTS / none.seconds)} ev/s, 50 segments ${Math.round(EVENTS / fifty.seconds)} ev/s (${fifty.changes} membership changes)\n`);
}
const bestNone = rounds.length > 0 ? Math.min(...rounds.map((r) => r.none)) : Number.NaN;
const bestFifty = rounds.length > 0 ? Math.min(...rounds.map((r) => r.fifty)) : Number.NaN;
const backfill = PROFILES > 0 ? await backfillRun() : {};

const report = {
  benchmark: 'segments',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version },
  settings: { events: EVENTS, customers: CUSTOMERS, rounds: ROUNDS, segments: segments.length, profiles: PROFILES },
  ingest: {
    eventsPerSecondNoSegments: Math.round(EVENTS / bestNone),
    eventsPerSecondFiftySegments: Math.round(EVENTS / bestFifty),
    ratio: round(bestNone / bestFifty),
    addedMicrosecondsPerEvent: round(((bestFifty - bestNone) / EVENTS) * 1e6),
    membershipChanges: rounds.at(-1)?.changes ?? 0,
    membershipChangesPerEvent: round((rounds.at(-1)?.changes ?? 0) / Math.max(1, EVENTS)),
  },
  backfill,
  rounds,
};
// Partial runs (--events 0 or --profiles 0, for profiling one phase) print but keep the recorded results.
if (EVENTS > 0 && PROFILES > 0) {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/segments.json', `${JSON.stringify(report, null, 2)}\n`);
}
process.stdout.write(
  [
    '',
    '| measure | value |',
    '|---|---|',
    `| ingest, 0 segments | ${report.ingest.eventsPerSecondNoSegments.toLocaleString('en')} events/s |`,
    `| ingest, 50 segments | ${report.ingest.eventsPerSecondFiftySegments.toLocaleString('en')} events/s |`,
    `| added cost per event | ${report.ingest.addedMicrosecondsPerEvent} µs |`,
    ...Object.entries(backfill).map(([k, v]) => `| backfill ${k} | ${v} |`),
    '',
  ].join('\n'),
);

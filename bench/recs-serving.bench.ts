/**
 * Recommendation serving latency (reports, never gates).
 *
 * A synthetic shop (seeded: catalog items in categories with price/stock/brand, shoppers in taste
 * clusters with Zipf-like item popularity and activity, sessions of Product Viewed, some Product
 * Added, some Order Completed, over 90 days) is ingested in-process into a temp SQLite store and the
 * recommender is trained (worker thread, the default). Then:
 *
 * 1. In-process: sequential calls of recommendations.forUser / forItem / forBasket (3 items), each
 *    timed with performance.now(); baseline in the same run: app.getProfile for the same users.
 * 2. HTTP: the real server (buildApp + startServer on 127.0.0.1, port 0) over a real loopback
 *    socket. Open-loop load at a fixed rate from a separate process (this file with --load-gen, so
 *    the client does not share the server's event loop) through http.Agent({ keepAlive, maxSockets 64 }),
 *    against GET /v1/recommendations/{userId}?count=10 and, as the baseline, GET /health. Latency is
 *    measured from each request's SCHEDULED send time, so queueing is not hidden (coordinated
 *    omission). A warm-up (not counted) precedes each.
 *
 * Results go to bench/results/recs-serving.json (not with --quick).
 *
 *   npm run bench:recs-serving [-- --rate 1000 --seconds 10 --warmup 2 --quick]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openSqliteStorage } from '../src/adapters/sqlite/index.js';
import { DEFAULT_APP_CONFIG } from '../src/app/app-config.js';
import type { AttuneApp, ProfileLookup } from '../src/app/attune-app.js';
import { createAttuneApp } from '../src/app/create-attune-app.js';
import type { Rng } from '../src/core/shared/rng.js';
import { createRng } from '../src/core/shared/rng.js';
import { DEFAULT_WORKSPACE_ID } from '../src/core/shared/ids.js';
import { buildApp } from '../src/server/build-app.js';
import { startServer } from '../src/server/main-server.js';
import { DEFAULT_SERVER_OPTIONS } from '../src/server/server-options.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const WS = DEFAULT_WORKSPACE_ID;
const DAY = 86_400_000;
const ADMIN_KEY = 'bench_admin_key_0123456789abcdef';
const WRITE_KEY = 'bench_write_key_0123456789abcdef';

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

interface LatencySummary {
  readonly n: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number): number => (sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN));
  let sum = 0;
  for (const x of sorted) sum += x;
  return { n: sorted.length, p50Ms: r3(at(0.5)), p90Ms: r3(at(0.9)), p99Ms: r3(at(0.99)), maxMs: r3(sorted.at(-1) ?? Number.NaN), meanMs: r3(sum / Math.max(1, sorted.length)) };
}

function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Load generator (child process): open loop at a fixed rate, latency from the scheduled send time
// ---------------------------------------------------------------------------------------------

interface LoadRequest {
  readonly baseUrl: string;
  /** Paths are drawn from this list with a seeded RNG. */
  readonly paths: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly rate: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly seed: number;
}

interface LoadResult {
  readonly scheduled: number;
  readonly completed: number;
  readonly errors: number;
  readonly non200: number;
  readonly firstError: string | null;
  readonly achievedRate: number;
  readonly latency: LatencySummary;
  /** How late the generator itself sent, past the schedule (client-side lag). */
  readonly sendLag: LatencySummary;
}

async function openLoop(agent: Agent, req: LoadRequest, seconds: number, count: boolean, rng: Rng): Promise<LoadResult> {
  const url = new URL(req.baseUrl);
  const total = Math.round(req.rate * seconds);
  const intervalMs = 1000 / req.rate;
  const latencies: number[] = [];
  const lags: number[] = [];
  let errors = 0;
  let non200 = 0;
  let completed = 0;
  let firstError: string | null = null;
  let sent = 0;
  let lastDoneAt = 0;
  const start = performance.now() + 5;
  return new Promise((resolve) => {
    const finishIfDone = (): void => {
      if (completed + errors < total) return;
      const span = (lastDoneAt - start) / 1000;
      resolve({
        scheduled: total,
        completed,
        errors,
        non200,
        firstError,
        achievedRate: Math.round((completed / Math.max(span, seconds)) * 10) / 10,
        latency: summarize(latencies),
        sendLag: summarize(lags),
      });
    };
    const send = (scheduledAt: number): void => {
      const path = req.paths[rng.nextInt(req.paths.length)] ?? '/';
      lags.push(performance.now() - scheduledAt);
      const done = (ok: boolean, status: number, error: string | null): void => {
        const now = performance.now();
        lastDoneAt = now;
        if (!ok) {
          errors++;
          if (status !== 0 && status !== 200) non200++;
          firstError ??= error ?? `HTTP ${status}`;
        } else {
          completed++;
          if (count) latencies.push(now - scheduledAt);
        }
        finishIfDone();
      };
      const r = httpRequest({ agent, host: url.hostname, port: url.port, path, method: 'GET', headers: req.headers }, (res) => {
        const status = res.statusCode ?? 0;
        res.on('data', () => undefined);
        res.on('end', () => done(status === 200, status, status === 200 ? null : `HTTP ${status} on ${path}`));
        res.on('error', (e) => done(false, 0, String(e)));
      });
      r.on('error', (e) => done(false, 0, String(e)));
      r.end();
    };
    const tick = (): void => {
      const now = performance.now();
      while (sent < total) {
        const scheduledAt = start + sent * intervalMs;
        if (scheduledAt > now) break;
        sent++;
        send(scheduledAt);
      }
      if (sent < total) setTimeout(tick, Math.max(0, Math.min(1, start + sent * intervalMs - performance.now())));
    };
    setTimeout(tick, 5);
  });
}

async function runLoadGenerator(): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  process.on('message', (message: LoadRequest) => {
    void (async () => {
      const rng = createRng(message.seed);
      if (message.warmupSeconds > 0) await openLoop(agent, message, message.warmupSeconds, false, rng);
      const result = await openLoop(agent, message, message.seconds, true, rng);
      process.send?.(result);
    })();
  });
  process.on('disconnect', () => {
    agent.destroy();
    process.exit(0);
  });
}

function startLoadGenerator(): ChildProcess {
  return fork(THIS_FILE, ['--load-gen'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function askLoad(child: ChildProcess, req: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`load generator exited ${String(code)}`));
    child.once('exit', onExit);
    child.once('message', (result) => {
      child.off('exit', onExit);
      resolve(result as LoadResult);
    });
    child.send(req);
  });
}

// ---------------------------------------------------------------------------------------------
// Synthetic shop
// ---------------------------------------------------------------------------------------------

interface Shop {
  readonly catalog: readonly Record<string, unknown>[];
  /** Emptied after ingest, so the generated events do not weigh on the heap while serving is measured. */
  readonly events: Record<string, unknown>[];
  readonly users: readonly string[];
  readonly itemIds: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
}

/** Cumulative weights, sampled by binary search. */
function sampler(weights: readonly number[], rng: Rng): () => number {
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    cumulative[i] = sum;
  });
  return () => {
    const x = rng.next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

function makeShop(opts: { items: number; categories: number; shoppers: number; events: number; clusters: number; nowMs: number; seed: number }): Shop {
  const rng = createRng(opts.seed);
  const categories = Array.from({ length: opts.categories }, (_, c) => `cat-${String(c).padStart(2, '0')}`);
  const itemIds: string[] = [];
  const itemCategory: number[] = [];
  const itemPrice: number[] = [];
  const catalog: Record<string, unknown>[] = [];
  for (let i = 0; i < opts.items; i++) {
    const c = rng.nextInt(opts.categories);
    const id = `sku-${String(i).padStart(5, '0')}`;
    // Log-uniform-ish prices from 3 to 300, 5 brands per category, 4% out of stock.
    const price = Math.round(3 * Math.exp(rng.next() * Math.log(100)) * 100) / 100;
    itemIds.push(id);
    itemCategory.push(c);
    itemPrice.push(price);
    catalog.push({
      id,
      name: `Product ${i}`,
      category: categories[c],
      price,
      stock: rng.next() < 0.04 ? 0 : 1 + rng.nextInt(200),
      attributes: { brand: `brand-${c}-${rng.nextInt(5)}` },
    });
  }
  // Zipf popularity over a random permutation of the items (exponent 1.0).
  const rankOf = shuffle(Array.from({ length: opts.items }, (_, i) => i), rng);
  const popularity = rankOf.map((rank) => 1 / (rank + 1));
  const anyItem = sampler(popularity, rng);
  const byCategory: number[][] = categories.map(() => []);
  itemIds.forEach((_, i) => byCategory[itemCategory[i] ?? 0]?.push(i));
  const inCategory = byCategory.map((members) => {
    const pick = sampler(members.map((i) => popularity[i] ?? 0), rng);
    return () => members[pick()] ?? 0;
  });
  // Taste clusters: each likes 3 categories.
  const clusterCategories = Array.from({ length: opts.clusters }, () => [rng.nextInt(opts.categories), rng.nextInt(opts.categories), rng.nextInt(opts.categories)]);
  const users = Array.from({ length: opts.shoppers }, (_, u) => `u${u}`);
  const userCluster = users.map(() => rng.nextInt(opts.clusters));
  // Activity: Zipf-like over shoppers (exponent 0.7), so a few shoppers have long histories.
  const activityRank = shuffle(Array.from({ length: opts.shoppers }, (_, i) => i), rng);
  const pickUser = sampler(activityRank.map((rank) => 1 / (rank + 1) ** 0.7), rng);

  const events: Record<string, unknown>[] = [];
  const counts = { views: 0, adds: 0, orders: 0, sessions: 0 };
  let n = 0;
  const pickItem = (u: number): number => {
    if (rng.next() < 0.7) {
      const cats = clusterCategories[userCluster[u] ?? 0] ?? [0];
      return inCategory[cats[rng.nextInt(cats.length)] ?? 0]?.() ?? 0;
    }
    return anyItem();
  };
  const session = (u: number): void => {
    const userId = users[u] ?? 'u0';
    counts.sessions++;
    let t = opts.nowMs - 90 * DAY + rng.next() * (90 * DAY - 3_600_000);
    const views = 1 + rng.nextInt(6);
    const viewed: number[] = [];
    // Views in a session stay mostly in one category (browsing), sometimes jump.
    let current = pickItem(u);
    for (let v = 0; v < views; v++) {
      if (v > 0) current = rng.next() < 0.6 ? (inCategory[itemCategory[current] ?? 0]?.() ?? current) : pickItem(u);
      viewed.push(current);
      t += 20_000 + rng.nextInt(100_000);
      counts.views++;
      events.push({ type: 'track', event: 'Product Viewed', userId, messageId: `m${++n}`, timestamp: new Date(t).toISOString(), properties: { product_id: itemIds[current], category: categories[itemCategory[current] ?? 0], price: itemPrice[current] } });
    }
    if (rng.next() < 0.3) {
      const added = [...new Set(viewed.filter(() => rng.next() < 0.5))];
      if (added.length === 0) added.push(viewed.at(-1) ?? 0);
      for (const item of added) {
        t += 10_000 + rng.nextInt(30_000);
        counts.adds++;
        events.push({ type: 'track', event: 'Product Added', userId, messageId: `m${++n}`, timestamp: new Date(t).toISOString(), properties: { product_id: itemIds[item], price: itemPrice[item], quantity: 1 } });
      }
      if (rng.next() < 0.55) {
        t += 60_000 + rng.nextInt(300_000);
        counts.orders++;
        const products = added.map((item) => ({ product_id: itemIds[item], quantity: 1, price: itemPrice[item] }));
        const revenue = Math.round(products.reduce((s, p) => s + (p.price ?? 0), 0) * 100) / 100;
        events.push({ type: 'track', event: 'Order Completed', userId, messageId: `m${++n}`, timestamp: new Date(t).toISOString(), properties: { order_id: `o${n}`, revenue, currency: 'EUR', products } });
      }
    }
  };
  // Every shopper has at least one session; the rest go by activity.
  for (let u = 0; u < opts.shoppers && events.length < opts.events; u++) session(u);
  while (events.length < opts.events) session(pickUser());
  events.sort((a, b) => (String(a['timestamp']) < String(b['timestamp']) ? -1 : 1));
  return { catalog, events, users, itemIds, counts: { ...counts, events: events.length } };
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function timeCalls(n: number, call: (i: number) => Promise<unknown>): Promise<{ latency: LatencySummary; callsPerSecond: number }> {
  const samples = new Array<number>(n);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(i);
    samples[i] = performance.now() - t0;
  }
  const seconds = (performance.now() - started) / 1000;
  return { latency: summarize(samples), callsPerSecond: Math.round(n / seconds) };
}

/** Server-side view of one HTTP phase: event-loop delay and GC pauses in this (the server's) process. */
interface ServerSide {
  readonly eventLoopDelayP50Ms: number;
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  readonly gcPauses: number;
  readonly gcPauseTotalMs: number;
  readonly gcPauseMaxMs: number;
}

async function watchServer<T>(run: () => Promise<T>): Promise<{ result: T; server: ServerSide }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  delay.enable();
  try {
    const result = await run();
    return {
      result,
      server: {
        eventLoopDelayP50Ms: r3(delay.percentile(50) / 1e6),
        eventLoopDelayP99Ms: r3(delay.percentile(99) / 1e6),
        eventLoopDelayMaxMs: r3(delay.max / 1e6),
        gcPauses: pauses.length,
        gcPauseTotalMs: r3(pauses.reduce((a, b) => a + b, 0)),
        gcPauseMaxMs: r3(Math.max(0, ...pauses)),
      },
    };
  } finally {
    delay.disable();
    observer.disconnect();
  }
}

function row(name: string, s: LatencySummary, extra: string): string {
  return `| ${name} | ${s.p50Ms.toFixed(3)} | ${s.p90Ms.toFixed(3)} | ${s.p99Ms.toFixed(3)} | ${s.maxMs.toFixed(3)} | ${extra} |`;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      seed: { type: 'string', default: '7' },
      'load-gen': { type: 'boolean', default: false },
    },
  });
  const quick = args.quick === true;
  const params = {
    quick,
    seed: Number(args.seed),
    items: quick ? 500 : 2_000,
    categories: quick ? 20 : 40,
    shoppers: quick ? 2_000 : 20_000,
    events: quick ? 30_000 : 300_000,
    clusters: quick ? 10 : 20,
    ingestBatch: 500,
    forUserCalls: quick ? 2_000 : 20_000,
    forItemCalls: quick ? 500 : 5_000,
    forBasketCalls: quick ? 500 : 5_000,
    basketSize: 3,
    count: 10,
    rate: Number(args.rate ?? 1000),
    seconds: Number(args.seconds ?? (quick ? 3 : 10)),
    warmupSeconds: Number(args.warmup ?? (quick ? 1 : 2)),
    maxSockets: 64,
  };
  const silent = { info: () => {}, warn: () => {}, error: () => {} };
  const nowMs = Date.now();
  const t0 = performance.now();
  const shop = makeShop({ items: params.items, categories: params.categories, shoppers: params.shoppers, events: params.events, clusters: params.clusters, nowMs, seed: params.seed });
  const generateSeconds = (performance.now() - t0) / 1000;
  console.log(`generated ${shop.events.length.toLocaleString('en')} events (${JSON.stringify(shop.counts)}) in ${generateSeconds.toFixed(1)} s`);

  const dir = mkdtempSync(join(tmpdir(), 'attune-recs-serving-'));
  const storage = openSqliteStorage({ path: join(dir, 'attune.db'), synchronous: 'normal' });
  const app: AttuneApp = await createAttuneApp({ storage, clock: { nowMs: () => Date.now() }, logger: silent, config: DEFAULT_APP_CONFIG });
  let loadGen: ChildProcess | null = null;
  let closeServer: (() => Promise<void>) | null = null;
  try {
    if ((await app.bootstrap({ adminSecret: ADMIN_KEY, writeSecret: WRITE_KEY })) === null) throw new Error('a fresh store must bootstrap');
    for (let s = 0; s < shop.catalog.length; s += 500) {
      const outcome = await app.upsertCatalog(WS, shop.catalog.slice(s, s + 500));
      if (outcome.rejected.length > 0) throw new Error(`catalog rejected: ${JSON.stringify(outcome.rejected[0])}`);
    }

    // Ingest.
    const ingestStarted = performance.now();
    let rejected = 0;
    let lastReport = ingestStarted;
    for (let s = 0; s < shop.events.length; s += params.ingestBatch) {
      const outcome = await app.ingest({ workspaceId: WS, events: shop.events.slice(s, s + params.ingestBatch), receivedAtMs: Date.now(), impliedType: null, batchSentAt: null });
      if (outcome.rejected.length > 0 && rejected === 0) console.log(`first rejection: ${JSON.stringify(outcome.rejected[0])}`);
      rejected += outcome.rejected.length;
      const done = Math.min(shop.events.length, s + params.ingestBatch);
      if (performance.now() - lastReport > 2_000 || done === shop.events.length) {
        lastReport = performance.now();
        console.log(`  ingested ${done.toLocaleString('en')} / ${shop.events.length.toLocaleString('en')} (${Math.round(done / ((lastReport - ingestStarted) / 1000)).toLocaleString('en')} ev/s)`);
      }
    }
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    if (rejected > 0) throw new Error(`${rejected} events rejected`);
    shop.events.length = 0;

    // Train.
    const trainStarted = performance.now();
    const version = await app.recommendations.train(WS, {});
    const trainSeconds = (performance.now() - trainStarted) / 1000;
    const rep = version.report;
    console.log(
      `trained v${version.version} in ${trainSeconds.toFixed(1)} s: ${rep.users} users, ${rep.items} items (${rep.catalogItems} catalog), interactions ${JSON.stringify(rep.interactions)}, ` +
        `personal ${rep.personal.algorithm} (${rep.personal.reason}), ${rep.replenishableItems} replenishable, weights ${rep.weightsSource}; steps ${JSON.stringify(rep.timings)}`,
    );

    // In-process.
    const rng = createRng(params.seed + 1);
    const lookups: ProfileLookup[] = Array.from({ length: params.forUserCalls }, () => ({ kind: 'user_id', value: shop.users[rng.nextInt(shop.users.length)] ?? 'u0' }));
    const anchors = Array.from({ length: Math.max(params.forItemCalls, params.forBasketCalls) }, () => shop.itemIds[rng.nextInt(shop.itemIds.length)] ?? '');
    const baskets = Array.from({ length: params.forBasketCalls }, () => Array.from({ length: params.basketSize }, () => shop.itemIds[rng.nextInt(shop.itemIds.length)] ?? ''));
    const query = { count: params.count };
    // Warm-up (JIT, caches), not counted.
    for (let i = 0; i < Math.min(1_000, lookups.length); i++) {
      const lookup = lookups[i] as ProfileLookup;
      await app.getProfile(WS, lookup, Date.now());
      await app.recommendations.forUser(WS, lookup, query);
    }
    const getProfile = await timeCalls(lookups.length, (i) => app.getProfile(WS, lookups[i] as ProfileLookup, Date.now()));
    const forUser = await timeCalls(lookups.length, (i) => app.recommendations.forUser(WS, lookups[i] as ProfileLookup, query));
    const forItem = await timeCalls(params.forItemCalls, (i) => app.recommendations.forItem(WS, anchors[i] ?? '', null, query));
    const forBasket = await timeCalls(params.forBasketCalls, (i) => app.recommendations.forBasket(WS, baskets[i] ?? [], null, query));
    const sample = await app.recommendations.forUser(WS, lookups[0] as ProfileLookup, query);
    console.log(`sample forUser(${(lookups[0] as ProfileLookup).value}): personalized=${sample.personalized}, ${sample.items.length} items, strategies ${[...new Set(sample.items.map((i) => i.strategy))].join(',')}`);
    const inProcess = {
      getProfile,
      forUser,
      forItem,
      forBasket,
      ratioForUserToGetProfileP50: r3(forUser.latency.p50Ms / getProfile.latency.p50Ms),
    };
    console.log(
      [
        '',
        'In-process (sequential calls; ms)',
        '| call | p50 | p90 | p99 | max | calls/s |',
        '|---|---|---|---|---|---|',
        row('getProfile (baseline)', getProfile.latency, getProfile.callsPerSecond.toLocaleString('en')),
        row('forUser', forUser.latency, forUser.callsPerSecond.toLocaleString('en')),
        row('forItem', forItem.latency, forItem.callsPerSecond.toLocaleString('en')),
        row(`forBasket (${params.basketSize} items)`, forBasket.latency, forBasket.callsPerSecond.toLocaleString('en')),
        `forUser p50 / getProfile p50 = ${inProcess.ratioForUserToGetProfileP50}`,
        '',
      ].join('\n'),
    );

    // HTTP: the real server on a loopback socket, the load from another process.
    const instance = await buildApp({ app, log: false }, DEFAULT_SERVER_OPTIONS);
    const server = await startServer(instance, { host: '127.0.0.1', port: 0 });
    closeServer = server.close;
    loadGen = startLoadGenerator();
    const common = { baseUrl: server.url, rate: params.rate, seconds: params.seconds, warmupSeconds: params.warmupSeconds };
    const recsPaths = shop.users.map((u) => `/v1/recommendations/${encodeURIComponent(u)}?count=${params.count}`);
    console.log(`HTTP: ${params.rate} req/s open loop for ${params.seconds} s (+${params.warmupSeconds} s warm-up) per target at ${server.url}`);
    const gen = loadGen;
    const { result: health, server: healthServer } = await watchServer(() => askLoad(gen, { ...common, paths: ['/health'], headers: {}, seed: params.seed + 2 }));
    console.log(`  /health done: ${health.completed} ok, ${health.errors} errors`);
    const { result: recs, server: recsServer } = await watchServer(() => askLoad(gen, { ...common, paths: recsPaths, headers: { authorization: `Bearer ${ADMIN_KEY}` }, seed: params.seed + 3 }));
    console.log(`  /v1/recommendations done: ${recs.completed} ok, ${recs.errors} errors${recs.firstError === null ? '' : ` (first: ${recs.firstError})`}`);
    const http = {
      health: { ...health, server: healthServer },
      recommendations: { ...recs, server: recsServer },
      ratioRecsToHealthP50: r3(recs.latency.p50Ms / health.latency.p50Ms),
      ratioRecsToHealthP99: r3(recs.latency.p99Ms / health.latency.p99Ms),
    };
    console.log(
      [
        '',
        `HTTP, open loop at ${params.rate} req/s, latency from the scheduled send time (ms)`,
        '| route | p50 | p90 | p99 | max | achieved req/s, errors |',
        '|---|---|---|---|---|---|',
        row('GET /health (baseline)', health.latency, `${health.achievedRate}, ${health.errors}`),
        row(`GET /v1/recommendations/:userId?count=${params.count}`, recs.latency, `${recs.achievedRate}, ${recs.errors}`),
        `recs / health: p50 ${http.ratioRecsToHealthP50}, p99 ${http.ratioRecsToHealthP99}; client send lag p99 ${health.sendLag.p99Ms} / ${recs.sendLag.p99Ms} ms`,
        `server event-loop delay max (incl. warm-up): health ${healthServer.eventLoopDelayMaxMs} ms, recs ${recsServer.eventLoopDelayMaxMs} ms; ` +
          `GC pauses: health ${healthServer.gcPauses} (max ${healthServer.gcPauseMaxMs} ms, total ${healthServer.gcPauseTotalMs} ms), recs ${recsServer.gcPauses} (max ${recsServer.gcPauseMaxMs} ms, total ${recsServer.gcPauseTotalMs} ms)`,
        '',
      ].join('\n'),
    );

    const report = {
      benchmark: 'recs-serving',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
      params,
      data: { ...shop.counts, generateSeconds: r3(generateSeconds), ingestSeconds: r3(ingestSeconds), ingestEventsPerSecond: Math.round(shop.events.length / ingestSeconds) },
      training: { seconds: r3(trainSeconds), version: version.version, report: rep },
      inProcess,
      http,
    };
    if (!quick) {
      mkdirSync(join(THIS_FILE, '..', 'results'), { recursive: true });
      const out = join(THIS_FILE, '..', 'results', 'recs-serving.json');
      writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`wrote ${out}`);
    }
    if (health.errors > 0 || recs.errors > 0) process.exitCode = 1;
  } finally {
    loadGen?.disconnect();
    if (closeServer !== null) await closeServer();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--load-gen')) await runLoadGenerator();
else await main();

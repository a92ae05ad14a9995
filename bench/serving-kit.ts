/**
 * Shared pieces of the serving benchmarks (recs-serving, decide): the seeded synthetic shop and
 * its loading, latency summaries, in-process call timing, the server-side watch (event-loop delay,
 * GC pauses) and the HTTP load generator, which runs as a child process (this module forked with
 * --load-gen) so the client does not share the server's event loop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import type { AttuneApp } from '../src/app/attune-app.js';
import type { Rng } from '../src/core/shared/rng.js';
import { createRng } from '../src/core/shared/rng.js';
import { DEFAULT_WORKSPACE_ID } from '../src/core/shared/ids.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const WS = DEFAULT_WORKSPACE_ID;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

export interface LatencySummary {
  readonly n: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number): number => (sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN));
  let sum = 0;
  for (const x of sorted) sum += x;
  return { n: sorted.length, p50Ms: r3(at(0.5)), p90Ms: r3(at(0.9)), p99Ms: r3(at(0.99)), maxMs: r3(sorted.at(-1) ?? Number.NaN), meanMs: r3(sum / Math.max(1, sorted.length)) };
}

export function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Load generator (child process): open loop at a fixed rate, latency from the scheduled send time;
// or closed loop (N connections, each sends again as soon as its answer is in) for max throughput
// ---------------------------------------------------------------------------------------------

/** One request the generator may send; each send draws one with a seeded RNG. */
export interface LoadTarget {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** A JSON body (POST), sent with content-type application/json. */
  readonly body?: string;
}

export interface LoadRequest {
  readonly baseUrl: string;
  readonly targets: readonly LoadTarget[];
  readonly headers: Readonly<Record<string, string>>;
  readonly rate: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly seed: number;
  /** Closed loop with this many connections instead of the open loop at `rate`. */
  readonly concurrency?: number;
}

export interface LoadResult {
  readonly scheduled: number;
  readonly completed: number;
  readonly errors: number;
  readonly non200: number;
  readonly firstError: string | null;
  readonly achievedRate: number;
  /** Open loop: from the scheduled send time; closed loop: from the send. */
  readonly latency: LatencySummary;
  /** How late the generator itself sent, past the schedule (client-side lag; empty in a closed loop). */
  readonly sendLag: LatencySummary;
  /** CPU the generator process used over the measured span, in cores (1 = one core busy). */
  readonly clientCpuCores: number;
}

function sendOne(agent: Agent, url: URL, target: LoadTarget, headers: Readonly<Record<string, string>>, done: (ok: boolean, status: number, error: string | null) => void): void {
  const allHeaders = target.body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(target.body)) };
  const r = httpRequest({ agent, host: url.hostname, port: url.port, path: target.path, method: target.method, headers: allHeaders }, (res) => {
    const status = res.statusCode ?? 0;
    res.on('data', () => undefined);
    res.on('end', () => done(status === 200, status, status === 200 ? null : `HTTP ${status} on ${target.method} ${target.path}`));
    res.on('error', (e) => done(false, 0, String(e)));
  });
  r.on('error', (e) => done(false, 0, String(e)));
  r.end(target.body);
}

function cpuCoresSince(cpu: NodeJS.CpuUsage, startedAt: number): number {
  const used = process.cpuUsage(cpu);
  return r3((used.user + used.system) / 1000 / Math.max(1, performance.now() - startedAt));
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
  const cpu = process.cpuUsage();
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
        clientCpuCores: cpuCoresSince(cpu, start),
      });
    };
    const send = (scheduledAt: number): void => {
      const target = req.targets[rng.nextInt(req.targets.length)] as LoadTarget;
      lags.push(performance.now() - scheduledAt);
      sendOne(agent, url, target, req.headers, (ok, status, error) => {
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
      });
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

async function closedLoop(agent: Agent, req: LoadRequest, seconds: number, concurrency: number, rng: Rng): Promise<LoadResult> {
  const url = new URL(req.baseUrl);
  const latencies: number[] = [];
  let errors = 0;
  let non200 = 0;
  let completed = 0;
  let firstError: string | null = null;
  const start = performance.now();
  const end = start + seconds * 1000;
  const cpu = process.cpuUsage();
  const connection = (): Promise<void> =>
    new Promise((resolve) => {
      const next = (): void => {
        if (performance.now() >= end) {
          resolve();
          return;
        }
        const sentAt = performance.now();
        sendOne(agent, url, req.targets[rng.nextInt(req.targets.length)] as LoadTarget, req.headers, (ok, status, error) => {
          if (!ok) {
            errors++;
            if (status !== 0 && status !== 200) non200++;
            firstError ??= error ?? `HTTP ${status}`;
          } else {
            completed++;
            latencies.push(performance.now() - sentAt);
          }
          next();
        });
      };
      next();
    });
  await Promise.all(Array.from({ length: concurrency }, connection));
  const span = (performance.now() - start) / 1000;
  return {
    scheduled: completed + errors,
    completed,
    errors,
    non200,
    firstError,
    achievedRate: Math.round((completed / span) * 10) / 10,
    latency: summarize(latencies),
    sendLag: summarize([]),
    clientCpuCores: cpuCoresSince(cpu, start),
  };
}

/** The child's side: answers each LoadRequest message with a LoadResult (warm-up not counted). */
export async function runLoadGenerator(): Promise<void> {
  const agents = new Map<number, Agent>();
  const agentFor = (sockets: number): Agent => {
    let agent = agents.get(sockets);
    if (agent === undefined) agents.set(sockets, (agent = new Agent({ keepAlive: true, maxSockets: sockets })));
    return agent;
  };
  process.on('message', (message: LoadRequest) => {
    void (async () => {
      const rng = createRng(message.seed);
      const concurrency = message.concurrency;
      let result: LoadResult;
      if (concurrency === undefined) {
        const agent = agentFor(OPEN_LOOP_MAX_SOCKETS);
        if (message.warmupSeconds > 0) await openLoop(agent, message, message.warmupSeconds, false, rng);
        result = await openLoop(agent, message, message.seconds, true, rng);
      } else {
        const agent = agentFor(concurrency);
        if (message.warmupSeconds > 0) await closedLoop(agent, message, message.warmupSeconds, concurrency, rng);
        result = await closedLoop(agent, message, message.seconds, concurrency, rng);
      }
      process.send?.(result);
    })();
  });
  process.on('disconnect', () => {
    for (const agent of agents.values()) agent.destroy();
    process.exit(0);
  });
}

/** Sockets of the open loop's keep-alive agent. */
export const OPEN_LOOP_MAX_SOCKETS = 64;

/** Forks this module as the load generator, so the client does not share the server's event loop. */
export function startLoadGenerator(): ChildProcess {
  return fork(THIS_FILE, ['--load-gen'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export function askLoad(child: ChildProcess, req: LoadRequest): Promise<LoadResult> {
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

export interface Shop {
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

export function makeShop(opts: { items: number; categories: number; shoppers: number; events: number; clusters: number; nowMs: number; seed: number }): Shop {
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
// Loading, timing, watching
// ---------------------------------------------------------------------------------------------

export async function timeCalls(n: number, call: (i: number) => Promise<unknown>): Promise<{ latency: LatencySummary; callsPerSecond: number }> {
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
export interface ServerSide {
  readonly eventLoopDelayP50Ms: number;
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  readonly gcPauses: number;
  readonly gcPauseTotalMs: number;
  readonly gcPauseMaxMs: number;
}

export async function watchServer<T>(run: () => Promise<T>): Promise<{ result: T; server: ServerSide }> {
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

export function row(name: string, s: LatencySummary, extra: string): string {
  return `| ${name} | ${s.p50Ms.toFixed(3)} | ${s.p90Ms.toFixed(3)} | ${s.p99Ms.toFixed(3)} | ${s.maxMs.toFixed(3)} | ${extra} |`;
}


/** Loads the shop's catalog and events into the app (batches), then empties `shop.events`. */
export async function loadShop(app: AttuneApp, shop: Shop, batch: number): Promise<{ readonly events: number; readonly seconds: number; readonly eventsPerSecond: number }> {
  for (let s = 0; s < shop.catalog.length; s += 500) {
    const outcome = await app.upsertCatalog(WS, shop.catalog.slice(s, s + 500));
    if (outcome.rejected.length > 0) throw new Error(`catalog rejected: ${JSON.stringify(outcome.rejected[0])}`);
  }
  const total = shop.events.length;
  const started = performance.now();
  let rejected = 0;
  let lastReport = started;
  for (let s = 0; s < total; s += batch) {
    const outcome = await app.ingest({ workspaceId: WS, events: shop.events.slice(s, s + batch), receivedAtMs: Date.now(), impliedType: null, batchSentAt: null });
    if (outcome.rejected.length > 0 && rejected === 0) console.log(`first rejection: ${JSON.stringify(outcome.rejected[0])}`);
    rejected += outcome.rejected.length;
    const done = Math.min(total, s + batch);
    if (performance.now() - lastReport > 2_000 || done === total) {
      lastReport = performance.now();
      console.log(`  ingested ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${Math.round(done / ((lastReport - started) / 1000)).toLocaleString('en')} ev/s)`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  if (rejected > 0) throw new Error(`${rejected} events rejected`);
  shop.events.length = 0;
  return { events: total, seconds: r3(seconds), eventsPerSecond: Math.round(total / seconds) };
}

/** CPU this process used while `run` ran, in cores (1 = one core busy the whole time). */
export async function withCpu<T>(run: () => Promise<T>): Promise<{ result: T; cpuCores: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  return { result, cpuCores: cpuCoresSince(cpu, started) };
}

export function machine(): Record<string, unknown> {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
}

if (process.argv[1] === THIS_FILE && process.argv.includes('--load-gen')) await runLoadGenerator();

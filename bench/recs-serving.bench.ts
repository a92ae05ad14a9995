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
 *    socket. Open-loop load at a fixed rate from a separate process (bench/serving-kit.ts forked with --load-gen, so
 *    the client does not share the server's event loop) through http.Agent({ keepAlive, maxSockets 64 }),
 *    against GET /v1/recommendations/{userId}?count=10 and, as the baseline, GET /health. Latency is
 *    measured from each request's SCHEDULED send time, so queueing is not hidden (coordinated
 *    omission). A warm-up (not counted) precedes each.
 *
 * Results go to bench/results/recs-serving.json (not with --quick).
 *
 *   npm run bench:recs-serving [-- --rate 1000 --seconds 10 --warmup 2 --quick]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openSqliteStorage } from '../src/adapters/sqlite/index.js';
import { DEFAULT_APP_CONFIG } from '../src/app/app-config.js';
import type { AttuneApp, ProfileLookup } from '../src/app/attune-app.js';
import { createAttuneApp } from '../src/app/create-attune-app.js';
import { createRng } from '../src/core/shared/rng.js';
import { DEFAULT_WORKSPACE_ID } from '../src/core/shared/ids.js';
import { buildApp } from '../src/server/build-app.js';
import { startServer } from '../src/server/main-server.js';
import { DEFAULT_SERVER_OPTIONS } from '../src/server/server-options.js';
import { OPEN_LOOP_MAX_SOCKETS, askLoad, loadShop, machine, makeShop, r3, row, startLoadGenerator, timeCalls, watchServer } from './serving-kit.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const WS = DEFAULT_WORKSPACE_ID;
const ADMIN_KEY = 'bench_admin_key_0123456789abcdef';
const WRITE_KEY = 'bench_write_key_0123456789abcdef';

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      seed: { type: 'string', default: '7' },
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
    maxSockets: OPEN_LOOP_MAX_SOCKETS,
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
    const ingest = await loadShop(app, shop, params.ingestBatch);

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
    const recsTargets = shop.users.map((u) => ({ method: 'GET' as const, path: `/v1/recommendations/${encodeURIComponent(u)}?count=${params.count}` }));
    console.log(`HTTP: ${params.rate} req/s open loop for ${params.seconds} s (+${params.warmupSeconds} s warm-up) per target at ${server.url}`);
    const gen = loadGen;
    const { result: health, server: healthServer } = await watchServer(() => askLoad(gen, { ...common, targets: [{ method: 'GET', path: '/health' }], headers: {}, seed: params.seed + 2 }));
    console.log(`  /health done: ${health.completed} ok, ${health.errors} errors`);
    const { result: recs, server: recsServer } = await watchServer(() => askLoad(gen, { ...common, targets: recsTargets, headers: { authorization: `Bearer ${ADMIN_KEY}` }, seed: params.seed + 3 }));
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
      machine: machine(),
      params,
      data: { ...shop.counts, generateSeconds: r3(generateSeconds), ingestSeconds: ingest.seconds, ingestEventsPerSecond: ingest.eventsPerSecond },
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

await main();

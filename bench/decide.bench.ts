/**
 * Decide serving: latency and throughput of POST /v1/decide (reports, never gates; issue 6).
 *
 * The seeded synthetic shop of the recs-serving bench (bench/serving-kit.ts), smaller, is ingested
 * in-process into a temp SQLite store and the recommender is trained. Three offers (a percent_off
 * nudge for ready_to_buy/considering held to a margin floor, a lapsed win-back, free shipping) and
 * two placements are configured: 'home' (4 recommendations, a bandit offer, two content variants,
 * one a Liquid loop over the recommendations with the offer's headline) and 'hero' (content and a
 * bandit offer, no recommendations), so the cost of the recommendations shows apart. Then:
 *
 * 1. In-process, one core: sequential awaited decisions.decide for 'home' and 'hero', next to
 *    app.getProfile (the baseline) for the same users in the same run: p50/p99 per call and calls/s.
 * 2. HTTP: the real server (buildApp + startServer on 127.0.0.1, port 0). Open loop at --rate req/s
 *    for --seconds after a --warmup (not counted) from a separate process, latency from each
 *    request's SCHEDULED send time (coordinated omission not hidden), against POST /v1/decide
 *    'home', POST /v1/decide 'hero' and GET /health (the hello-world baseline). Then a closed loop
 *    (--concurrency connections for --closed-seconds) for the max throughput of /health, 'hero'
 *    and 'home', and the ratio to /health. The server's event-loop delay, GC pauses and CPU are
 *    recorded per phase; the generator's CPU too (a client at 1 core bounds what is measured).
 *
 * Targets (reported met / not met, never gated): p99 < 5 ms at 2,000 req/s; decide throughput
 * >= 50% of hello-world throughput.
 *
 * --profile: also samples the in-process 'home' decide with the V8 CPU profiler (node:inspector,
 * as node --cpu-prof does) and prints the top self-time functions and files.
 *
 * Results go to bench/results/decide.json (not with --quick).
 *
 *   npm run bench:decide [-- --rate 2000 --seconds 10 --warmup 2 --concurrency 32 --closed-seconds 5 --quick --profile]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLiquidTemplateRenderer } from '../src/adapters/liquid/index.js';
import { openSqliteStorage } from '../src/adapters/sqlite/index.js';
import { DEFAULT_APP_CONFIG } from '../src/app/app-config.js';
import type { AttuneApp, ProfileLookup } from '../src/app/attune-app.js';
import { createAttuneApp } from '../src/app/create-attune-app.js';
import { createRng } from '../src/core/shared/rng.js';
import { DEFAULT_WORKSPACE_ID } from '../src/core/shared/ids.js';
import { buildApp } from '../src/server/build-app.js';
import { startServer } from '../src/server/main-server.js';
import { DEFAULT_SERVER_OPTIONS } from '../src/server/server-options.js';
import type { LoadRequest, LoadResult, LoadTarget, ServerSide } from './serving-kit.js';
import { OPEN_LOOP_MAX_SOCKETS, askLoad, loadShop, machine, makeShop, r3, row, startLoadGenerator, timeCalls, watchServer, withCpu } from './serving-kit.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const ROOT = join(THIS_FILE, '..', '..');
const WS = DEFAULT_WORKSPACE_ID;
const ADMIN_KEY = 'bench_admin_key_0123456789abcdef';
const WRITE_KEY = 'bench_write_key_0123456789abcdef';
const P99_TARGET_MS = 5;
const THROUGHPUT_TARGET = 0.5;

const OFFERS = {
  nudge: { name: 'Cart nudge', kind: 'percent_off', minPercent: 5, maxPercent: 20, marginFloor: 0.15, defaultMarginRate: 0.4, stages: ['ready_to_buy', 'considering'], message: { headline: 'A little something for your cart' } },
  winback: { name: 'We miss you', kind: 'percent_off', minPercent: 10, maxPercent: 30, marginFloor: 0.1, defaultMarginRate: 0.5, stages: ['lapsed'], message: { headline: 'Come back for less' } },
  shipping: { name: 'Free shipping', kind: 'free_shipping', stages: ['ready_to_buy'], message: { headline: 'Shipping is on us' } },
};

const PLACEMENTS = {
  home: {
    channel: 'web',
    recommendations: { count: 4 },
    offers: { policy: 'bandit' },
    content: {
      policy: 'bandit',
      variants: [
        {
          key: 'picks',
          subject: 'Hi {{ traits.first_name | default: "there" }}',
          body: '<h2>{{ offer.headline | default: "Picked for you" }}</h2><ul>{% for item in recommendations %}<li>{{ item.name }}</li>{% endfor %}</ul>',
        },
        { key: 'plain', text: 'Welcome back, {{ traits.first_name | default: "friend" }}' },
      ],
    },
    fallbackVariant: 'picks',
  },
  hero: {
    channel: 'web',
    offers: { policy: 'bandit' },
    content: {
      policy: 'bandit',
      variants: [
        { key: 'banner', body: '<h1>{{ offer.headline | default: "New this week" }}</h1>' },
        { key: 'quiet', text: 'Good to see you, {{ traits.first_name | default: "friend" }}' },
      ],
    },
    fallbackVariant: 'banner',
  },
};

type Phase = LoadResult & { readonly server: ServerSide; readonly serverCpuCores: number };

// ---------------------------------------------------------------------------------------------
// CPU profile of the in-process decide (V8 sampling profiler, as node --cpu-prof)
// ---------------------------------------------------------------------------------------------

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface HotSpot {
  readonly where: string;
  readonly selfShare: number;
}

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length);
  return path.startsWith('/') ? relative(ROOT, path) : path;
}

async function profileCalls(n: number, call: (i: number) => Promise<unknown>): Promise<{ samples: number; functions: HotSpot[]; files: HotSpot[] }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    for (let i = 0; i < n; i++) await call(i);
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; samples: number[] } };
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const functions = new Map<string, number>();
    const files = new Map<string, number>();
    for (const id of profile.samples) {
      const frame = byId.get(id)?.callFrame;
      if (frame === undefined) continue;
      const file = shortUrl(frame.url);
      const where = `${file}:${frame.functionName === '' ? '(anonymous)' : frame.functionName}:${frame.lineNumber + 1}`;
      functions.set(where, (functions.get(where) ?? 0) + 1);
      files.set(file, (files.get(file) ?? 0) + 1);
    }
    const total = profile.samples.length;
    const top = (m: Map<string, number>, k: number): HotSpot[] =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([where, count]) => ({ where, selfShare: r3(count / Math.max(1, total)) }));
    return { samples: total, functions: top(functions, 20), files: top(files, 12) };
  } finally {
    session.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function met(ok: boolean): string {
  return ok ? 'met' : 'NOT met';
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      'closed-seconds': { type: 'string' },
      seed: { type: 'string', default: '7' },
    },
  });
  const quick = args.quick === true;
  const params = {
    quick,
    seed: Number(args.seed),
    items: quick ? 300 : 1_000,
    categories: quick ? 15 : 30,
    shoppers: quick ? 1_000 : 5_000,
    events: quick ? 15_000 : 80_000,
    clusters: quick ? 8 : 15,
    ingestBatch: 500,
    inProcessCalls: quick ? 1_000 : 5_000,
    profileCalls: quick ? 2_000 : 5_000,
    rate: Number(args.rate ?? 2000),
    seconds: Number(args.seconds ?? (quick ? 3 : 10)),
    warmupSeconds: Number(args.warmup ?? (quick ? 1 : 2)),
    concurrency: Number(args.concurrency ?? 32),
    closedSeconds: Number(args['closed-seconds'] ?? (quick ? 2 : 5)),
    closedWarmupSeconds: 1,
    maxSockets: OPEN_LOOP_MAX_SOCKETS,
  };
  const silent = { info: () => {}, warn: () => {}, error: () => {} };
  const nowMs = Date.now();
  const t0 = performance.now();
  const shop = makeShop({ items: params.items, categories: params.categories, shoppers: params.shoppers, events: params.events, clusters: params.clusters, nowMs, seed: params.seed });
  const generateSeconds = (performance.now() - t0) / 1000;
  console.log(`generated ${shop.events.length.toLocaleString('en')} events (${JSON.stringify(shop.counts)}) in ${generateSeconds.toFixed(1)} s`);

  const dir = mkdtempSync(join(tmpdir(), 'attune-decide-'));
  const storage = openSqliteStorage({ path: join(dir, 'attune.db'), synchronous: 'normal' });
  const app: AttuneApp = await createAttuneApp({ storage, clock: { nowMs: () => Date.now() }, logger: silent, config: DEFAULT_APP_CONFIG, templateRenderer: createLiquidTemplateRenderer() });
  let loadGen: ChildProcess | null = null;
  let closeServer: (() => Promise<void>) | null = null;
  try {
    if ((await app.bootstrap({ adminSecret: ADMIN_KEY, writeSecret: WRITE_KEY })) === null) throw new Error('a fresh store must bootstrap');
    const ingest = await loadShop(app, shop, params.ingestBatch);

    const trainStarted = performance.now();
    const version = await app.recommendations.train(WS, {});
    const trainSeconds = (performance.now() - trainStarted) / 1000;
    console.log(`trained v${version.version} in ${trainSeconds.toFixed(1)} s: ${version.report.users} users, ${version.report.items} items, personal ${version.report.personal.algorithm}`);
    for (const [key, offer] of Object.entries(OFFERS)) await app.decisions.putOffer(WS, key, offer);
    for (const [key, placement] of Object.entries(PLACEMENTS)) await app.decisions.putPlacement(WS, key, placement);

    // In-process, one core, sequential awaits.
    const rng = createRng(params.seed + 1);
    const devices = ['desktop', 'mobile'] as const;
    const lookups: ProfileLookup[] = Array.from({ length: params.inProcessCalls }, () => ({ kind: 'user_id', value: shop.users[rng.nextInt(shop.users.length)] ?? 'u0' }));
    const decide = (placement: 'home' | 'hero', i: number): ReturnType<AttuneApp['decisions']['decide']> =>
      app.decisions.decide(WS, { user: lookups[i % lookups.length] as ProfileLookup, placement, context: { page: '/', device: devices[i % 2] } });
    for (let i = 0; i < Math.min(1_000, lookups.length); i++) {
      await app.getProfile(WS, lookups[i] as ProfileLookup, Date.now());
      await decide('home', i);
      await decide('hero', i);
    }
    const getProfile = await timeCalls(lookups.length, (i) => app.getProfile(WS, lookups[i] as ProfileLookup, Date.now()));
    const home = await timeCalls(lookups.length, (i) => decide('home', i));
    const hero = await timeCalls(lookups.length, (i) => decide('hero', i));
    const sample = await decide('home', 0);
    const mix = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      const d = await decide('home', i);
      const key = `${d.offer?.key ?? 'no offer'} / ${d.content?.variant ?? 'no content'}`;
      mix.set(key, (mix.get(key) ?? 0) + 1);
    }
    console.log(
      `sample home decision for ${(lookups[0] as ProfileLookup).value}: personalized=${sample.personalized}, ${sample.recommendations?.items.length ?? 0} items, offer ${sample.offer?.key ?? `none (${sample.noOfferReason ?? '-'})`}, content ${sample.content?.variant ?? 'none'}; ` +
        `offer / content mix over 500: ${JSON.stringify(Object.fromEntries(mix))}`,
    );
    const inProcess = {
      getProfile,
      decideHome: home,
      decideHero: hero,
      ratioHomeToGetProfileP50: r3(home.latency.p50Ms / getProfile.latency.p50Ms),
      ratioHeroToGetProfileP50: r3(hero.latency.p50Ms / getProfile.latency.p50Ms),
      offerContentMix: Object.fromEntries(mix),
    };
    console.log(
      [
        '',
        'In-process, one core (sequential awaited calls; ms)',
        '| call | p50 | p90 | p99 | max | calls/s |',
        '|---|---|---|---|---|---|',
        row('getProfile (baseline)', getProfile.latency, getProfile.callsPerSecond.toLocaleString('en')),
        row("decide 'home' (recs 4 + offer + content)", home.latency, home.callsPerSecond.toLocaleString('en')),
        row("decide 'hero' (offer + content)", hero.latency, hero.callsPerSecond.toLocaleString('en')),
        `decide p50 / getProfile p50: home ${inProcess.ratioHomeToGetProfileP50}, hero ${inProcess.ratioHeroToGetProfileP50}`,
        '',
      ].join('\n'),
    );

    let profile: Awaited<ReturnType<typeof profileCalls>> | null = null;
    if (args.profile === true) {
      profile = await profileCalls(params.profileCalls, (i) => decide('home', i));
      console.log(`CPU profile of ${params.profileCalls} in-process 'home' decides (${profile.samples} samples at 100 µs), top self time:`);
      for (const f of profile.functions) console.log(`  ${(f.selfShare * 100).toFixed(1).padStart(5)}%  ${f.where}`);
      console.log('  by file:');
      for (const f of profile.files) console.log(`  ${(f.selfShare * 100).toFixed(1).padStart(5)}%  ${f.where}`);
      console.log('');
    }

    // HTTP: the real server on a loopback socket, the load from another process.
    const instance = await buildApp({ app, log: false }, DEFAULT_SERVER_OPTIONS);
    const server = await startServer(instance, { host: '127.0.0.1', port: 0 });
    closeServer = server.close;
    loadGen = startLoadGenerator();
    const gen = loadGen;
    const auth = { authorization: `Bearer ${ADMIN_KEY}` };
    const decideTargets = (placement: string): LoadTarget[] =>
      shop.users.map((u, i) => ({ method: 'POST', path: '/v1/decide', body: JSON.stringify({ userId: u, placement, context: { page: '/', device: devices[i % 2] } }) }));
    const healthTargets: LoadTarget[] = [{ method: 'GET', path: '/health' }];
    const phase = async (name: string, req: LoadRequest): Promise<Phase> => {
      const { result, server: side } = await watchServer(() => withCpu(() => askLoad(gen, req)));
      const r = result.result;
      console.log(`  ${name}: ${r.completed} ok, ${r.errors} errors${r.firstError === null ? '' : ` (first: ${r.firstError})`}, ${r.achievedRate} req/s`);
      return { ...r, server: side, serverCpuCores: result.cpuCores };
    };
    const open = { baseUrl: server.url, rate: params.rate, seconds: params.seconds, warmupSeconds: params.warmupSeconds };
    console.log(`HTTP: ${params.rate} req/s open loop for ${params.seconds} s (+${params.warmupSeconds} s warm-up) per target at ${server.url}`);
    const health = await phase('GET /health', { ...open, targets: healthTargets, headers: {}, seed: params.seed + 2 });
    const httpHome = await phase("POST /v1/decide 'home'", { ...open, targets: decideTargets('home'), headers: auth, seed: params.seed + 3 });
    const httpHero = await phase("POST /v1/decide 'hero'", { ...open, targets: decideTargets('hero'), headers: auth, seed: params.seed + 4 });
    const closed = { baseUrl: server.url, rate: 0, seconds: params.closedSeconds, warmupSeconds: params.closedWarmupSeconds, concurrency: params.concurrency };
    console.log(`HTTP: closed loop, ${params.concurrency} connections for ${params.closedSeconds} s (+${params.closedWarmupSeconds} s warm-up) per target`);
    const maxHealth = await phase('GET /health (max)', { ...closed, targets: healthTargets, headers: {}, seed: params.seed + 5 });
    const maxHero = await phase("POST /v1/decide 'hero' (max)", { ...closed, targets: decideTargets('hero'), headers: auth, seed: params.seed + 6 });
    const maxHome = await phase("POST /v1/decide 'home' (max)", { ...closed, targets: decideTargets('home'), headers: auth, seed: params.seed + 7 });

    const keepsUp = (p: Phase): boolean => p.errors === 0 && p.achievedRate >= 0.98 * params.rate;
    const targets = {
      p99UnderTargetAtRate: {
        target: `p99 < ${P99_TARGET_MS} ms at ${params.rate} req/s (open loop, from the scheduled send time)`,
        home: { p99Ms: httpHome.latency.p99Ms, achievedRate: httpHome.achievedRate, met: keepsUp(httpHome) && httpHome.latency.p99Ms < P99_TARGET_MS },
        hero: { p99Ms: httpHero.latency.p99Ms, achievedRate: httpHero.achievedRate, met: keepsUp(httpHero) && httpHero.latency.p99Ms < P99_TARGET_MS },
      },
      throughputShareOfHelloWorld: {
        target: `decide max throughput >= ${THROUGHPUT_TARGET * 100}% of GET /health (closed loop, ${params.concurrency} connections)`,
        hero: { share: r3(maxHero.achievedRate / maxHealth.achievedRate), met: maxHero.errors === 0 && maxHero.achievedRate >= THROUGHPUT_TARGET * maxHealth.achievedRate },
        home: { share: r3(maxHome.achievedRate / maxHealth.achievedRate), met: maxHome.errors === 0 && maxHome.achievedRate >= THROUGHPUT_TARGET * maxHealth.achievedRate },
      },
    };
    const http = {
      openLoop: { health, home: httpHome, hero: httpHero },
      closedLoop: { health: maxHealth, hero: maxHero, home: maxHome },
      ratioHomeToHealthP99: r3(httpHome.latency.p99Ms / health.latency.p99Ms),
      ratioHeroToHealthP99: r3(httpHero.latency.p99Ms / health.latency.p99Ms),
    };
    const side = (p: Phase): string =>
      `${p.serverCpuCores} / ${p.clientCpuCores} | ${p.server.eventLoopDelayP99Ms} / ${p.server.eventLoopDelayMaxMs} | ${p.server.gcPauses}, ${p.server.gcPauseMaxMs}, ${p.server.gcPauseTotalMs}`;
    const line = (name: string, p: Phase): string => `${row(name, p.latency, `${p.achievedRate}, ${p.errors}`)} ${side(p)} |`;
    console.log(
      [
        '',
        `HTTP, open loop at ${params.rate} req/s, latency from the scheduled send time (ms); CPU in cores; event-loop delay incl. warm-up (ms); GC: count, max ms, total ms`,
        '| route | p50 | p90 | p99 | max | achieved req/s, errors | CPU server / client | loop delay p99 / max | GC |',
        '|---|---|---|---|---|---|---|---|---|',
        line('GET /health (baseline)', health),
        line("POST /v1/decide 'home'", httpHome),
        line("POST /v1/decide 'hero'", httpHero),
        `p99 / health p99: home ${http.ratioHomeToHealthP99}, hero ${http.ratioHeroToHealthP99}; client send lag p99 ${health.sendLag.p99Ms} / ${httpHome.sendLag.p99Ms} / ${httpHero.sendLag.p99Ms} ms`,
        '',
        `HTTP, closed loop, ${params.concurrency} connections (latency from the send, ms)`,
        '| route | p50 | p90 | p99 | max | req/s, errors | CPU server / client | loop delay p99 / max | GC |',
        '|---|---|---|---|---|---|---|---|---|',
        line('GET /health (hello world)', maxHealth),
        line("POST /v1/decide 'hero'", maxHero),
        line("POST /v1/decide 'home'", maxHome),
        '',
        'Targets',
        `| target | home | hero |`,
        '|---|---|---|',
        `| ${targets.p99UnderTargetAtRate.target} | ${httpHome.latency.p99Ms} ms: ${met(targets.p99UnderTargetAtRate.home.met)} | ${httpHero.latency.p99Ms} ms: ${met(targets.p99UnderTargetAtRate.hero.met)} |`,
        `| ${targets.throughputShareOfHelloWorld.target} | ${(targets.throughputShareOfHelloWorld.home.share * 100).toFixed(1)}%: ${met(targets.throughputShareOfHelloWorld.home.met)} | ${(targets.throughputShareOfHelloWorld.hero.share * 100).toFixed(1)}%: ${met(targets.throughputShareOfHelloWorld.hero.met)} |`,
        '',
      ].join('\n'),
    );

    const report = {
      benchmark: 'decide',
      date: new Date().toISOString(),
      machine: machine(),
      params,
      config: { offers: OFFERS, placements: PLACEMENTS },
      data: { ...shop.counts, generateSeconds: r3(generateSeconds), ingestSeconds: ingest.seconds, ingestEventsPerSecond: ingest.eventsPerSecond },
      training: { seconds: r3(trainSeconds), version: version.version },
      inProcess,
      profile,
      http,
      targets,
    };
    if (!quick) {
      mkdirSync(join(THIS_FILE, '..', 'results'), { recursive: true });
      const out = join(THIS_FILE, '..', 'results', 'decide.json');
      writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`wrote ${out}`);
    }
    if ([health, httpHome, httpHero, maxHealth, maxHero, maxHome].some((p) => p.errors > 0)) process.exitCode = 1;
  } finally {
    loadGen?.disconnect();
    if (closeServer !== null) await closeServer();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

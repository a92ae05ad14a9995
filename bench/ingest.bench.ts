/**
 * Ingest benchmark (issue 2): events/s acknowledged durably through POST /v1/batch (100 events per
 * batch, loopback), next to a null server measured in the same run, and memory per profile after
 * 1M events. Reports; never gates. Results go to bench/results/ingest.json.
 *
 *   npm run bench                        # defaults: 10 s per run, 2 rounds, 64 connections, 1M-event memory phase
 *   npm run bench -- --seconds 5 --rounds 1 --memory-events 200000
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createWorkload } from './workload.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    'memory-events': { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '100000' },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const MEMORY_EVENTS = Number(args['memory-events']);
const CUSTOMERS = Number(args.customers);
const BATCH = 100;
const WRITE_KEY = 'bench_write_key_0123456789abcdef';
const START_MS = Date.parse('2026-01-01T00:00:00Z');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.status === 200 || res.status === 404) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not become ready`);
}

function startProcess(argv: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...argv], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

interface LoadResult {
  readonly eventsPerSecond: number;
  readonly requestsPerSecond: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

async function load(url: string, seed: number): Promise<LoadResult> {
  const workload = createWorkload({ customers: CUSTOMERS, seed, startMs: START_MS, stepMs: 7 });
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        path: '/v1/batch',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
        },
        setupRequest: (req) => ({ ...req, body: workload.nextBatch(BATCH) }),
      },
    ],
  });
  const ok = result.requests.total - result.non2xx;
  return {
    eventsPerSecond: (ok * BATCH) / (result.duration || SECONDS),
    requestsPerSecond: ok / (result.duration || SECONDS),
    non2xx: result.non2xx,
    errors: result.errors,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}

async function runAttune(seed: number): Promise<LoadResult & { dbBytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'attune-bench-'));
  const port = await freePort();
  const child = startProcess(['src/main.ts', 'serve', '--port', String(port), '--data', dir], {
    ATTUNE_WRITE_KEY: WRITE_KEY,
    ATTUNE_ADMIN_KEY: 'bench_admin_key_0123456789abcdef',
  });
  try {
    await waitForHealth(`http://127.0.0.1:${port}/health`, 30_000);
    const result = await load(`http://127.0.0.1:${port}`, seed);
    let dbBytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        dbBytes += statSync(join(dir, `attune.db${suffix}`)).size;
      } catch {
        // file may not exist
      }
    }
    return { ...result, dbBytes };
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runNull(seed: number): Promise<LoadResult> {
  const port = await freePort();
  const child = startProcess(['bench/null-server.ts', String(port)], {});
  try {
    await waitForHealth(`http://127.0.0.1:${port}/health`, 30_000);
    return await load(`http://127.0.0.1:${port}`, seed);
  } finally {
    await stop(child);
  }
}

/** In-process: 1M events through the app into SQLite, then heap and file size per profile. */
async function runMemory(): Promise<Record<string, number>> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/memory-per-profile.ts', String(MEMORY_EVENTS), String(CUSTOMERS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`memory phase exited ${String(code)}`))));
  });
  const last = out.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(last) as Record<string, number>;
}

const rounds: { null: LoadResult; attune: LoadResult & { dbBytes: number } }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Interleave so that machine noise hits both servers alike.
  const nullResult = await runNull(100 + round);
  const attuneResult = await runAttune(200 + round);
  rounds.push({ null: nullResult, attune: attuneResult });
  process.stderr.write(
    `round ${round + 1}: null ${Math.round(nullResult.eventsPerSecond)} ev/s, attune ${Math.round(attuneResult.eventsPerSecond)} ev/s (non-2xx ${attuneResult.non2xx})\n`,
  );
}
const best = (pick: (r: (typeof rounds)[number]) => number): number => Math.max(...rounds.map(pick));
const nullEps = best((r) => r.null.eventsPerSecond);
const attuneEps = best((r) => r.attune.eventsPerSecond);
const memory = MEMORY_EVENTS > 0 ? await runMemory() : {};

const report = {
  benchmark: 'ingest',
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  settings: { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, batchSize: BATCH, customers: CUSTOMERS },
  nullServerEventsPerSecond: Math.round(nullEps),
  attuneEventsPerSecond: Math.round(attuneEps),
  ratio: Number((attuneEps / nullEps).toFixed(3)),
  attuneLatencyP50Ms: Math.min(...rounds.map((r) => r.attune.latencyP50Ms)),
  attuneLatencyP99Ms: Math.min(...rounds.map((r) => r.attune.latencyP99Ms)),
  attuneNon2xx: rounds.reduce((n, r) => n + r.attune.non2xx, 0),
  rounds,
  memory,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/ingest.json', `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(
  [
    '',
    '| measure | value |',
    '|---|---|',
    `| null server (parse JSON, answer 200) | ${report.nullServerEventsPerSecond.toLocaleString('en')} events/s |`,
    `| Attune /v1/batch, durable, profiles updated | ${report.attuneEventsPerSecond.toLocaleString('en')} events/s |`,
    `| ratio | ${(report.ratio * 100).toFixed(1)}% |`,
    ...Object.entries(memory).map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ].join('\n'),
);

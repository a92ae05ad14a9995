/**
 * What the SQLite schema alone allows (no Attune code on the path): raw better-sqlite3 inserts of
 * 300k events for 100k profiles, 5,000 events per transaction, each transaction also upserting the
 * touched profiles' 1.7 KB state, as ingestion does. Compares the current layout (text keys:
 * unique (workspace, message_id), index (workspace, profile_id, ts), profiles keyed by text) with an
 * integer-keyed layout (rowid log, dedupe and profiles keyed by 52-bit hashes, per-profile index on
 * an integer). Reports; never gates.
 *
 *   npm run bench:sqlite-layout
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const EVENTS = 300_000;
const PROFILES = 100_000;
const PER_TX = 5_000;
const HASH_MOD = 4_503_599_627_370_449; // a prime below 2^52: keys stay exact in a JS number

type Layout = 'text-keys (current)' | 'integer-keys' | 'integer-keys, profiles written behind';

function run(layout: Layout): number {
  const dir = mkdtempSync(join(tmpdir(), 'attune-layout-'));
  const db = new Database(join(dir, 'bench.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 10000');
  const body = JSON.stringify({
    properties: { product_id: 'p123', category: 'Mugs', price: 12.5 },
    context: { ip: '203.0.113.0', userAgent: 'Mozilla/5.0 (bench)', library: { name: 'bench', version: '1' } },
    traits: {},
    sentAtMs: 1,
    originalTimestampMs: null,
  });
  const state = JSON.stringify({ padding: 'x'.repeat(1700) });
  const text = layout === 'text-keys (current)';
  if (text) {
    db.exec(`CREATE TABLE events (workspace_id TEXT, seq INTEGER, message_id TEXT, profile_id TEXT, type TEXT, event TEXT,
      ts_ms INTEGER, received_ms INTEGER, body TEXT, UNIQUE (workspace_id, seq), UNIQUE (workspace_id, message_id));
      CREATE INDEX events_by_profile ON events (workspace_id, profile_id, ts_ms);
      CREATE TABLE profiles (workspace_id TEXT, profile_id TEXT, state TEXT, PRIMARY KEY (workspace_id, profile_id));`);
  } else {
    db.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY, workspace_id TEXT, message_id TEXT, profile_key INTEGER, type TEXT,
      event TEXT, ts_ms INTEGER, received_ms INTEGER, body TEXT);
      CREATE INDEX events_by_profile ON events (profile_key, ts_ms);
      CREATE TABLE dedupe (message_key INTEGER PRIMARY KEY, seq INTEGER);
      CREATE TABLE profiles (profile_key INTEGER PRIMARY KEY, profile_id TEXT, state TEXT);`);
  }
  const insertEvent = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertDedupe = text ? null : db.prepare('INSERT INTO dedupe VALUES (?, ?)');
  const upsertProfile = text
    ? db.prepare('INSERT INTO profiles VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET state = excluded.state')
    : db.prepare('INSERT INTO profiles VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET state = excluded.state');
  let seed = 1;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed;
  };
  const profileId = (p: number): string => `prf_${((p * 2654435761) >>> 0).toString(16).padStart(8, '0')}0123456789abcdef`;
  const profileKey = (p: number): number => (p * 2654435761) % HASH_MOD;
  const started = performance.now();
  let seq = 0;
  for (let first = 0; first < EVENTS; first += PER_TX) {
    db.exec('BEGIN IMMEDIATE');
    const touched = new Set<number>();
    for (let i = first; i < first + PER_TX; i++) {
      seq++;
      const p = random() % PROFILES;
      const messageId = `node-next-${random()}-${random()}-${i}`;
      if (text) {
        insertEvent.run('ws_default', seq, messageId, profileId(p), 'track', 'Product Viewed', i, i, body);
      } else {
        insertEvent.run(seq, 'ws_default', messageId, profileKey(p), 'track', 'Product Viewed', i, i, body);
        insertDedupe?.run((seq * 2654435761 * 1024 + 7) % HASH_MOD, seq);
      }
      touched.add(p);
    }
    if (layout !== 'integer-keys, profiles written behind') {
      for (const p of touched) {
        if (text) upsertProfile.run('ws_default', profileId(p), state);
        else upsertProfile.run(profileKey(p), profileId(p), state);
      }
    }
    db.exec('COMMIT');
  }
  const eventsPerSecond = EVENTS / ((performance.now() - started) / 1000);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return Math.round(eventsPerSecond);
}

const layouts: Layout[] = ['text-keys (current)', 'integer-keys', 'integer-keys, profiles written behind'];
const results = layouts.map((layout) => ({ layout, eventsPerSecond: run(layout) }));
const base = results[0]?.eventsPerSecond ?? 1;
process.stdout.write(
  ['| SQLite layout (raw, no Attune code) | events/s | vs current |', '|---|---|---|']
    .concat(results.map((r) => `| ${r.layout} | ${r.eventsPerSecond.toLocaleString('en')} | ${(r.eventsPerSecond / base).toFixed(2)}x |`))
    .join('\n') + '\n',
);

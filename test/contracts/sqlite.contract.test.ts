import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../src/adapters/sqlite/index.js';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../../src/adapters/sqlite/migrate.js';
import { createProfileState } from '../../src/core/profiles/profile-state.js';
import { asApiKeyId, asWorkspaceId } from '../../src/core/shared/ids.js';
import type { Storage } from '../../src/ports/storage.js';
import { describeCatalogStoreContract } from './catalog-store.contract.js';
import { describeComputedTraitStoreContract } from './computed-trait-store.contract.js';
import type { OpenStorage } from './contract-helpers.js';
import { describeDecisionStoreContract } from './decision-store.contract.js';
import { P1, P2, WS_A, WS_B, append, eventFor, inRun } from './contract-helpers.js';
import { describeEventStoreContract } from './event-store.contract.js';
import { describeIdentityStoreContract } from './identity-store.contract.js';
import { describeProfileStoreContract } from './profile-store.contract.js';
import { describeSegmentStoreContract } from './segment-store.contract.js';
import { describeUnitOfWorkContract } from './unit-of-work.contract.js';
import { describeWorkspaceStoreContract } from './workspace-store.contract.js';

// One temp folder per test file; each opened storage gets its own file in it.
const dir = mkdtempSync(join(tmpdir(), 'attune-sqlite-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(dir, `db-${++files}.sqlite`);

const open: OpenStorage = async () => openSqliteStorage({ path: freshPath(), synchronous: 'normal' });

describeEventStoreContract('sqlite', open);
describeProfileStoreContract('sqlite', open);
describeIdentityStoreContract('sqlite', open);
describeCatalogStoreContract('sqlite', open);
describeWorkspaceStoreContract('sqlite', open);
describeComputedTraitStoreContract('sqlite', open);
describeSegmentStoreContract('sqlite', open);
describeDecisionStoreContract('sqlite', open);
describeUnitOfWorkContract('sqlite', open);

/** Everything the tests below write, read back through the read view. */
async function readAll(storage: Storage): Promise<unknown> {
  const r = storage.read;
  return {
    eventsA: await r.events.scan(WS_A, { afterSeq: 0, limit: 100 }),
    eventsB: await r.events.scan(WS_B, { afterSeq: 0, limit: 100 }),
    profiles: await r.profiles.list(WS_A, { afterId: null, limit: 100 }),
    identities: await r.identities.listForProfile(WS_A, P1),
    merges: await r.identities.listMerges(WS_A, P1),
    catalog: await r.catalog.list(WS_A, { afterId: null, limit: 100, category: null }),
    workspaces: await r.workspaces.listWorkspaces(),
    keys: await r.workspaces.listKeys(WS_A),
    traits: await r.computedTraits.list(WS_A),
    segments: await r.segments.listDefinitions(WS_A),
    memberships: await r.segments.listAllMemberships(WS_A),
    changes: await r.segments.listChanges(WS_A, { afterSeq: 0, limit: 100 }),
    lastChangeSeq: await r.segments.lastChangeSeq(WS_A),
    schedule: await r.segments.listSchedule(WS_A),
    webhooks: await r.segments.listWebhooks(WS_A),
    models: await r.segments.listModels(WS_A, 'rfm'),
    decisions: await r.decisions.scan(WS_A, { placement: null, after: null, limit: 100 }),
    decisionCount: await r.decisions.count(WS_A),
  };
}

describe('sqlite: the database file', () => {
  it('keeps every store across close and reopen, and seq continues where it stopped', async () => {
    const path = freshPath();
    const first = openSqliteStorage({ path, synchronous: 'normal' });
    const state = createProfileState(P1);
    state.eventCount = 3;
    await append(first, WS_A, [eventFor(P1), eventFor(P1), eventFor(P2)]);
    await append(first, WS_B, [eventFor(P1)]);
    await inRun(first, async (stores) => {
      await stores.profiles.putMany(WS_A, [state]);
      await stores.identities.linkMany(WS_A, [{ id: { kind: 'user_id', value: 'u1' }, profileId: P1, atMs: 5 }]);
      await stores.identities.putMerge(WS_A, { survivorId: P1, mergedId: P2, reason: 'identified', messageId: 'm', via: [], atMs: 6 });
      await stores.catalog.putMany(WS_A, [
        { id: 'sku', name: null, category: 'c', price: 2.5, currency: 'EUR', marginRate: 0.5, stock: 3, attributes: { a: 1 }, updatedAtMs: 7 },
      ]);
      await stores.workspaces.putWorkspace({ id: WS_A, name: 'a', createdAtMs: 8 });
      await stores.workspaces.putKey({
        id: asApiKeyId('key_1'),
        workspaceId: WS_A,
        name: 'k',
        scope: 'read',
        secretHash: 'h',
        prefix: 'p',
        createdAtMs: 9,
        revokedAtMs: null,
      });
      await stores.computedTraits.put(WS_A, { name: 't', event: '*', where: [], aggregate: 'count', property: null, windowDays: 3 });
      await stores.segments.putDefinition(WS_A, {
        key: 'vip',
        name: 'VIP',
        description: '',
        kind: 'rule',
        rule: { kind: 'compare', path: 'traits.plan', op: 'eq', value: 'gold' },
        version: 1,
        createdAtMs: 10,
        updatedAtMs: 10,
      });
      await stores.segments.applyChanges(WS_A, [
        { segmentKey: 'vip', profileId: P1, kind: 'enter', atMs: 11, reasons: ['traits.plan is "gold"'], segmentVersion: 1 },
        { segmentKey: 'vip', profileId: P2, kind: 'enter', atMs: 12, reasons: [], segmentVersion: 1 },
        { segmentKey: 'vip', profileId: P2, kind: 'exit', atMs: 13, reasons: [], segmentVersion: 1 },
      ]);
      await stores.segments.putSchedule(WS_A, [{ profileId: P1, dueAtMs: 14 }]);
      await stores.segments.putWebhook(WS_A, {
        id: 'wh',
        url: 'https://example.test/h',
        secret: 's',
        segments: ['vip'],
        deliveredSeq: 2,
        failures: 1,
        nextAttemptAtMs: 15,
        lastError: 'HTTP 503',
        createdAtMs: 9,
      });
      await stores.segments.putModel(WS_A, { kind: 'rfm', id: 'm', body: { q: [1, 2] }, updatedAtMs: 16 });
      await stores.decisions.appendMany(WS_A, [
        {
          id: 'dec_0000000000000000000001',
          profileId: P1,
          placement: 'home',
          channel: 'web',
          atMs: 17,
          personalized: true,
          offerKey: 'o',
          offerPropensity: 0.5,
          discountPercent: 10,
          contentKey: null,
          contentPropensity: null,
          items: ['sku'],
          context: { x: [1, 0.5] },
        },
      ]);
      await stores.decisions.addOutcome(WS_A, 'dec_0000000000000000000001', { kind: 'click', atMs: 18, value: null, messageId: 'm1' });
    });
    const before = await readAll(first);
    await first.close();

    const second = openSqliteStorage({ path, synchronous: 'full' });
    try {
      expect(await readAll(second)).toEqual(before);
      expect((await append(second, WS_A, [eventFor(P1)]))[0]?.seq).toBe(4);
      expect((await append(second, WS_B, [eventFor(P1)]))[0]?.seq).toBe(2);
      const lastChangeSeq = await second.read.segments.lastChangeSeq(WS_A);
      expect(lastChangeSeq).toBeGreaterThan(0);
      const [next] = await inRun(second, (stores) =>
        stores.segments.applyChanges(WS_A, [{ segmentKey: 'vip', profileId: P2, kind: 'enter', atMs: 17, reasons: [], segmentVersion: 1 }]),
      );
      expect(next?.seq).toBeGreaterThan(lastChangeSeq);
    } finally {
      await second.close();
    }
  });

  it('applies each migration once: reopening applies nothing', async () => {
    const path = freshPath();
    for (let i = 0; i < 3; i++) await openSqliteStorage({ path, synchronous: 'normal' }).close();
    const db = new Database(path);
    try {
      const shipped = readMigrations(MIGRATIONS_DIR);
      expect(shipped.map((m) => m.version)).toEqual(shipped.map((_, i) => i + 1));
      expect(shipped.length).toBeGreaterThanOrEqual(2);
      const recorded = db.prepare<[], { version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(recorded).toEqual(shipped.map((m) => ({ version: m.version, name: m.name })));
      expect(migrate(db, shipped)).toEqual([]);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('applies pending migrations in order, in one transaction: a failing one leaves the schema as it was', () => {
    const migrationsDir = join(dir, `migrations-${++files}`);
    mkdirSync(migrationsDir);
    writeFileSync(join(migrationsDir, '0002_second.sql'), 'CREATE TABLE second_table (workspace_id TEXT) STRICT; SELECT * FROM first_table;');
    writeFileSync(join(migrationsDir, '0001_first.sql'), 'CREATE TABLE first_table (workspace_id TEXT) STRICT;');
    writeFileSync(join(migrationsDir, '0003_broken.sql'), 'CREATE TABLE broken (');
    writeFileSync(join(migrationsDir, 'README.md'), 'not a migration');
    const db = new Database(':memory:');
    try {
      const dirUrl = pathToFileURL(`${migrationsDir}/`);
      expect(() => migrate(db, readMigrations(dirUrl))).toThrow();
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('first_table', 'second_table')").all()).toEqual([]);
      rmSync(join(migrationsDir, '0003_broken.sql'));
      expect(migrate(db, readMigrations(dirUrl))).toEqual([1, 2]);
      expect(migrate(db, readMigrations(dirUrl))).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('refuses a file that records a migration this version does not ship', async () => {
    const path = freshPath();
    await openSqliteStorage({ path, synchronous: 'normal' }).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (9999, ?, 0)').run('from_the_future');
    db.close();
    expect(() => openSqliteStorage({ path, synchronous: 'normal' })).toThrow(/newer version/);
  });

  it('refuses an in-memory database (the reader could not see the writer)', () => {
    expect(() => openSqliteStorage({ path: ':memory:', synchronous: 'normal' })).toThrow(/memory adapter/);
  });

  it('keeps a committed run when the process is killed right after (SIGKILL, no close)', async () => {
    const path = freshPath();
    const count = 5_000;
    const workspace = asWorkspaceId('ws_durable');
    const script = fileURLToPath(new URL('./fixtures/commit-then-hang.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, path, String(count), workspace], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('committed')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`child exited before committing: ${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');
    // The commit is still only in the WAL (nobody checkpointed): recovery must replay it.
    expect(existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0).toBe(true);

    const reopened = openSqliteStorage({ path, synchronous: 'normal' });
    try {
      expect(await reopened.read.events.count(workspace)).toBe(count);
      const ids = Array.from({ length: count }, (_, i) => `durable-${i}`);
      expect((await reopened.read.events.existingMessageIds(workspace, ids)).size).toBe(count);
      const last = await reopened.read.events.scan(workspace, { afterSeq: count - 1, limit: 10 });
      expect(last.map((e) => [e.seq, e.messageId])).toEqual([[count, `durable-${count - 1}`]]);
    } finally {
      await reopened.close();
    }
  });
});

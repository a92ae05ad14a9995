/**
 * The SQLite storage adapter (better-sqlite3, one file).
 *
 * Two connections:
 * - the writer, used only inside `uow.run`, where every transaction is BEGIN IMMEDIATE ... COMMIT;
 * - the reader (opened read-only), behind `storage.read`. In WAL mode a reader sees the last
 *   committed snapshot and never waits for the writer, so API reads neither see a half-applied
 *   ingest batch nor stall while one commits. One connection could not give that: its reads would
 *   run inside whatever transaction the writer has open.
 *
 * Durability. WAL with synchronous=NORMAL appends each commit to the -wal file with a plain
 * write() and fsyncs only at checkpoints. A committed transaction is therefore in the OS page
 * cache when COMMIT returns: it survives the process crashing or being killed (SIGKILL, OOM),
 * which the contract suite tests, but the last commits before a power loss or kernel panic can be
 * lost (the database stays consistent, just older). synchronous=FULL fsyncs the WAL on every
 * commit, which survives power loss too, at the price of one fsync per transaction. Ingest
 * commits a batch per transaction, so that price is per batch, not per event.
 *
 * Other choices: STRICT tables; foreign keys on (only api_keys -> workspaces uses one: the hot
 * tables skip them to keep ingest cheap); busy_timeout so a second process (CLI next to a
 * server) waits for the write lock instead of failing at once; a 64 MiB page cache per connection;
 * a checkpoint every ~40 MiB of WAL rather than every 4 MiB (see WAL_AUTOCHECKPOINT_PAGES).
 */
import Database from 'better-sqlite3';
import type { Storage } from '../../ports/storage.js';
import { MIGRATIONS_DIR, migrate, readMigrations } from './migrate.js';
import { StatementCache } from './store-context.js';
import type { SqliteStoreContext } from './store-context.js';
import { createSqliteStores } from './stores.js';
import { createSqliteUnitOfWork } from './unit-of-work.js';

export interface SqliteStorageOptions {
  /** Database file; created with its schema when missing (the folder must exist). */
  readonly path: string;
  /** 'normal': durable against process crashes; 'full': also against power loss (see above). */
  readonly synchronous: 'normal' | 'full';
}

/** How long a connection waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;
/** Negative cache_size is in KiB: 64 MiB per connection. */
const CACHE_SIZE_KIB = 65_536;
/**
 * Checkpoint when the WAL holds this many pages (~40 MiB at 4 KiB pages; SQLite's default is 1000).
 * Ingest dirties pages at random places in the message-id and profile indexes; a longer interval
 * copies each hot page back once per checkpoint instead of every few commits. Measured: appendMany
 * of 200k events in runs of 1000 went from ~22k to ~27k events/s. Cost: a WAL up to ~40 MiB and a
 * correspondingly longer replay after a crash.
 */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export function openSqliteStorage(opts: SqliteStorageOptions): Storage {
  if (opts.path === '' || opts.path === ':memory:') {
    // The reader must see the writer's commits through the file; an in-memory database is private
    // to one connection. The memory adapter exists for that use.
    throw new Error('openSqliteStorage needs a file path; use the memory adapter for an in-memory store');
  }
  const writer = new Database(opts.path, { timeout: BUSY_TIMEOUT_MS });
  let reader: Database.Database | null = null;
  try {
    const mode = writer.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode for ${opts.path} (journal_mode is ${String(mode)})`);
    writer.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    writer.pragma('foreign_keys = ON');
    writer.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
    writer.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    migrate(writer, readMigrations(MIGRATIONS_DIR));
    reader = new Database(opts.path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    reader.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
  } catch (error: unknown) {
    reader?.close();
    writer.close();
    throw error;
  }
  const readConnection = reader;

  let closed = false;
  let closing: Promise<void> | null = null;
  const readCtx: SqliteStoreContext = {
    db: readConnection,
    statements: new StatementCache(readConnection),
    checkRead: (method) => {
      if (closed) throw new Error(`${method}: the storage is closed`);
    },
    checkWrite: (method) => {
      throw new Error(`${method}: read-only view; writes go through uow.run`);
    },
  };
  const uow = createSqliteUnitOfWork(writer);

  return {
    engine: 'sqlite',
    location: opts.path,
    uow,
    read: createSqliteStores(readCtx),
    close() {
      closing ??= (async () => {
        await uow.drain();
        closed = true;
        readConnection.close();
        // Closed last, the writer checkpoints the WAL into the main file and removes it.
        writer.close();
      })();
      return closing;
    },
  };
}

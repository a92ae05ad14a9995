/**
 * The memory storage adapter: a real adapter (it passes the same contract suite as SQLite), for
 * fast tests and `memory://` demos. Nothing survives the process.
 *
 * Choices:
 * - Values are kept as JSON text, like SQLite's JSON columns: reads return fresh copies and
 *   round-trip exactly as the SQLite adapter does.
 * - Transactions are an undo log over tables written in place (see unit-of-work.ts); each write
 *   method also runs under a savepoint, so a batch that throws halfway leaves nothing behind.
 * - `read` sees only committed data by waiting out the open run; inside a run it sees the run's
 *   own writes (the one difference from SQLite, explained in unit-of-work.ts).
 * - Orders by id use SQLite's byte order (compareCodePoints), so pagination matches across adapters.
 * - Lists sort on every call: fine for test and demo sizes, not meant for millions of rows.
 */
import type { Storage } from '../../ports/storage.js';
import type { MemoryStoreContext } from './store-context.js';
import { createMemoryTables } from './store-context.js';
import { createMemoryStores } from './stores.js';
import { createMemoryUnitOfWork } from './unit-of-work.js';

export function openMemoryStorage(): Storage {
  const tables = createMemoryTables();
  const uow = createMemoryUnitOfWork(tables);
  let closed = false;
  let closing: Promise<void> | null = null;
  const readCtx: MemoryStoreContext = {
    tables,
    read: async (method, read) => {
      if (closed) throw new Error(`${method}: the storage is closed`);
      return uow.readCommitted(read);
    },
    write: async (method) => {
      throw new Error(`${method}: read-only view; writes go through uow.run`);
    },
  };
  return {
    engine: 'memory',
    location: 'memory://',
    uow,
    read: createMemoryStores(readCtx),
    close() {
      closing ??= (async () => {
        await uow.drain();
        closed = true;
      })();
      return closing;
    },
  };
}

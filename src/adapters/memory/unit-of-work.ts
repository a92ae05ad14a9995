import { AsyncLocalStorage } from 'node:async_hooks';
import type { Stores, UnitOfWork } from '../../ports/storage.js';
import type { MemoryStoreContext, MemoryTables } from './store-context.js';
import { UndoLog } from './store-context.js';
import { createMemoryStores } from './stores.js';

export interface MemoryUnitOfWork extends UnitOfWork {
  /** Runs a synchronous read of the read view once no run is open (see below). */
  readCommitted<T>(fn: () => T): Promise<T>;
  /** Refuses new runs, then waits for the accepted ones to finish. */
  drain(): Promise<void>;
}

interface RunToken {
  open: boolean;
}

/**
 * Transactions over the memory tables. Runs are serialized by a promise queue, as in the SQLite
 * adapter. A run writes the shared tables in place and records an undo step per mutation;
 * commit drops the log, an error replays it backwards and rethrows.
 *
 * Committed-only reads: since writes are in place, the read view does not read while a run is
 * open; it waits for that run to commit or roll back, then reads synchronously (nothing can
 * interleave with a synchronous read). After a run ends, the next queued run starts only after a
 * macrotask turn when readers were waiting, so reads are not starved by back-to-back runs.
 *
 * One difference from SQLite, deliberately kept: a read-view call made from inside a run (same
 * async context) does not wait (it would wait for itself) and so sees that run's uncommitted
 * writes, where SQLite's reader connection would see the state before the run.
 */
export function createMemoryUnitOfWork(tables: MemoryTables): MemoryUnitOfWork {
  const currentRun = new AsyncLocalStorage<RunToken>();
  let tail: Promise<unknown> = Promise.resolve();
  let draining = false;
  let openRun: RunToken | null = null;
  let waitingReaders: (() => void)[] = [];
  let readersJustWoken = false;

  const execute = async <T>(label: string, fn: (stores: Stores) => Promise<T>): Promise<T> => {
    if (readersJustWoken) {
      readersJustWoken = false;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const token: RunToken = { open: true };
    const undo = new UndoLog();
    const ended = (method: string): Error => new Error(`${method}: the stores of uow.run("${label}") were used after the run ended`);
    const ctx: MemoryStoreContext = {
      tables,
      read: async (method, read) => {
        if (!token.open) throw ended(method);
        return read();
      },
      write: async (method, write) => {
        if (!token.open) throw ended(method);
        const mark = undo.mark();
        try {
          return write(undo);
        } catch (error: unknown) {
          undo.rollbackTo(mark);
          throw error;
        }
      },
    };
    openRun = token;
    try {
      return await currentRun.run(token, () => fn(createMemoryStores(ctx)));
    } catch (error: unknown) {
      undo.rollback();
      throw error;
    } finally {
      token.open = false;
      openRun = null;
      const readers = waitingReaders;
      waitingReaders = [];
      if (readers.length > 0) {
        readersJustWoken = true;
        for (const wake of readers) wake();
      }
    }
  };

  return {
    run<T>(label: string, fn: (stores: Stores) => Promise<T>): Promise<T> {
      if (currentRun.getStore()?.open === true) {
        return Promise.reject(
          new Error(`uow.run("${label}") was called inside another run; runs do not nest (it would wait for itself forever)`),
        );
      }
      if (draining) return Promise.reject(new Error(`uow.run("${label}"): the storage is closed`));
      const result = tail.then(() => execute(label, fn));
      tail = result.catch(() => undefined);
      return result;
    },

    async readCommitted<T>(fn: () => T): Promise<T> {
      // Re-checked after every wake-up: another run may have opened in between.
      while (openRun !== null && currentRun.getStore() !== openRun) {
        await new Promise<void>((resolve) => waitingReaders.push(resolve));
      }
      return fn();
    },

    async drain() {
      draining = true;
      await tail;
    },
  };
}

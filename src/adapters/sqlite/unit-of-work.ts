import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import type { Stores, UnitOfWork } from '../../ports/storage.js';
import type { SqliteStoreContext } from './store-context.js';
import { StatementCache } from './store-context.js';
import { createSqliteStores } from './stores.js';

export interface SqliteUnitOfWork extends UnitOfWork {
  /** Refuses new runs, then waits for the accepted ones to finish; the writer may close after. */
  drain(): Promise<void>;
}

interface RunToken {
  open: boolean;
}

/**
 * Transactions on the writer connection, one at a time. better-sqlite3 is synchronous but `fn`
 * is async, so two runs could otherwise interleave their statements inside one SQLite
 * transaction; an in-process promise queue serializes them instead (the ingest writer's
 * group commit relies on this). Each run: BEGIN IMMEDIATE (take the write lock up front, so a
 * second process waits on busy_timeout at BEGIN rather than failing halfway), await fn, COMMIT;
 * on any error ROLLBACK and rethrow the same error.
 */
export function createSqliteUnitOfWork(writer: Database.Database): SqliteUnitOfWork {
  const statements = new StatementCache(writer);
  // Which run (if any) the current async context belongs to: a nested run would wait on itself.
  const currentRun = new AsyncLocalStorage<RunToken>();
  let tail: Promise<unknown> = Promise.resolve();
  let draining = false;

  const execute = async <T>(label: string, fn: (stores: Stores) => Promise<T>): Promise<T> => {
    const token: RunToken = { open: true };
    const ended = (method: string): never => {
      throw new Error(`${method}: the stores of uow.run("${label}") were used after the run ended`);
    };
    // Fresh stores per run: a reference kept past the run fails loudly instead of writing into
    // whichever transaction happens to be open later.
    const ctx: SqliteStoreContext = {
      db: writer,
      statements,
      checkRead: (method) => {
        if (!token.open) ended(method);
      },
      checkWrite: (method) => {
        if (!token.open) ended(method);
      },
    };
    writer.exec('BEGIN IMMEDIATE');
    try {
      const value = await currentRun.run(token, () => fn(createSqliteStores(ctx)));
      writer.exec('COMMIT');
      return value;
    } catch (error: unknown) {
      // SQLite may already have rolled back by itself (e.g. SQLITE_FULL); then there is nothing to undo.
      if (writer.inTransaction) {
        try {
          writer.exec('ROLLBACK');
        } catch (rollbackError: unknown) {
          throw new AggregateError([error, rollbackError], `uow.run("${label}") failed, and so did its ROLLBACK`);
        }
      }
      throw error;
    } finally {
      token.open = false;
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
    async drain() {
      draining = true;
      await tail;
    },
  };
}

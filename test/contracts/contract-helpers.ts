import { describe, it } from 'vitest';
import type { StoredEvent, NormalizedEvent } from '../../src/core/events/event.js';
import type { ProfileId, WorkspaceId } from '../../src/core/shared/ids.js';
import { asProfileId, asWorkspaceId } from '../../src/core/shared/ids.js';
import type { Storage, Stores } from '../../src/ports/storage.js';
import { makeEvent } from '../builders/make-event.js';

/** A test the adapter does not run, and why (a skip without a reason is refused). */
export interface ContractSkip {
  readonly test: string;
  readonly reason: string;
}

export interface ContractOptions {
  readonly skip?: readonly ContractSkip[];
}

/** Opens a fresh, empty storage; every contract test gets its own and closes it. */
export type OpenStorage = () => Promise<Storage>;

export type ContractTest = (name: string, fn: (storage: Storage) => Promise<void>) => void;

/**
 * Declares one port's contract for one adapter. Each `test(name, fn)` runs `fn` on a freshly
 * opened storage. Skips must name an existing test and give a reason; a stale skip fails the
 * suite, so a renamed test cannot silently stay skipped.
 */
export function describeContract(
  port: string,
  adapter: string,
  open: OpenStorage,
  opts: ContractOptions,
  body: (test: ContractTest) => void,
): void {
  describe(`${adapter}: ${port} contract`, () => {
    const names = new Set<string>();
    const skips = opts.skip ?? [];
    const test: ContractTest = (name, fn) => {
      if (names.has(name)) throw new Error(`duplicate contract test name "${name}"`);
      names.add(name);
      const skip = skips.find((s) => s.test === name);
      if (skip !== undefined) {
        it.skip(`${name} (skipped for ${adapter}: ${skip.reason})`, () => {});
        return;
      }
      it(name, async () => {
        const storage = await open();
        try {
          await fn(storage);
        } finally {
          await storage.close();
        }
      });
    };
    body(test);
    const stale = skips.filter((s) => !names.has(s.test));
    const unexplained = skips.filter((s) => s.reason.trim().length === 0);
    if (stale.length > 0 || unexplained.length > 0) {
      it('every skip names an existing test and gives a reason', () => {
        throw new Error(
          `bad skips for ${adapter}/${port}: ${[...stale, ...unexplained].map((s) => JSON.stringify(s.test)).join(', ')}`,
        );
      });
    }
  });
}

export const WS_A = asWorkspaceId('ws_contract_a');
export const WS_B = asWorkspaceId('ws_contract_b');
export const P1 = asProfileId('prf_1');
export const P2 = asProfileId('prf_2');
export const P3 = asProfileId('prf_3');

export type NewEvent = Omit<StoredEvent, 'seq' | 'workspaceId'>;

/** A NormalizedEvent (test/builders defaults) attributed to a profile, ready for appendMany. */
export function eventFor(profileId: ProfileId, overrides: Partial<NormalizedEvent> = {}): NewEvent {
  return { ...makeEvent(overrides), profileId };
}

/** Runs `fn` in one transaction (the label says it comes from a contract test). */
export function inRun<T>(storage: Storage, fn: (stores: Stores) => Promise<T>): Promise<T> {
  return storage.uow.run('contract-test', fn);
}

export async function append(storage: Storage, workspace: WorkspaceId, events: readonly NewEvent[]): Promise<readonly StoredEvent[]> {
  return inRun(storage, (stores) => stores.events.appendMany(workspace, events));
}

/** A promise with its resolve/reject exposed, to hold a run open while the test looks around. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets queued promise callbacks and one macrotask turn run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

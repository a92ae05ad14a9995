import { expect } from 'vitest';
import type { ComputedTraitDefinition } from '../../src/core/profiles/computed-trait.js';
import type { ContractOptions, OpenStorage } from './contract-helpers.js';
import { WS_A, WS_B, describeContract, inRun } from './contract-helpers.js';

function definition(name: string, overrides: Partial<ComputedTraitDefinition> = {}): ComputedTraitDefinition {
  return {
    name,
    event: 'Order Completed',
    where: [
      { property: 'currency', op: 'eq', value: 'EUR' },
      { property: 'coupon', op: 'exists' },
    ],
    aggregate: 'sum',
    property: 'revenue',
    windowDays: 30,
    ...overrides,
  };
}

export function describeComputedTraitStoreContract(adapter: string, open: OpenStorage, opts: ContractOptions = {}): void {
  describeContract('ComputedTraitStore', adapter, open, opts, (test) => {
    test('put then list round-trips definitions deep-equal, ordered by name', async (storage) => {
      const b = definition('revenue_30d');
      const a = definition('orders_all_time', { aggregate: 'count', property: null, windowDays: null, where: [], description: 'Orders ✓' });
      await inRun(storage, async (stores) => {
        await stores.computedTraits.put(WS_A, b);
        await stores.computedTraits.put(WS_A, a);
      });
      expect(await storage.read.computedTraits.list(WS_A)).toEqual([a, b]);
    });

    test('put replaces the definition with the same name', async (storage) => {
      await inRun(storage, (stores) => stores.computedTraits.put(WS_A, definition('t')));
      const replaced = definition('t', { aggregate: 'max', windowDays: 7 });
      await inRun(storage, (stores) => stores.computedTraits.put(WS_A, replaced));
      expect(await storage.read.computedTraits.list(WS_A)).toEqual([replaced]);
    });

    test('delete removes a definition and says whether it existed', async (storage) => {
      await inRun(storage, async (stores) => {
        await stores.computedTraits.put(WS_A, definition('t1'));
        await stores.computedTraits.put(WS_A, definition('t2'));
      });
      expect(await inRun(storage, (stores) => stores.computedTraits.delete(WS_A, 't1'))).toBe(true);
      expect(await inRun(storage, (stores) => stores.computedTraits.delete(WS_A, 't1'))).toBe(false);
      expect((await storage.read.computedTraits.list(WS_A)).map((d) => d.name)).toEqual(['t2']);
    });

    test('workspace isolation: definitions of A are invisible from B and untouched by B', async (storage) => {
      await inRun(storage, (stores) => stores.computedTraits.put(WS_A, definition('t')));
      expect(await storage.read.computedTraits.list(WS_B)).toEqual([]);
      expect(await inRun(storage, (stores) => stores.computedTraits.delete(WS_B, 't'))).toBe(false);
      await inRun(storage, (stores) => stores.computedTraits.put(WS_B, definition('t', { windowDays: 1 })));
      expect(await storage.read.computedTraits.list(WS_A)).toEqual([definition('t')]);
    });
  });
}

import { expect } from 'vitest';
import type { CatalogItem } from '../../src/core/catalog/catalog-item.js';
import type { ContractOptions, OpenStorage } from './contract-helpers.js';
import { WS_A, WS_B, describeContract, inRun } from './contract-helpers.js';

function item(id: string, overrides: Partial<CatalogItem> = {}): CatalogItem {
  return {
    id,
    name: `Item ${id}`,
    category: 'Mugs',
    price: 12.5,
    currency: 'EUR',
    marginRate: 0.35,
    stock: 4,
    attributes: { color: 'blue', sizes: [1, 2], meta: { fragile: true } },
    updatedAtMs: 1_700_000_000_000,
    ...overrides,
  };
}

const itemIds = (items: readonly CatalogItem[]): string[] => items.map((i) => i.id);

export function describeCatalogStoreContract(adapter: string, open: OpenStorage, opts: ContractOptions = {}): void {
  describeContract('CatalogStore', adapter, open, opts, (test) => {
    test('putMany then getMany round-trips items deep-equal, nulls included', async (storage) => {
      const full = item('sku-1');
      const sparse = item('sku-2', { name: null, category: null, price: null, currency: null, marginRate: null, stock: null, attributes: {} });
      const whole = item('sku-3', { price: 10, stock: 0, marginRate: 0 });
      await inRun(storage, (stores) => stores.catalog.putMany(WS_A, [full, sparse, whole]));
      const got = await storage.read.catalog.getMany(WS_A, ['sku-1', 'sku-2', 'sku-3', 'sku-x']);
      expect(got).toEqual(new Map([['sku-1', full], ['sku-2', sparse], ['sku-3', whole]]));
      expect(await storage.read.catalog.getMany(WS_A, [])).toEqual(new Map());
    });

    test('putMany replaces an item', async (storage) => {
      await inRun(storage, (stores) => stores.catalog.putMany(WS_A, [item('sku-1')]));
      const updated = item('sku-1', { price: 9.99, stock: null, category: 'Cups', updatedAtMs: 1_700_000_000_500 });
      await inRun(storage, (stores) => stores.catalog.putMany(WS_A, [updated]));
      expect((await storage.read.catalog.getMany(WS_A, ['sku-1'])).get('sku-1')).toEqual(updated);
      expect(await storage.read.catalog.count(WS_A)).toBe(1);
    });

    test('list pages by id ascending after afterId, optionally within one category', async (storage) => {
      await inRun(storage, (stores) =>
        stores.catalog.putMany(WS_A, [
          item('d', { category: 'Cups' }),
          item('a'),
          item('c'),
          item('b', { category: 'Cups' }),
          item('e', { category: null }),
        ]),
      );
      const list = storage.read.catalog;
      expect(itemIds(await list.list(WS_A, { afterId: null, limit: 2, category: null }))).toEqual(['a', 'b']);
      expect(itemIds(await list.list(WS_A, { afterId: 'b', limit: 10, category: null }))).toEqual(['c', 'd', 'e']);
      expect(itemIds(await list.list(WS_A, { afterId: null, limit: 10, category: 'Cups' }))).toEqual(['b', 'd']);
      expect(itemIds(await list.list(WS_A, { afterId: 'b', limit: 10, category: 'Cups' }))).toEqual(['d']);
      expect(await list.list(WS_A, { afterId: null, limit: 10, category: 'None' })).toEqual([]);
      await expect(list.list(WS_A, { afterId: null, limit: 0, category: null })).rejects.toThrow(/limit/);
    });

    test('deleteMany removes the given items and returns how many existed', async (storage) => {
      await inRun(storage, (stores) => stores.catalog.putMany(WS_A, [item('a'), item('b'), item('c')]));
      expect(await inRun(storage, (stores) => stores.catalog.deleteMany(WS_A, ['a', 'c', 'zz']))).toBe(2);
      expect(await inRun(storage, (stores) => stores.catalog.deleteMany(WS_A, []))).toBe(0);
      expect([...(await storage.read.catalog.getMany(WS_A, ['a', 'b', 'c'])).keys()]).toEqual(['b']);
      expect(await storage.read.catalog.count(WS_A)).toBe(1);
    });

    test('workspace isolation: the catalog of A is invisible from B and untouched by B', async (storage) => {
      await inRun(storage, (stores) => stores.catalog.putMany(WS_A, [item('a'), item('b')]));
      const b = storage.read.catalog;
      expect(await b.getMany(WS_B, ['a', 'b'])).toEqual(new Map());
      expect(await b.list(WS_B, { afterId: null, limit: 10, category: null })).toEqual([]);
      expect(await b.list(WS_B, { afterId: null, limit: 10, category: 'Mugs' })).toEqual([]);
      expect(await b.count(WS_B)).toBe(0);
      expect(await inRun(storage, (stores) => stores.catalog.deleteMany(WS_B, ['a']))).toBe(0);
      await inRun(storage, (stores) => stores.catalog.putMany(WS_B, [item('a', { price: 1 })]));
      expect((await storage.read.catalog.getMany(WS_A, ['a'])).get('a')?.price).toBe(12.5);
      expect(await storage.read.catalog.count(WS_A)).toBe(2);
    });
  });
}

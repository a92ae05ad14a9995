import type { CatalogItem } from '../../core/catalog/catalog-item.js';
import type { CatalogStore } from '../../ports/catalog-store.js';
import { compareCodePoints, fromCatalogJson, toCatalogJson } from './row-mapping.js';
import type { MemoryStoreContext } from './store-context.js';
import { checkLimit, checkWholeMs, deleteUndoable, peekWorkspace, setUndoable, workspaceTables } from './store-context.js';

export function createMemoryCatalogStore(ctx: MemoryStoreContext): CatalogStore {
  const { tables } = ctx;
  return {
    putMany: (workspace, items) =>
      ctx.write('catalog.putMany', (undo) => {
        if (items.length === 0) return;
        const { catalog } = workspaceTables(tables, workspace);
        for (const item of items) {
          checkWholeMs('catalog.putMany', 'updatedAtMs', item.updatedAtMs);
          setUndoable(undo, catalog, item.id, { category: item.category, json: toCatalogJson(item) });
        }
      }),

    getMany: (workspace, ids) =>
      ctx.read('catalog.getMany', () => {
        const catalog = peekWorkspace(tables, workspace)?.catalog;
        const out = new Map<string, CatalogItem>();
        for (const id of ids) {
          const entry = catalog?.get(id);
          if (entry !== undefined) out.set(id, fromCatalogJson(entry.json));
        }
        return out;
      }),

    list: (workspace, opts) =>
      ctx.read('catalog.list', () => {
        checkLimit('catalog.list', opts.limit);
        const catalog = peekWorkspace(tables, workspace)?.catalog;
        if (catalog === undefined) return [];
        const { afterId, category } = opts;
        return [...catalog]
          .filter(([id, entry]) => (category === null || entry.category === category) && (afterId === null || compareCodePoints(id, afterId) > 0))
          .sort(([a], [b]) => compareCodePoints(a, b))
          .slice(0, opts.limit)
          .map(([, entry]) => fromCatalogJson(entry.json));
      }),

    deleteMany: (workspace, ids) =>
      ctx.write('catalog.deleteMany', (undo) => {
        const catalog = peekWorkspace(tables, workspace)?.catalog;
        let deleted = 0;
        if (catalog !== undefined) for (const id of ids) if (deleteUndoable(undo, catalog, id)) deleted++;
        return deleted;
      }),

    count: (workspace) => ctx.read('catalog.count', () => peekWorkspace(tables, workspace)?.catalog.size ?? 0),
  };
}

import type { CatalogItem } from '../../core/catalog/catalog-item.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { CatalogStore } from '../../ports/catalog-store.js';
import type { CatalogRow } from './row-mapping.js';
import { CATALOG_COLUMNS, fromCatalogRow, toCatalogParams } from './row-mapping.js';
import type { SqliteStoreContext } from './store-context.js';
import { checkLimit, selectInChunks } from './store-context.js';

const SQL = {
  getMany: `SELECT ${CATALOG_COLUMNS} FROM catalog_items WHERE workspace_id = ? AND item_id IN (:keys)`,
  upsert: `INSERT INTO catalog_items (workspace_id, ${CATALOG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (workspace_id, item_id) DO UPDATE SET name = excluded.name, category = excluded.category,
      price = excluded.price, currency = excluded.currency, margin_rate = excluded.margin_rate, stock = excluded.stock,
      attributes = excluded.attributes, updated_at_ms = excluded.updated_at_ms`,
  delete: 'DELETE FROM catalog_items WHERE workspace_id = ? AND item_id = ?',
  count: 'SELECT COUNT(*) FROM catalog_items WHERE workspace_id = ?',
} as const;

/** The four list shapes (with or without a cursor, with or without a category), each its own plan. */
function listSql(opts: { readonly after: boolean; readonly category: boolean }): string {
  return (
    `SELECT ${CATALOG_COLUMNS} FROM catalog_items WHERE workspace_id = ?` +
    (opts.category ? ' AND category = ?' : '') +
    (opts.after ? ' AND item_id > ?' : '') +
    ' ORDER BY item_id LIMIT ?'
  );
}

export function createSqliteCatalogStore(ctx: SqliteStoreContext): CatalogStore {
  const { statements } = ctx;

  const putAll = ctx.db.transaction((workspace: WorkspaceId, items: readonly CatalogItem[]) => {
    const upsert = statements.write<ReturnType<typeof toCatalogParams>>(SQL.upsert);
    for (const item of items) upsert.run(...toCatalogParams(workspace, item));
  });

  const deleteAll = ctx.db.transaction((workspace: WorkspaceId, ids: readonly string[]): number => {
    const remove = statements.write<[string, string]>(SQL.delete);
    let deleted = 0;
    for (const id of ids) deleted += remove.run(workspace, id).changes;
    return deleted;
  });

  return {
    async putMany(workspace, items) {
      ctx.checkWrite('catalog.putMany');
      if (items.length > 0) putAll(workspace, items);
    },

    async getMany(workspace, ids) {
      ctx.checkRead('catalog.getMany');
      const rows = selectInChunks<CatalogRow>(ctx, { sql: SQL.getMany, params: [workspace], keys: ids, pluck: false });
      const out = new Map<string, CatalogItem>();
      for (const row of rows) out.set(row.item_id, fromCatalogRow(row));
      return out;
    },

    async list(workspace, opts) {
      ctx.checkRead('catalog.list');
      checkLimit('catalog.list', opts.limit);
      const params: (string | number)[] = [workspace];
      if (opts.category !== null) params.push(opts.category);
      if (opts.afterId !== null) params.push(opts.afterId);
      params.push(opts.limit);
      const sql = listSql({ after: opts.afterId !== null, category: opts.category !== null });
      return statements.rows<(string | number)[], CatalogRow>(sql).all(...params).map(fromCatalogRow);
    },

    async deleteMany(workspace, ids) {
      ctx.checkWrite('catalog.deleteMany');
      return ids.length === 0 ? 0 : deleteAll(workspace, ids);
    },

    async count(workspace) {
      ctx.checkRead('catalog.count');
      return statements.pluck<[string], number>(SQL.count).get(workspace) ?? 0;
    },
  };
}

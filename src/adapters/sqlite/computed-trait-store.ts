import type { ComputedTraitStore } from '../../ports/computed-trait-store.js';
import { fromComputedTraitJson, toComputedTraitParams } from './row-mapping.js';
import type { SqliteStoreContext } from './store-context.js';

const SQL = {
  list: 'SELECT definition FROM computed_traits WHERE workspace_id = ? ORDER BY name',
  put: `INSERT INTO computed_traits (workspace_id, name, definition) VALUES (?, ?, ?)
    ON CONFLICT (workspace_id, name) DO UPDATE SET definition = excluded.definition`,
  delete: 'DELETE FROM computed_traits WHERE workspace_id = ? AND name = ?',
} as const;

export function createSqliteComputedTraitStore(ctx: SqliteStoreContext): ComputedTraitStore {
  const { statements } = ctx;
  return {
    async list(workspace) {
      ctx.checkRead('computedTraits.list');
      return statements.pluck<[string], string>(SQL.list).all(workspace).map(fromComputedTraitJson);
    },

    async put(workspace, definition) {
      ctx.checkWrite('computedTraits.put');
      statements.write<[string, string, string]>(SQL.put).run(...toComputedTraitParams(workspace, definition));
    },

    async delete(workspace, name) {
      ctx.checkWrite('computedTraits.delete');
      return statements.write<[string, string]>(SQL.delete).run(workspace, name).changes > 0;
    },
  };
}

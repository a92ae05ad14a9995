import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { ProfileStore } from '../../ports/profile-store.js';
import type { ProfileRow } from './row-mapping.js';
import { fromProfileRow, toProfileParams } from './row-mapping.js';
import type { SqliteStoreContext } from './store-context.js';
import { checkLimit, selectInChunks } from './store-context.js';

const SQL = {
  getMany: 'SELECT state FROM profiles WHERE workspace_id = ? AND profile_id IN (:keys)',
  upsert: `INSERT INTO profiles (workspace_id, profile_id, state, updated_at_ms) VALUES (?, ?, ?, ?)
    ON CONFLICT (workspace_id, profile_id) DO UPDATE SET state = excluded.state, updated_at_ms = excluded.updated_at_ms`,
  delete: 'DELETE FROM profiles WHERE workspace_id = ? AND profile_id = ?',
  listFirst: 'SELECT state FROM profiles WHERE workspace_id = ? ORDER BY profile_id LIMIT ?',
  listAfter: 'SELECT state FROM profiles WHERE workspace_id = ? AND profile_id > ? ORDER BY profile_id LIMIT ?',
  count: 'SELECT COUNT(*) FROM profiles WHERE workspace_id = ?',
  deleteAll: 'DELETE FROM profiles WHERE workspace_id = ?',
  getAppliedSeq: 'SELECT applied_seq FROM profile_watermarks WHERE workspace_id = ?',
  putAppliedSeq: `INSERT INTO profile_watermarks (workspace_id, applied_seq) VALUES (?, ?)
    ON CONFLICT (workspace_id) DO UPDATE SET applied_seq = excluded.applied_seq`,
} as const;

export function createSqliteProfileStore(ctx: SqliteStoreContext): ProfileStore {
  const { statements } = ctx;

  const putAll = ctx.db.transaction((workspace: WorkspaceId, profiles: readonly ProfileState[]) => {
    const upsert = statements.write<[string, string, string, number]>(SQL.upsert);
    // Wall-clock time of the write, for operators only (see 0001_init.sql).
    const nowMs = Date.now();
    for (const state of profiles) upsert.run(...toProfileParams(workspace, state, nowMs));
  });

  const deleteAll = ctx.db.transaction((workspace: WorkspaceId, ids: readonly ProfileId[]) => {
    const remove = statements.write<[string, string]>(SQL.delete);
    for (const id of ids) remove.run(workspace, id);
  });

  return {
    async getMany(workspace, ids) {
      ctx.checkRead('profiles.getMany');
      const rows = selectInChunks<ProfileRow>(ctx, { sql: SQL.getMany, params: [workspace], keys: ids, pluck: false });
      const out = new Map<ProfileId, ProfileState>();
      for (const row of rows) {
        const state = fromProfileRow(row);
        out.set(state.profileId, state);
      }
      return out;
    },

    async putMany(workspace, profiles) {
      ctx.checkWrite('profiles.putMany');
      if (profiles.length > 0) putAll(workspace, profiles);
    },

    async deleteMany(workspace, ids) {
      ctx.checkWrite('profiles.deleteMany');
      if (ids.length > 0) deleteAll(workspace, ids);
    },

    async list(workspace, opts) {
      ctx.checkRead('profiles.list');
      checkLimit('profiles.list', opts.limit);
      const rows =
        opts.afterId === null
          ? statements.rows<[string, number], ProfileRow>(SQL.listFirst).all(workspace, opts.limit)
          : statements.rows<[string, string, number], ProfileRow>(SQL.listAfter).all(workspace, opts.afterId, opts.limit);
      return rows.map(fromProfileRow);
    },

    async count(workspace) {
      ctx.checkRead('profiles.count');
      return statements.pluck<[string], number>(SQL.count).get(workspace) ?? 0;
    },

    async getAppliedSeq(workspace) {
      ctx.checkRead('profiles.getAppliedSeq');
      return statements.pluck<[string], number>(SQL.getAppliedSeq).get(workspace) ?? 0;
    },

    async putAppliedSeq(workspace, seq) {
      ctx.checkWrite('profiles.putAppliedSeq');
      statements.write<[string, number]>(SQL.putAppliedSeq).run(workspace, seq);
    },

    async deleteAll(workspace) {
      ctx.checkWrite('profiles.deleteAll');
      statements.write<[string]>(SQL.deleteAll).run(workspace);
    },
  };
}

import type { IdentifierKind } from '../../core/identity/identity.js';
import { identifierKey } from '../../core/identity/identity.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { IdentifierKey, IdentityStore } from '../../ports/identity-store.js';
import type { IdentityRow, MergeRow } from './row-mapping.js';
import { MERGE_COLUMNS, fromIdentityRow, fromMergeRow, fromProfileIdColumn, toMergeParams } from './row-mapping.js';
import type { SqliteStoreContext } from './store-context.js';

const SQL = {
  resolve: 'SELECT profile_id FROM identities WHERE workspace_id = ? AND kind = ? AND value = ?',
  // first_seen_ms is left alone on conflict: it records the first link, whatever moved later.
  link: `INSERT INTO identities (workspace_id, kind, value, profile_id, first_seen_ms) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (workspace_id, kind, value) DO UPDATE SET profile_id = excluded.profile_id`,
  reassign: 'UPDATE identities SET profile_id = ? WHERE workspace_id = ? AND profile_id = ?',
  listForProfile: `SELECT kind, value, first_seen_ms FROM identities WHERE workspace_id = ? AND profile_id = ?
    ORDER BY first_seen_ms, kind, value`,
  putMerge: 'INSERT INTO merges (workspace_id, survivor_id, merged_id, reason, message_id, via, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
  listMerges: `SELECT ${MERGE_COLUMNS} FROM merges WHERE workspace_id = ? AND survivor_id = ? ORDER BY at_ms, merge_id`,
  deleteIdentities: 'DELETE FROM identities WHERE workspace_id = ?',
  deleteMerges: 'DELETE FROM merges WHERE workspace_id = ?',
  countMerges: 'SELECT COUNT(*) FROM merges WHERE workspace_id = ?',
} as const;

type LinkParams = [string, IdentifierKind, string, string, number];

export function createSqliteIdentityStore(ctx: SqliteStoreContext): IdentityStore {
  const { statements } = ctx;

  const linkAll = ctx.db.transaction((rows: readonly LinkParams[]) => {
    const link = statements.write<LinkParams>(SQL.link);
    for (const row of rows) link.run(...row);
  });

  return {
    async resolveMany(workspace, ids) {
      ctx.checkRead('identities.resolveMany');
      // One indexed lookup per identifier: a batch holds a few hundred at most, ~3 µs each.
      const resolve = statements.pluck<[string, string, string], string>(SQL.resolve);
      const out = new Map<IdentifierKey, ProfileId>();
      for (const id of ids) {
        const profileId = resolve.get(workspace, id.kind, id.value);
        if (profileId !== undefined) out.set(identifierKey(id), fromProfileIdColumn(profileId));
      }
      return out;
    },

    async linkMany(workspace, links) {
      ctx.checkWrite('identities.linkMany');
      if (links.length === 0) return;
      linkAll(links.map((link): LinkParams => [workspace, link.id.kind, link.id.value, link.profileId, link.atMs]));
    },

    async reassignProfile(workspace, from, to) {
      ctx.checkWrite('identities.reassignProfile');
      statements.write<[string, string, string]>(SQL.reassign).run(to, workspace, from);
    },

    async listForProfile(workspace, profileId) {
      ctx.checkRead('identities.listForProfile');
      return statements.rows<[string, string], IdentityRow>(SQL.listForProfile).all(workspace, profileId).map(fromIdentityRow);
    },

    async putMerge(workspace, merge) {
      ctx.checkWrite('identities.putMerge');
      statements.write<ReturnType<typeof toMergeParams>>(SQL.putMerge).run(...toMergeParams(workspace, merge));
    },

    async listMerges(workspace, survivorId) {
      ctx.checkRead('identities.listMerges');
      return statements.rows<[string, string], MergeRow>(SQL.listMerges).all(workspace, survivorId).map(fromMergeRow);
    },

    async deleteAll(workspace: WorkspaceId) {
      ctx.checkWrite('identities.deleteAll');
      statements.write<[string]>(SQL.deleteIdentities).run(workspace);
      statements.write<[string]>(SQL.deleteMerges).run(workspace);
    },

    async countMerges(workspace) {
      ctx.checkRead('identities.countMerges');
      return statements.pluck<[string], number>(SQL.countMerges).get(workspace) ?? 0;
    },
  };
}

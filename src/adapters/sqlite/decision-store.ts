import type { DecisionOutcome, DecisionRecord, StoredDecision } from '../../core/decisions/decision-record.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { JsonObject } from '../../core/shared/json.js';
import type { DecisionStore } from '../../ports/decision-store.js';
import type { SqliteStoreContext } from './store-context.js';
import { checkLimit, selectInChunks } from './store-context.js';

const DECISION_COLUMNS = `decision_id, profile_id, placement, channel, at_ms, personalized, offer_key, offer_propensity,
  discount_percent, content_key, content_propensity, items, context`;
const OUTCOME_COLUMNS = 'decision_id, kind, at_ms, value, message_id';

/** A decisions row in DECISION_COLUMNS order (raw mode). */
type DecisionRawRow = [
  id: string,
  profileId: string | null,
  placement: string,
  channel: string,
  atMs: number,
  personalized: number,
  offerKey: string | null,
  offerPropensity: number | null,
  discountPercent: number | null,
  contentKey: string | null,
  contentPropensity: number | null,
  items: string,
  context: string,
];

/** The insert's parameters: the workspace, then DECISION_COLUMNS. */
type DecisionInsertParams = [workspace: string, ...row: DecisionRawRow];

/** A decision_outcomes row in OUTCOME_COLUMNS order (raw mode). */
type OutcomeRawRow = [decisionId: string, kind: DecisionOutcome['kind'], atMs: number, value: number | null, messageId: string];

/** The same row as an object (selectInChunks reads in object mode). */
interface OutcomeRow {
  readonly decision_id: string;
  readonly kind: DecisionOutcome['kind'];
  readonly at_ms: number;
  readonly value: number | null;
  readonly message_id: string;
}

const SQL = {
  insert: `INSERT INTO decisions (workspace_id, ${DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  get: `SELECT ${DECISION_COLUMNS} FROM decisions WHERE workspace_id = ? AND decision_id = ?`,
  listForProfile: `SELECT ${DECISION_COLUMNS} FROM decisions WHERE workspace_id = ? AND profile_id = ? AND at_ms >= ?
    ORDER BY at_ms DESC, decision_id DESC LIMIT ?`,
  // Row values: `(at_ms, decision_id) > (?, ?)` is one range seek on the (…, at_ms, decision_id) indexes.
  scanFirst: `SELECT ${DECISION_COLUMNS} FROM decisions WHERE workspace_id = ? ORDER BY at_ms, decision_id LIMIT ?`,
  scanAfter: `SELECT ${DECISION_COLUMNS} FROM decisions WHERE workspace_id = ? AND (at_ms, decision_id) > (?, ?)
    ORDER BY at_ms, decision_id LIMIT ?`,
  scanPlacementFirst: `SELECT ${DECISION_COLUMNS} FROM decisions WHERE workspace_id = ? AND placement = ?
    ORDER BY at_ms, decision_id LIMIT ?`,
  scanPlacementAfter: `SELECT ${DECISION_COLUMNS} FROM decisions WHERE workspace_id = ? AND placement = ? AND (at_ms, decision_id) > (?, ?)
    ORDER BY at_ms, decision_id LIMIT ?`,
  count: 'SELECT COUNT(*) FROM decisions WHERE workspace_id = ?',
  reassign: 'UPDATE decisions SET profile_id = ? WHERE workspace_id = ? AND profile_id = ?',
  // Inserts only when the decision exists, and never over an outcome of the same kind. The WHERE
  // also keeps the parser from reading ON CONFLICT as a join constraint of the SELECT.
  addOutcome: `INSERT INTO decision_outcomes (workspace_id, ${OUTCOME_COLUMNS})
    SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM decisions WHERE workspace_id = ? AND decision_id = ?)
    ON CONFLICT (workspace_id, decision_id, kind) DO NOTHING`,
  outcomesOf: `SELECT ${OUTCOME_COLUMNS} FROM decision_outcomes WHERE workspace_id = ? AND decision_id = ? ORDER BY at_ms, kind`,
  outcomesIn: `SELECT ${OUTCOME_COLUMNS} FROM decision_outcomes WHERE workspace_id = ? AND decision_id IN (:keys)`,
} as const;

/** Field by field: a caller's extra runtime fields are not stored (as in the memory adapter). */
function toInsertParams(workspace: WorkspaceId, d: DecisionRecord): DecisionInsertParams {
  return [
    workspace,
    d.id,
    d.profileId,
    d.placement,
    d.channel,
    d.atMs,
    d.personalized ? 1 : 0,
    d.offerKey,
    d.offerPropensity,
    d.discountPercent,
    d.contentKey,
    d.contentPropensity,
    JSON.stringify([...d.items]),
    JSON.stringify(d.context),
  ];
}

function fromRawRow(row: DecisionRawRow, outcomes: readonly DecisionOutcome[]): StoredDecision {
  const [id, profileId, placement, channel, atMs, personalized, offerKey, offerPropensity, discountPercent, contentKey, contentPropensity, items, context] =
    row;
  return {
    id,
    profileId: profileId as ProfileId | null,
    placement,
    channel,
    atMs,
    personalized: personalized === 1,
    offerKey,
    offerPropensity,
    discountPercent,
    contentKey,
    contentPropensity,
    items: JSON.parse(items) as string[],
    context: JSON.parse(context) as JsonObject,
    outcomes,
  };
}

function fromOutcomeRawRow(row: OutcomeRawRow): DecisionOutcome {
  const [, kind, atMs, value, messageId] = row;
  return { kind, atMs, value, messageId };
}

/** Outcomes order: by time, then kind (two kinds can share an instant). */
function compareOutcomes(a: DecisionOutcome, b: DecisionOutcome): number {
  return a.atMs - b.atMs || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
}

/**
 * The SQLite DecisionStore. appendMany runs one cached INSERT per decision under db.transaction,
 * which nests inside the caller's BEGIN IMMEDIATE as a SAVEPOINT: a batch with a duplicate id (a
 * bug) throws and leaves nothing of itself behind. Pages of decisions load their outcomes with one
 * chunked IN query instead of one query per decision.
 */
export function createSqliteDecisionStore(ctx: SqliteStoreContext): DecisionStore {
  const { statements } = ctx;
  const raw = <P extends unknown[], R>(sql: string) => statements.rows<P, R>(sql).raw(true);

  const appendAll = ctx.db.transaction((workspace: WorkspaceId, decisions: readonly DecisionRecord[]): void => {
    const insert = statements.write<DecisionInsertParams>(SQL.insert);
    for (const decision of decisions) insert.run(...toInsertParams(workspace, decision));
  });

  /** The rows with their outcomes attached. */
  const withOutcomes = (workspace: WorkspaceId, rows: readonly DecisionRawRow[]): StoredDecision[] => {
    if (rows.length === 0) return [];
    const outcomeRows = selectInChunks<OutcomeRow>(ctx, {
      sql: SQL.outcomesIn,
      params: [workspace],
      keys: rows.map((row) => row[0]),
      pluck: false,
    });
    const byDecision = new Map<string, DecisionOutcome[]>();
    for (const r of outcomeRows) {
      let list = byDecision.get(r.decision_id);
      if (list === undefined) {
        list = [];
        byDecision.set(r.decision_id, list);
      }
      list.push({ kind: r.kind, atMs: r.at_ms, value: r.value, messageId: r.message_id });
    }
    for (const list of byDecision.values()) list.sort(compareOutcomes);
    return rows.map((row) => fromRawRow(row, byDecision.get(row[0]) ?? []));
  };

  return {
    async appendMany(workspace, decisions) {
      ctx.checkWrite('decisions.appendMany');
      if (decisions.length > 0) appendAll(workspace, decisions);
    },

    async get(workspace, id) {
      ctx.checkRead('decisions.get');
      const row = raw<[string, string], DecisionRawRow>(SQL.get).get(workspace, id);
      if (row === undefined) return null;
      const outcomes = raw<[string, string], OutcomeRawRow>(SQL.outcomesOf).all(workspace, id).map(fromOutcomeRawRow);
      return fromRawRow(row, outcomes);
    },

    async listForProfile(workspace, profileId, opts) {
      ctx.checkRead('decisions.listForProfile');
      checkLimit('decisions.listForProfile', opts.limit);
      const rows = raw<[string, string, number, number], DecisionRawRow>(SQL.listForProfile).all(workspace, profileId, opts.sinceMs, opts.limit);
      return withOutcomes(workspace, rows);
    },

    async addOutcome(workspace, id, outcome) {
      ctx.checkWrite('decisions.addOutcome');
      const params: [string, string, string, number, number | null, string, string, string] = [
        workspace,
        id,
        outcome.kind,
        outcome.atMs,
        outcome.value,
        outcome.messageId,
        workspace,
        id,
      ];
      return statements.write<typeof params>(SQL.addOutcome).run(...params).changes > 0;
    },

    async scan(workspace, opts) {
      ctx.checkRead('decisions.scan');
      checkLimit('decisions.scan', opts.limit);
      const { placement, after, limit } = opts;
      let rows: DecisionRawRow[];
      if (placement === null) {
        rows =
          after === null
            ? raw<[string, number], DecisionRawRow>(SQL.scanFirst).all(workspace, limit)
            : raw<[string, number, string, number], DecisionRawRow>(SQL.scanAfter).all(workspace, after.atMs, after.id, limit);
      } else {
        rows =
          after === null
            ? raw<[string, string, number], DecisionRawRow>(SQL.scanPlacementFirst).all(workspace, placement, limit)
            : raw<[string, string, number, string, number], DecisionRawRow>(SQL.scanPlacementAfter).all(
                workspace,
                placement,
                after.atMs,
                after.id,
                limit,
              );
      }
      return withOutcomes(workspace, rows);
    },

    async count(workspace) {
      ctx.checkRead('decisions.count');
      return statements.pluck<[string], number>(SQL.count).get(workspace) ?? 0;
    },

    async reassignProfile(workspace, from: ProfileId, to: ProfileId) {
      ctx.checkWrite('decisions.reassignProfile');
      if (from === to) return 0;
      return statements.write<[string, string, string]>(SQL.reassign).run(to, workspace, from).changes;
    },
  };
}

import type { DecisionOutcome, DecisionRecord, StoredDecision } from '../../core/decisions/decision-record.js';
import type { DecisionStore } from '../../ports/decision-store.js';
import { compareCodePoints } from './row-mapping.js';
import type { DecisionEntry, MemoryStoreContext, WorkspaceTables } from './store-context.js';
import { checkLimit, checkWholeMs, innerMapUndoable, peekWorkspace, setUndoable, workspaceTables } from './store-context.js';

/** The kinds SQLite's CHECK constraint admits. */
const OUTCOME_KINDS: ReadonlySet<string> = new Set<DecisionOutcome['kind']>(['click', 'add_to_cart', 'order']);

/** Field by field, as the SQLite adapter's columns are: a caller's extra runtime fields are not stored. */
function toDecisionJson(d: DecisionRecord): string {
  const stored: DecisionRecord = {
    id: d.id,
    profileId: d.profileId,
    placement: d.placement,
    channel: d.channel,
    atMs: d.atMs,
    personalized: d.personalized ? true : false,
    offerKey: d.offerKey,
    offerPropensity: d.offerPropensity,
    discountPercent: d.discountPercent,
    contentKey: d.contentKey,
    contentPropensity: d.contentPropensity,
    items: [...d.items],
    context: d.context,
  };
  return JSON.stringify(stored);
}

function toOutcomeJson(o: DecisionOutcome): string {
  const stored: DecisionOutcome = { kind: o.kind, atMs: o.atMs, value: o.value, messageId: o.messageId };
  return JSON.stringify(stored);
}

/** Outcomes order: by time, then kind (as the SQLite adapter's ORDER BY at_ms, kind). */
function compareOutcomes(a: DecisionOutcome, b: DecisionOutcome): number {
  return a.atMs - b.atMs || compareCodePoints(a.kind, b.kind);
}

function fromEntry(t: WorkspaceTables, id: string, entry: DecisionEntry): StoredDecision {
  const record = JSON.parse(entry.json) as DecisionRecord;
  const outcomes = [...(t.decisionOutcomes.get(id)?.values() ?? [])].map((json) => JSON.parse(json) as DecisionOutcome).sort(compareOutcomes);
  // The profile lives on the entry (reassignProfile moves it), not in the JSON.
  return { ...record, profileId: entry.profileId, outcomes };
}

/** (atMs, id) ascending: the scan order. Ids compare by code point, as SQLite compares UTF-8 bytes. */
function compareByTime(a: readonly [string, DecisionEntry], b: readonly [string, DecisionEntry]): number {
  return a[1].atMs - b[1].atMs || compareCodePoints(a[0], b[0]);
}

/**
 * The memory DecisionStore. Decisions are kept by id; the ordered reads (listForProfile, scan)
 * filter and sort on each call, which is fine for the tests and small installs this adapter serves.
 */
export function createMemoryDecisionStore(ctx: MemoryStoreContext): DecisionStore {
  const { tables } = ctx;
  return {
    appendMany: (workspace, decisions) =>
      ctx.write('decisions.appendMany', (undo) => {
        if (decisions.length === 0) return;
        const t = workspaceTables(tables, workspace);
        for (const d of decisions) {
          checkWholeMs('decisions.appendMany', 'atMs', d.atMs);
          // A repeated id is a caller bug (ids are random); SQLite's primary key refuses it too.
          if (t.decisions.has(d.id)) throw new Error(`decisions.appendMany: decision "${d.id}" is already logged`);
          setUndoable(undo, t.decisions, d.id, { profileId: d.profileId, placement: d.placement, atMs: d.atMs, json: toDecisionJson(d) });
        }
      }),

    get: (workspace, id) =>
      ctx.read('decisions.get', () => {
        const t = peekWorkspace(tables, workspace);
        const entry = t?.decisions.get(id);
        return t === undefined || entry === undefined ? null : fromEntry(t, id, entry);
      }),

    listForProfile: (workspace, profileId, opts) =>
      ctx.read('decisions.listForProfile', () => {
        checkLimit('decisions.listForProfile', opts.limit);
        const t = peekWorkspace(tables, workspace);
        if (t === undefined) return [];
        return [...t.decisions]
          .filter(([, e]) => e.profileId === profileId && e.atMs >= opts.sinceMs)
          .sort((a, b) => compareByTime(b, a))
          .slice(0, opts.limit)
          .map(([id, e]) => fromEntry(t, id, e));
      }),

    addOutcome: (workspace, id, outcome) =>
      ctx.write('decisions.addOutcome', (undo) => {
        checkWholeMs('decisions.addOutcome', 'atMs', outcome.atMs);
        if (!OUTCOME_KINDS.has(outcome.kind)) throw new Error(`decisions.addOutcome: unknown outcome kind "${String(outcome.kind)}"`);
        const t = peekWorkspace(tables, workspace);
        if (t === undefined || !t.decisions.has(id)) return false;
        if (t.decisionOutcomes.get(id)?.has(outcome.kind) === true) return false;
        setUndoable(undo, innerMapUndoable(undo, t.decisionOutcomes, id), outcome.kind, toOutcomeJson(outcome));
        return true;
      }),

    scan: (workspace, opts) =>
      ctx.read('decisions.scan', () => {
        checkLimit('decisions.scan', opts.limit);
        const t = peekWorkspace(tables, workspace);
        if (t === undefined) return [];
        const { placement, after } = opts;
        return [...t.decisions]
          .filter(
            ([id, e]) =>
              (placement === null || e.placement === placement) &&
              (after === null || e.atMs > after.atMs || (e.atMs === after.atMs && compareCodePoints(id, after.id) > 0)),
          )
          .sort(compareByTime)
          .slice(0, opts.limit)
          .map(([id, e]) => fromEntry(t, id, e));
      }),

    count: (workspace) => ctx.read('decisions.count', () => peekWorkspace(tables, workspace)?.decisions.size ?? 0),

    reassignProfile: (workspace, from, to) =>
      ctx.write('decisions.reassignProfile', (undo) => {
        const t = peekWorkspace(tables, workspace);
        if (t === undefined || from === to) return 0;
        let moved = 0;
        for (const [id, e] of [...t.decisions]) {
          if (e.profileId !== from) continue;
          setUndoable(undo, t.decisions, id, { ...e, profileId: to });
          moved += 1;
        }
        return moved;
      }),
  };
}

import { describe, expect, it } from 'vitest';
import type { InteractionLog } from './interaction-log.js';
import { VIEW } from './interaction-log.js';
import { neighboursOf } from './item-neighbours.js';
import { fitSessionTransitions, sessionScores } from './session-transitions.js';

/** A log from (user, item, session) rows, already in row order. */
function log(nItems: number, rows: readonly (readonly [number, number, number])[]): InteractionLog {
  const users = Math.max(0, ...rows.map((r) => r[0] + 1));
  return {
    users: Array.from({ length: users }, (_, u) => `u${u}`),
    items: Array.from({ length: nItems }, (_, i) => `p${i}`),
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    kind: new Uint8Array(rows.length).fill(VIEW),
    atMs: Float64Array.from(rows.map((_, t) => t * 1000)),
    session: Int32Array.from(rows.map((r) => r[2])),
  };
}

// Session 10: 0 0 1 2 -> steps 0 1 2: 0→1 (1), 0→2 (1/2), 1→2 (1).
// Session 11: 0 2         -> 0→2 (1).
// Session 12: 1 0 1       -> 1→0 (1), 0→1 (1); 1→1 at distance 2 is a self-transition, skipped.
// Session 13: 3           -> nothing.
// Totals: 0→1 = 2 (2 sessions), 0→2 = 1.5 (2 sessions), out(0) = 3.5; 1→0 = 1, 1→2 = 1 (1 session each), out(1) = 2.
const sessions = log(4, [
  [0, 0, 10],
  [0, 0, 10],
  [0, 1, 10],
  [0, 2, 10],
  [0, 0, 11],
  [0, 2, 11],
  [1, 1, 12],
  [1, 0, 12],
  [1, 1, 12],
  [1, 3, 13],
]);

function row(model: ReturnType<typeof fitSessionTransitions>, item: number): { idx: number[]; sim: number[] } {
  const r = neighboursOf(model, item);
  return { idx: Array.from(r.idx), sim: Array.from(r.sim) };
}

describe('session transitions', () => {
  it('computes hand-checked conditional shares, best first, ties by index', () => {
    const m = fitSessionTransitions(sessions);
    expect(m.nItems).toBe(4);
    const r0 = row(m, 0);
    expect(r0.idx).toEqual([1, 2]);
    expect(r0.sim[0]).toBeCloseTo(4 / 7, 12);
    expect(r0.sim[1]).toBeCloseTo(3 / 7, 12);
    expect(row(m, 1)).toEqual({ idx: [0, 2], sim: [0.5, 0.5] });
    // Session 10 ends on 2 and session 11 starts with 0: no transition crosses sessions.
    expect(row(m, 2).idx).toEqual([]);
    expect(row(m, 3).idx).toEqual([]);
  });

  it('drops pairs seen in fewer than minCount sessions but keeps the full denominator', () => {
    const m = fitSessionTransitions(sessions, { minCount: 2 });
    const r0 = row(m, 0);
    expect(r0.idx).toEqual([1, 2]);
    expect(r0.sim[0]).toBeCloseTo(4 / 7, 12);
    expect(row(m, 1).idx).toEqual([]);
  });

  it('honours window and neighbours', () => {
    const w1 = fitSessionTransitions(sessions, { window: 1 });
    const r0 = row(w1, 0);
    expect(r0.idx).toEqual([1, 2]);
    expect(r0.sim[0]).toBeCloseTo(2 / 3, 12);
    expect(r0.sim[1]).toBeCloseTo(1 / 3, 12);
    const k1 = fitSessionTransitions(sessions, { neighbours: 1 });
    expect(row(k1, 0).idx).toEqual([1]);
    expect(row(k1, 1).idx).toEqual([0]);
    expect(() => fitSessionTransitions(sessions, { window: 0 })).toThrow(RangeError);
  });

  it('handles an empty log', () => {
    const m = fitSessionTransitions(log(3, []));
    expect(Array.from(m.nbrPtr)).toEqual([0, 0, 0, 0]);
  });

  it('scores a live session with the last item dominating', () => {
    const m = fitSessionTransitions(sessions);
    // Recent 1, 0, 0 -> steps 1, 0: item 0 with weight 1, item 1 with weight 1/2.
    const s = sessionScores(m, [1, 0, 0]);
    expect(s[0]).toBeCloseTo(0.25, 12);
    expect(s[1]).toBeCloseTo(4 / 7, 12);
    expect(s[2]).toBeCloseTo(3 / 7 + 0.25, 12);
    expect(s[3]).toBe(0);
    // Reversed order: item 1 is now the last one.
    const t = sessionScores(m, [0, 1]);
    expect(t[0]).toBeCloseTo(0.5, 12);
    expect(t[1]).toBeCloseTo(2 / 7, 12);
    expect(t[2]).toBeCloseTo(0.5 + 1.5 / 7, 12);
  });

  it('ignores out-of-range items, reuses out and applies decay', () => {
    const m = fitSessionTransitions(sessions);
    const out = new Float64Array(4).fill(9);
    const s = sessionScores(m, [0, 99, -1], out, 0.5);
    expect(s).toBe(out);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(0.25 * (4 / 7), 12);
    expect(s[2]).toBeCloseTo(0.25 * (3 / 7), 12);
    const noHistory = sessionScores(m, [0, 1], undefined, 0);
    expect(noHistory[1]).toBe(0);
    expect(noHistory[0]).toBeCloseTo(0.5, 12);
    expect(Array.from(sessionScores(m, []))).toEqual([0, 0, 0, 0]);
  });
});

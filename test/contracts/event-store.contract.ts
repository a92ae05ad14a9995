import { expect } from 'vitest';
import type { StoredEvent } from '../../src/core/events/event.js';
import { compareEventOrder } from '../../src/core/events/event.js';
import type { ProfileId, WorkspaceId } from '../../src/core/shared/ids.js';
import type { Storage } from '../../src/ports/storage.js';
import type { TimelineCursor } from '../../src/ports/event-store.js';
import { T0_MS } from '../builders/make-event.js';
import type { ContractOptions, NewEvent, OpenStorage } from './contract-helpers.js';
import { P1, P2, P3, WS_A, WS_B, append, describeContract, eventFor, inRun } from './contract-helpers.js';

const ids = (events: readonly { readonly messageId: string }[]): string[] => events.map((e) => e.messageId);

/** Every page of a profile's timeline, following `next` until it is null. */
async function allPages(
  storage: Storage,
  workspace: WorkspaceId,
  profileId: ProfileId,
  limit: number,
): Promise<{ pages: string[][]; cursors: (TimelineCursor | null)[] }> {
  const pages: string[][] = [];
  const cursors: (TimelineCursor | null)[] = [];
  let before: TimelineCursor | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await storage.read.events.listTimeline(workspace, profileId, { limit, before });
    pages.push(ids(page.events));
    cursors.push(page.next);
    if (page.next === null) return { pages, cursors };
    before = page.next;
  }
  throw new Error('timeline paging did not end');
}

export function describeEventStoreContract(adapter: string, open: OpenStorage, opts: ContractOptions = {}): void {
  describeContract('EventStore', adapter, open, opts, (test) => {
    test('appendMany numbers events 1, 2, 3 in the given order and returns them as stored', async (storage) => {
      const input = [eventFor(P1), eventFor(P2), eventFor(P1)];
      const stored = await append(storage, WS_A, input);
      expect(stored).toEqual(input.map((e, i) => ({ ...e, workspaceId: WS_A, seq: i + 1 })));
      expect(await storage.read.events.scan(WS_A, { afterSeq: 0, limit: 10 })).toEqual(stored);
    });

    test('seq keeps increasing across calls and runs, per workspace from 1', async (storage) => {
      await append(storage, WS_A, [eventFor(P1), eventFor(P1)]);
      await inRun(storage, async (stores) => {
        expect((await stores.events.appendMany(WS_A, [eventFor(P1)])).map((e) => e.seq)).toEqual([3]);
        expect((await stores.events.appendMany(WS_A, [eventFor(P2), eventFor(P2)])).map((e) => e.seq)).toEqual([4, 5]);
        expect((await stores.events.appendMany(WS_B, [eventFor(P1)])).map((e) => e.seq)).toEqual([1]);
      });
      expect((await append(storage, WS_A, [eventFor(P3)])).map((e) => e.seq)).toEqual([6]);
    });

    test('seq continues after a rolled-back append without reusing committed numbers', async (storage) => {
      await append(storage, WS_A, [eventFor(P1)]);
      await expect(
        inRun(storage, async (stores) => {
          await stores.events.appendMany(WS_A, [eventFor(P1), eventFor(P1)]);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const next = await append(storage, WS_A, [eventFor(P1)]);
      expect(next[0]?.seq).toBe(2);
      expect((await storage.read.events.scan(WS_A, { afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([1, 2]);
    });

    test('appendMany of nothing stores nothing', async (storage) => {
      expect(await append(storage, WS_A, [])).toEqual([]);
      expect(await storage.read.events.count(WS_A)).toBe(0);
    });

    test('stored events read back deep-equal through every read method', async (storage) => {
      const event = eventFor(P1, {
        messageId: 'm-rich',
        type: 'identify',
        event: null,
        name: 'Home ✓',
        userId: 'user-é',
        anonymousId: 'anon-1',
        previousId: 'prev',
        groupId: 'grp',
        properties: { revenue: 42.5, tags: ['a', 'b'], nested: { deep: [1, { x: null }] }, emoji: '😀' },
        traits: { email_domain: 'example.com', vip: true, score: -1.25 },
        context: { ip: '10.0.0.0', library: { name: 'analytics-node', version: '3.1.0' } },
        timestampMs: T0_MS + 123,
        receivedAtMs: T0_MS + 456,
        sentAtMs: T0_MS + 400,
        originalTimestampMs: T0_MS + 100,
      });
      const [stored] = await append(storage, WS_A, [event]);
      const expected: StoredEvent = { ...event, workspaceId: WS_A, seq: 1 };
      expect(stored).toEqual(expected);
      expect(await storage.read.events.listForReplay(WS_A, P1)).toEqual([expected]);
      expect((await storage.read.events.listTimeline(WS_A, P1, { limit: 5, before: null })).events).toEqual([expected]);
      expect(await storage.read.events.scan(WS_A, { afterSeq: 0, limit: 5 })).toEqual([expected]);
    });

    test('appendMany does not store fields beyond the event shape', async (storage) => {
      const event = { ...eventFor(P1, { messageId: 'm-extra' }), seq: 99, workspaceId: WS_B, stray: 'x' };
      await append(storage, WS_A, [event]);
      const [read] = await storage.read.events.scan(WS_A, { afterSeq: 0, limit: 1 });
      expect(read?.seq).toBe(1);
      expect(read?.workspaceId).toBe(WS_A);
      expect(read !== undefined && 'stray' in read).toBe(false);
    });

    test('appendMany throws on a messageId already stored, and keeps none of that batch', async (storage) => {
      await append(storage, WS_A, [eventFor(P1, { messageId: 'm-1' })]);
      await inRun(storage, async (stores) => {
        await expect(
          stores.events.appendMany(WS_A, [eventFor(P1, { messageId: 'm-2' }), eventFor(P1, { messageId: 'm-1' })]),
        ).rejects.toThrow(/m-1/);
        // The failed call left nothing behind, so the run can go on and commit.
        expect(await stores.events.count(WS_A)).toBe(1);
        await stores.events.appendMany(WS_A, [eventFor(P1, { messageId: 'm-3' })]);
      });
      expect(ids(await storage.read.events.scan(WS_A, { afterSeq: 0, limit: 10 }))).toEqual(['m-1', 'm-3']);
      expect((await storage.read.events.scan(WS_A, { afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([1, 2]);
    });

    test('appendMany throws on a messageId repeated within the batch', async (storage) => {
      await expect(
        append(storage, WS_A, [eventFor(P1, { messageId: 'm-twice' }), eventFor(P2, { messageId: 'm-twice' })]),
      ).rejects.toThrow(/m-twice/);
      expect(await storage.read.events.count(WS_A)).toBe(0);
    });

    test('appendMany refuses instants that are not whole milliseconds', async (storage) => {
      await expect(append(storage, WS_A, [eventFor(P1, { timestampMs: T0_MS + 0.5 })])).rejects.toThrow();
      await expect(append(storage, WS_A, [eventFor(P1, { receivedAtMs: T0_MS + 0.25 })])).rejects.toThrow();
      expect(await storage.read.events.count(WS_A)).toBe(0);
    });

    test('the same messageId may be stored once in each workspace', async (storage) => {
      await append(storage, WS_A, [eventFor(P1, { messageId: 'm-shared' })]);
      await append(storage, WS_B, [eventFor(P1, { messageId: 'm-shared' })]);
      expect(await storage.read.events.count(WS_A)).toBe(1);
      expect(await storage.read.events.count(WS_B)).toBe(1);
    });

    test('existingMessageIds returns exactly the stored ids among those asked, over many chunks', async (storage) => {
      const stored: NewEvent[] = [];
      for (let i = 0; i < 450; i++) stored.push(eventFor(P1, { messageId: `have-${i}` }));
      await append(storage, WS_A, stored);
      const asked: string[] = [];
      for (let i = 0; i < 1200; i++) asked.push(i % 3 === 0 ? `have-${i % 450}` : `missing-${i}`);
      asked.push('have-7', 'have-7');
      const expected = new Set(asked.filter((id) => id.startsWith('have-')));
      expect(await storage.read.events.existingMessageIds(WS_A, asked)).toEqual(expected);
      expect(await storage.read.events.existingMessageIds(WS_A, [])).toEqual(new Set());
      expect(await storage.read.events.existingMessageIds(WS_A, ['missing'])).toEqual(new Set());
    });

    test('listForReplay returns a profile in (timestampMs, messageId) order, whatever the arrival order', async (storage) => {
      const events = [
        eventFor(P1, { messageId: 'c', timestampMs: T0_MS + 2 }),
        eventFor(P1, { messageId: 'b', timestampMs: T0_MS + 1 }),
        eventFor(P2, { messageId: 'x', timestampMs: T0_MS }),
        eventFor(P1, { messageId: 'a', timestampMs: T0_MS + 2 }),
        eventFor(P1, { messageId: 'd', timestampMs: T0_MS - 5 }),
      ];
      await append(storage, WS_A, events.slice(0, 3));
      await append(storage, WS_A, events.slice(3));
      const replay = await storage.read.events.listForReplay(WS_A, P1);
      expect(ids(replay)).toEqual(['d', 'b', 'a', 'c']);
      expect([...replay].sort(compareEventOrder)).toEqual(replay);
      expect(await storage.read.events.listForReplay(WS_A, P3)).toEqual([]);
    });

    test('listTimeline pages newest first; following next visits every event once', async (storage) => {
      const events: NewEvent[] = [];
      // Ties on timestampMs are broken by messageId.
      for (let i = 0; i < 7; i++) events.push(eventFor(P1, { messageId: `t-${i}`, timestampMs: T0_MS + Math.floor(i / 2) }));
      events.push(eventFor(P2, { messageId: 'other', timestampMs: T0_MS + 1 }));
      await append(storage, WS_A, [...events].reverse());
      const { pages, cursors } = await allPages(storage, WS_A, P1, 3);
      expect(pages).toEqual([
        ['t-6', 't-5', 't-4'],
        ['t-3', 't-2', 't-1'],
        ['t-0'],
      ]);
      expect(cursors).toEqual([
        { timestampMs: T0_MS + 2, messageId: 't-4' },
        { timestampMs: T0_MS, messageId: 't-1' },
        null,
      ]);
      const replay = ids(await storage.read.events.listForReplay(WS_A, P1));
      expect(pages.flat()).toEqual([...replay].reverse());
    });

    test('listTimeline gives next = null on a last page that is exactly full', async (storage) => {
      const events: NewEvent[] = [];
      for (let i = 0; i < 6; i++) events.push(eventFor(P1, { messageId: `e-${i}`, timestampMs: T0_MS + i }));
      await append(storage, WS_A, events);
      const { pages, cursors } = await allPages(storage, WS_A, P1, 3);
      expect(pages).toEqual([
        ['e-5', 'e-4', 'e-3'],
        ['e-2', 'e-1', 'e-0'],
      ]);
      expect(cursors[1]).toBeNull();
      const empty = await storage.read.events.listTimeline(WS_A, P3, { limit: 3, before: null });
      expect(empty).toEqual({ events: [], next: null });
    });

    test('listTimeline before a cursor returns strictly older events, ties broken by messageId', async (storage) => {
      await append(storage, WS_A, [
        eventFor(P1, { messageId: 'a', timestampMs: T0_MS + 10 }),
        eventFor(P1, { messageId: 'b', timestampMs: T0_MS + 10 }),
        eventFor(P1, { messageId: 'c', timestampMs: T0_MS + 10 }),
        eventFor(P1, { messageId: 'z', timestampMs: T0_MS + 9 }),
      ]);
      const page = await storage.read.events.listTimeline(WS_A, P1, { limit: 10, before: { timestampMs: T0_MS + 10, messageId: 'b' } });
      expect(ids(page.events)).toEqual(['a', 'z']);
      expect(page.next).toBeNull();
      // A cursor need not be an existing event.
      const between = await storage.read.events.listTimeline(WS_A, P1, { limit: 10, before: { timestampMs: T0_MS + 10, messageId: 'bb' } });
      expect(ids(between.events)).toEqual(['b', 'a', 'z']);
    });

    test('paging a timeline with non-ASCII messageIds still visits every event once', async (storage) => {
      const messageIds = ['a', 'a\uFFFF', 'a\u{1F600}', 'é', 'Z', 'a\u0000b', '日本'];
      await append(
        storage,
        WS_A,
        messageIds.map((messageId) => eventFor(P1, { messageId, timestampMs: T0_MS })),
      );
      const { pages } = await allPages(storage, WS_A, P1, 2);
      expect(pages.flat().sort()).toEqual([...messageIds].sort());
      expect(new Set(pages.flat()).size).toBe(messageIds.length);
    });

    test('listTimeline and scan reject a limit that is not a positive integer', async (storage) => {
      await expect(storage.read.events.listTimeline(WS_A, P1, { limit: 0, before: null })).rejects.toThrow(/limit/);
      await expect(storage.read.events.scan(WS_A, { afterSeq: 0, limit: -1 })).rejects.toThrow(/limit/);
    });

    test('reassignProfile moves every event of one profile to another and returns how many', async (storage) => {
      await append(storage, WS_A, [
        eventFor(P1, { messageId: 'p1-a', timestampMs: T0_MS + 3 }),
        eventFor(P2, { messageId: 'p2-a', timestampMs: T0_MS + 2 }),
        eventFor(P1, { messageId: 'p1-b', timestampMs: T0_MS + 1 }),
        eventFor(P3, { messageId: 'p3-a', timestampMs: T0_MS }),
      ]);
      expect(await inRun(storage, (stores) => stores.events.reassignProfile(WS_A, P1, P2))).toBe(2);
      expect(await storage.read.events.listForReplay(WS_A, P1)).toEqual([]);
      const survivor = await storage.read.events.listForReplay(WS_A, P2);
      expect(ids(survivor)).toEqual(['p1-b', 'p2-a', 'p1-a']);
      expect(survivor.every((e) => e.profileId === P2)).toBe(true);
      expect(ids(await storage.read.events.listForReplay(WS_A, P3))).toEqual(['p3-a']);
      expect(await inRun(storage, (stores) => stores.events.reassignProfile(WS_A, P1, P3))).toBe(0);
      // seq is arrival order and never changes.
      expect((await storage.read.events.scan(WS_A, { afterSeq: 0, limit: 10 })).map((e) => [e.seq, e.profileId])).toEqual([
        [1, P2],
        [2, P2],
        [3, P2],
        [4, P3],
      ]);
    });

    test('setProfileIds re-attributes events by seq', async (storage) => {
      await append(storage, WS_A, [eventFor(P1), eventFor(P1), eventFor(P2)]);
      await inRun(storage, (stores) =>
        stores.events.setProfileIds(WS_A, [
          { seq: 1, profileId: P3 },
          { seq: 3, profileId: P1 },
        ]),
      );
      const scan = await storage.read.events.scan(WS_A, { afterSeq: 0, limit: 10 });
      expect(scan.map((e) => e.profileId)).toEqual([P3, P1, P1]);
      expect((await storage.read.events.listForReplay(WS_A, P1)).map((e) => e.seq)).toEqual([2, 3]);
      expect(await storage.read.events.listForReplay(WS_A, P2)).toEqual([]);
      await inRun(storage, (stores) => stores.events.setProfileIds(WS_A, []));
    });

    test('setProfileIds with an unknown seq throws and changes nothing', async (storage) => {
      await append(storage, WS_A, [eventFor(P1), eventFor(P1)]);
      await inRun(storage, async (stores) => {
        await expect(
          stores.events.setProfileIds(WS_A, [
            { seq: 1, profileId: P2 },
            { seq: 7, profileId: P2 },
          ]),
        ).rejects.toThrow(/seq 7/);
      });
      expect((await storage.read.events.listForReplay(WS_A, P1)).length).toBe(2);
    });

    test('scan returns the log in arrival order after afterSeq, limit at a time', async (storage) => {
      const input: NewEvent[] = [];
      for (let i = 0; i < 10; i++) input.push(eventFor(i % 2 === 0 ? P1 : P2, { timestampMs: T0_MS - i }));
      await append(storage, WS_A, input);
      const seen: number[] = [];
      let afterSeq = 0;
      for (;;) {
        const chunk = await storage.read.events.scan(WS_A, { afterSeq, limit: 4 });
        if (chunk.length === 0) break;
        expect(chunk.length).toBeLessThanOrEqual(4);
        seen.push(...chunk.map((e) => e.seq));
        afterSeq = chunk[chunk.length - 1]?.seq ?? afterSeq;
      }
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(ids(await storage.read.events.scan(WS_A, { afterSeq: 8, limit: 100 }))).toEqual(ids(input.slice(8)));
    });

    test('count counts the events of the workspace', async (storage) => {
      expect(await storage.read.events.count(WS_A)).toBe(0);
      await append(storage, WS_A, [eventFor(P1), eventFor(P2), eventFor(P3)]);
      expect(await storage.read.events.count(WS_A)).toBe(3);
    });

    test('workspace isolation: events of A are invisible from B and untouched by B', async (storage) => {
      await append(storage, WS_A, [eventFor(P1, { messageId: 'only-a' }), eventFor(P1, { messageId: 'also-a' })]);
      const b = storage.read.events;
      expect(await b.existingMessageIds(WS_B, ['only-a', 'also-a'])).toEqual(new Set());
      expect(await b.listForReplay(WS_B, P1)).toEqual([]);
      expect(await b.listTimeline(WS_B, P1, { limit: 10, before: null })).toEqual({ events: [], next: null });
      expect(await b.scan(WS_B, { afterSeq: 0, limit: 10 })).toEqual([]);
      expect(await b.count(WS_B)).toBe(0);
      expect(await inRun(storage, (stores) => stores.events.reassignProfile(WS_B, P1, P2))).toBe(0);
      await expect(inRun(storage, (stores) => stores.events.setProfileIds(WS_B, [{ seq: 1, profileId: P2 }]))).rejects.toThrow();
      expect(ids(await storage.read.events.listForReplay(WS_A, P1))).toEqual(['also-a', 'only-a'].sort());
    });
  });
}

import { describe, expect, it } from 'vitest';
import type { ProfileId } from '../../core/shared/ids.js';
import type { MembershipChange } from '../../ports/segment-store.js';
import type { ChangeStreamOptions } from './sse.js';
import { ChangeEventStream } from './sse.js';

const change = (seq: number, segmentKey = 'a'): MembershipChange => ({
  seq,
  segmentKey,
  profileId: `prf_${seq}` as ProfileId,
  kind: seq % 2 === 0 ? 'exit' : 'enter',
  atMs: 1_700_000_000_000 + seq,
  reasons: [],
  segmentVersion: 1,
});

function streamOver(history: MembershipChange[], opts: Partial<ChangeStreamOptions> = {}): { stream: ChangeEventStream; reads: number[] } {
  const reads: number[] = [];
  const pageSize = opts.pageSize ?? 2;
  const stream = new ChangeEventStream({
    segments: null,
    afterSeq: 0,
    history: async (after) => {
      reads.push(after);
      await new Promise((r) => setTimeout(r, 1));
      return history.filter((c) => c.seq > after && (opts.segments === undefined || opts.segments === null || opts.segments.has(c.segmentKey))).slice(0, pageSize);
    },
    pageSize,
    render: (c) => ({ seq: c.seq }),
    heartbeatMs: 60_000,
    retryMs: 1_000,
    maxBufferedBytes: 1 << 20,
    maxPendingChanges: 100,
    ...opts,
  });
  return { stream, reads };
}

async function idsOf(stream: ChangeEventStream, untilSeq: number): Promise<number[]> {
  const ids: number[] = [];
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    const found = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    if (found.includes(untilSeq)) {
      ids.push(...found);
      break;
    }
  }
  stream.destroy();
  return ids;
}

describe('ChangeEventStream', () => {
  it('replays the history, then the held live changes, each once, in seq order', async () => {
    const history = [1, 2, 3, 4, 5].map((s) => change(s));
    const { stream } = streamOver(history);
    // Committed during the replay: 4 and 5 are both in the history and held; 6 only held.
    stream.offer([change(4), change(5)]);
    const started = stream.start();
    history.push(change(6));
    stream.offer([change(6)]);
    await started;
    stream.offer([change(7)]);
    expect(await idsOf(stream, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('filters live changes by segment and skips seqs already sent', async () => {
    const { stream } = streamOver([change(1, 'a'), change(2, 'b')], { segments: new Set(['a']), afterSeq: 0 });
    await stream.start();
    stream.offer([change(1, 'a'), change(3, 'b'), change(4, 'a')]);
    expect(await idsOf(stream, 4)).toEqual([1, 4]);
  });

  it('reads the history again when too many live changes arrive during the replay', async () => {
    const history = [1, 2, 3].map((s) => change(s));
    const { stream, reads } = streamOver(history, { maxPendingChanges: 2 });
    const started = stream.start();
    for (const seq of [4, 5, 6]) {
      history.push(change(seq));
      stream.offer([change(seq)]);
    }
    await started;
    expect(reads.at(-1)).toBe(6);
    expect(await idsOf(stream, 6)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('goes live at once without a resume point, and runs close listeners once', async () => {
    const { stream, reads } = streamOver([change(1)], { afterSeq: null });
    let closed = 0;
    stream.onClosed(() => closed++);
    await stream.start();
    stream.offer([change(9)]);
    expect(await idsOf(stream, 9)).toEqual([9]);
    expect(reads).toEqual([]);
    expect(closed).toBe(1);
  });

  it('sends a heartbeat comment on the interval', async () => {
    const { stream } = streamOver([], { afterSeq: null, heartbeatMs: 5 });
    await stream.start();
    let text = '';
    for await (const chunk of stream) {
      text += String(chunk);
      if (text.includes(': heartbeat\n\n')) break;
    }
    stream.destroy();
    expect(text.startsWith('retry: 1000\n')).toBe(true);
  });
});

import { Readable } from 'node:stream';
import type { MembershipChange } from '../../ports/segment-store.js';

export interface ChangeStreamOptions {
  /** Only changes of these segments (null: every segment). */
  readonly segments: ReadonlySet<string> | null;
  /** Resume after this seq: replay the history first (null: live changes only). */
  readonly afterSeq: number | null;
  /** One page of the history after a seq, in seq order (already filtered by segment). */
  readonly history: (afterSeq: number) => Promise<readonly MembershipChange[]>;
  /** Page size `history` uses: a shorter page is the last one. */
  readonly pageSize: number;
  /** The SSE `data:` of a change. */
  readonly render: (change: MembershipChange) => unknown;
  /** A comment line this often keeps proxies from closing an idle connection. */
  readonly heartbeatMs: number;
  /** How long EventSource waits before reconnecting (the `retry:` field). */
  readonly retryMs: number;
  /**
   * A consumer this many bytes behind is disconnected in the live phase: it reconnects with
   * Last-Event-ID and catches up from the history instead of growing this buffer.
   */
  readonly maxBufferedBytes: number;
  /** Live changes held while the history is replayed; past it they are dropped and read again from the history. */
  readonly maxPendingChanges: number;
}

/**
 * Server-sent events of membership changes, as a Readable the HTTP reply pipes (so the server's
 * hooks, security headers included, apply as to any response).
 *
 * Resuming without gaps or repeats: the caller subscribes to live changes BEFORE calling `start`,
 * feeding them to `offer`. While the history after the resume seq is replayed, live changes are
 * held; then the held ones not yet sent (seq greater than the last sent) follow, and from then on
 * live changes go straight out. Every change is committed to the history before it is announced,
 * so a change is either in a history page read after it committed or held from the subscription;
 * seqs increase, so "seq > last sent" removes the ones seen both ways.
 */
export class ChangeEventStream extends Readable {
  private readonly opts: ChangeStreamOptions;
  private lastSeq: number;
  private phase: 'replaying' | 'live' | 'closed' = 'replaying';
  private pending: MembershipChange[] = [];
  /** Live changes were dropped during the replay: read the history again before going live. */
  private pendingOverflowed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private resumeReplay: (() => void) | null = null;
  private readonly closeListeners: (() => void)[] = [];

  constructor(opts: ChangeStreamOptions) {
    super({ highWaterMark: 64 * 1024 });
    this.opts = opts;
    this.lastSeq = opts.afterSeq ?? 0;
    this.heartbeat = setInterval(() => {
      if (this.phase !== 'closed') this.push(': heartbeat\n\n');
    }, opts.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Runs once when the stream ends, fails or the client goes away (unsubscribe here). */
  onClosed(listener: () => void): void {
    if (this.phase === 'closed') listener();
    else this.closeListeners.push(listener);
  }

  /** The subscription's listener: live changes as they commit. */
  offer(changes: readonly MembershipChange[]): void {
    if (this.phase === 'closed') return;
    const wanted = this.opts.segments === null ? changes : changes.filter((c) => this.opts.segments?.has(c.segmentKey) === true);
    if (this.phase === 'replaying') {
      if (this.pendingOverflowed) return;
      this.pending.push(...wanted);
      if (this.pending.length > this.opts.maxPendingChanges) {
        // They are in the history already (announced after commit): read them from there.
        this.pending = [];
        this.pendingOverflowed = true;
      }
      return;
    }
    for (const change of wanted) this.send(change);
    if (this.readableLength > this.opts.maxBufferedBytes) this.finish();
  }

  /** Opens the stream: the retry hint, the replay when resuming, the held changes, then live. */
  async start(): Promise<void> {
    try {
      this.push(`retry: ${this.opts.retryMs}\n: connected\n\n`);
      if (this.opts.afterSeq !== null) {
        do {
          this.pendingOverflowed = false;
          for (;;) {
            const page = await this.opts.history(this.lastSeq);
            if (this.isClosed()) return;
            for (const change of page) this.send(change);
            if (page.length < this.opts.pageSize) break;
            await this.drained();
            if (this.isClosed()) return;
          }
        } while (this.pendingOverflowed);
      }
      const held = this.pending;
      this.pending = [];
      for (const change of held) this.send(change);
      this.phase = 'live';
    } catch (error: unknown) {
      this.destroy(error instanceof Error ? error : new Error('history replay failed'));
    }
  }

  /** Ends the stream cleanly (server shutdown, slow consumer); the client reconnects and resumes. */
  finish(): void {
    if (this.phase === 'closed') return;
    this.close();
    this.push(null);
  }

  override _read(): void {
    const resume = this.resumeReplay;
    this.resumeReplay = null;
    resume?.();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.close();
    callback(error);
  }

  /** A method, not a field test: the phase changes across the awaits of `start`. */
  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  private send(change: MembershipChange): void {
    if (change.seq <= this.lastSeq || this.phase === 'closed') return;
    this.lastSeq = change.seq;
    this.push(`id: ${change.seq}\nevent: ${change.kind}\ndata: ${JSON.stringify(this.opts.render(change))}\n\n`);
  }

  /** Resolves when the consumer wants more (or the stream closed). */
  private drained(): Promise<void> {
    if (this.readableLength < this.readableHighWaterMark) return Promise.resolve();
    return new Promise((resolve) => {
      this.resumeReplay = resolve;
    });
  }

  private close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    clearInterval(this.heartbeat);
    this.pending = [];
    const resume = this.resumeReplay;
    this.resumeReplay = null;
    resume?.();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

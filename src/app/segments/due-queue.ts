import type { ProfileId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';

/**
 * When each profile must be re-evaluated with no new event: one instant per profile, popped in
 * time order. A binary heap with lazy deletion: rescheduling pushes a new entry and the stale one
 * is skipped when it surfaces, so every operation is O(log n) however many profiles wait.
 */
export class DueQueue {
  private readonly due = new Map<ProfileId, EpochMs>();
  private readonly heapAt: EpochMs[] = [];
  private readonly heapId: ProfileId[] = [];

  get size(): number {
    return this.due.size;
  }

  get(profileId: ProfileId): EpochMs | undefined {
    return this.due.get(profileId);
  }

  set(profileId: ProfileId, atMs: EpochMs | null): void {
    if (atMs === null) {
      this.due.delete(profileId);
      return;
    }
    if (this.due.get(profileId) === atMs) return;
    this.due.set(profileId, atMs);
    this.push(atMs, profileId);
    // Stale entries pile up when profiles are rescheduled often; rebuild once they dominate.
    if (this.heapAt.length > 4 * this.due.size + 1024) this.compact();
  }

  /** Removes and returns up to `limit` profiles due at or before nowMs, earliest first. */
  popDue(nowMs: EpochMs, limit: number): ProfileId[] {
    const out: ProfileId[] = [];
    while (out.length < limit && this.heapAt.length > 0) {
      const atMs = this.heapAt[0] as EpochMs;
      if (atMs > nowMs) break;
      const id = this.heapId[0] as ProfileId;
      this.pop();
      if (this.due.get(id) !== atMs) continue;
      this.due.delete(id);
      out.push(id);
    }
    return out;
  }

  /** The earliest pending instant, or null. */
  peek(): EpochMs | null {
    while (this.heapAt.length > 0) {
      const id = this.heapId[0] as ProfileId;
      const atMs = this.heapAt[0] as EpochMs;
      if (this.due.get(id) === atMs) return atMs;
      this.pop();
    }
    return null;
  }

  clear(): void {
    this.due.clear();
    this.heapAt.length = 0;
    this.heapId.length = 0;
  }

  private compact(): void {
    this.heapAt.length = 0;
    this.heapId.length = 0;
    for (const [id, atMs] of this.due) this.push(atMs, id);
  }

  private push(atMs: EpochMs, id: ProfileId): void {
    let i = this.heapAt.length;
    this.heapAt.push(atMs);
    this.heapId.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.heapAt[parent] as number) <= atMs) break;
      this.heapAt[i] = this.heapAt[parent] as EpochMs;
      this.heapId[i] = this.heapId[parent] as ProfileId;
      i = parent;
    }
    this.heapAt[i] = atMs;
    this.heapId[i] = id;
  }

  private pop(): void {
    const lastAt = this.heapAt.pop() as EpochMs;
    const lastId = this.heapId.pop() as ProfileId;
    const n = this.heapAt.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (this.heapAt[right] as number) < (this.heapAt[left] as number) ? right : left;
      if ((this.heapAt[child] as number) >= lastAt) break;
      this.heapAt[i] = this.heapAt[child] as EpochMs;
      this.heapId[i] = this.heapId[child] as ProfileId;
      i = child;
    }
    this.heapAt[i] = lastAt;
    this.heapId[i] = lastId;
  }
}

import { CONTEXT_DIM, CONTEXT_FEATURES } from '../../core/decisions/bandit-context.js';
import type { LinearBanditState } from '../../core/decisions/bandit/linear-arms.js';
import { parseLinearBanditState, ridgeCoefficients, update } from '../../core/decisions/bandit/linear-arms.js';
import { createLinUcb } from '../../core/decisions/bandit/linucb.js';
import type { DecisionOutcome } from '../../core/decisions/decision-record.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import type { Logger } from '../../ports/logger.js';
import type { Storage } from '../../ports/storage.js';

const BANDIT_KIND = 'bandit';
const BUDGET_KIND = 'offer-budget';
/** Pending rewards at most (the oldest count as no reward when more arrive). */
const MAX_PENDING = 200_000;

/** A shown decision waiting for its outcome: the arms its bandits chose, in its context. */
export interface PendingReward {
  readonly workspace: WorkspaceId;
  readonly slots: readonly { readonly slot: string; readonly arm: string }[];
  readonly x: Float64Array;
  readonly atMs: number;
}

export interface BanditArmReport {
  readonly arm: string;
  readonly updates: number;
  readonly coefficients: Readonly<Record<string, number>>;
}

/**
 * What the decisions learn and spend: one LinUCB bandit per placement slot (offers, content), the
 * decisions waiting for their reward (the first positive outcome is 1; none within the reward
 * window is 0), and each offer's budget used by attributed orders. Saved to the models table.
 */
export class BanditLearning {
  private readonly bandits = new Map<string, LinearBanditState>();
  private readonly dirtyBandits = new Set<string>();
  private readonly pending = new Map<string, PendingReward>();
  private readonly budgets = new Map<string, { spent: number; redemptions: number }>();
  private readonly dirtyBudgets = new Set<string>();
  private readonly deps: { readonly storage: Storage; readonly logger: Logger; readonly rewardWindowMs: number };

  constructor(deps: { readonly storage: Storage; readonly logger: Logger; readonly rewardWindowMs: number }) {
    this.deps = deps;
  }

  async load(workspace: WorkspaceId): Promise<void> {
    const store = this.deps.storage.read.segments;
    for (const stored of await store.listModels(workspace, BUDGET_KIND)) {
      const body = stored.body as { spent?: unknown; redemptions?: unknown };
      if (typeof body.spent === 'number' && typeof body.redemptions === 'number') this.budgets.set(`${workspace}\u0000${stored.id}`, { spent: body.spent, redemptions: body.redemptions });
    }
    for (const stored of await store.listModels(workspace, BANDIT_KIND)) {
      try {
        this.bandits.set(`${workspace}\u0000${stored.id}`, parseLinearBanditState(stored.body));
      } catch {
        this.deps.logger.error('stored bandit state is unreadable; starting fresh', { workspace, bandit: stored.id });
      }
    }
  }

  /** The slot's bandit, created on first use. */
  bandit(workspace: WorkspaceId, slot: string): LinearBanditState {
    const key = `${workspace}\u0000${slot}`;
    let state = this.bandits.get(key);
    if (state === undefined) {
      state = createLinUcb({ dim: CONTEXT_DIM, alpha: 0.5, lambda: 1, epsilon: 0.05 });
      this.bandits.set(key, state);
    }
    return state;
  }

  /** The slot's bandit if it exists (off-policy evaluation of its greedy policy). */
  state(workspace: WorkspaceId, slot: string): LinearBanditState | undefined {
    return this.bandits.get(`${workspace}\u0000${slot}`);
  }

  budget(workspace: WorkspaceId, offerKey: string): { readonly spent: number; readonly redemptions: number } {
    return this.budgets.get(`${workspace}\u0000${offerKey}`) ?? { spent: 0, redemptions: 0 };
  }

  remember(id: string, entry: PendingReward): void {
    if (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.expire(oldest);
    }
    this.pending.set(id, entry);
  }

  /** The first positive outcome (an order for offers, a click or order for content) rewards the arms chosen. */
  reward(decisionId: string, kind: DecisionOutcome['kind']): void {
    const entry = this.pending.get(decisionId);
    if (entry === undefined) return;
    const remaining = entry.slots.filter((s) => {
      const positive = s.slot.endsWith(':offers') ? kind === 'order' : kind === 'click' || kind === 'order';
      if (positive) this.learn(entry.workspace, s.slot, s.arm, entry.x, 1);
      return !positive;
    });
    if (remaining.length === 0) this.pending.delete(decisionId);
    else this.pending.set(decisionId, { ...entry, slots: remaining });
  }

  /** An order came from a decision that showed this offer: its budget is used by the discount given. */
  redeemed(workspace: WorkspaceId, offerKey: string, orderValue: number | null, discountPercent: number | null): void {
    const key = `${workspace}\u0000${offerKey}`;
    const budget = this.budgets.get(key) ?? { spent: 0, redemptions: 0 };
    // The order's value is after the discount: the discount given is value · d / (1 − d).
    const d = (discountPercent ?? 0) / 100;
    budget.spent += orderValue === null || d >= 1 ? 0 : (orderValue * d) / (1 - d);
    budget.redemptions += 1;
    this.budgets.set(key, budget);
    this.dirtyBudgets.add(key);
  }

  /** Decisions past the reward window count as no reward; then everything learned is saved. */
  async sweep(nowMs: number): Promise<void> {
    for (const [id, entry] of this.pending) {
      if (nowMs - entry.atMs < this.deps.rewardWindowMs) break;
      this.expire(id);
    }
    await this.save(nowMs);
  }

  report(workspace: WorkspaceId, placement: string): readonly { readonly slot: string; readonly arms: readonly BanditArmReport[] }[] {
    const out: { slot: string; arms: BanditArmReport[] }[] = [];
    for (const slot of ['offers', 'content']) {
      const state = this.bandits.get(`${workspace}\u0000${placement}:${slot}`);
      if (state === undefined) continue;
      out.push({
        slot,
        arms: state.arms.map((arm) => {
          const theta = ridgeCoefficients(arm, CONTEXT_DIM);
          return { arm: arm.id, updates: arm.n, coefficients: Object.fromEntries(CONTEXT_FEATURES.map((name, i) => [name, Math.round((theta[i] ?? 0) * 1e4) / 1e4])) };
        }),
      });
    }
    return out;
  }

  async save(nowMs: number): Promise<void> {
    if (this.dirtyBandits.size === 0 && this.dirtyBudgets.size === 0) return;
    const bandits = [...this.dirtyBandits];
    const budgets = [...this.dirtyBudgets];
    this.dirtyBandits.clear();
    this.dirtyBudgets.clear();
    await this.deps.storage.uow.run('decisions:bandits', async (stores) => {
      for (const key of bandits) {
        const [workspace, slot] = key.split('\u0000') as [WorkspaceId, string];
        const state = this.bandits.get(key);
        if (state !== undefined) await stores.segments.putModel(workspace, { kind: BANDIT_KIND, id: slot, body: JSON.parse(JSON.stringify(state)) as JsonValue, updatedAtMs: nowMs });
      }
      for (const key of budgets) {
        const [workspace, offer] = key.split('\u0000') as [WorkspaceId, string];
        const budget = this.budgets.get(key);
        if (budget !== undefined) await stores.segments.putModel(workspace, { kind: BUDGET_KIND, id: offer, body: { ...budget }, updatedAtMs: nowMs });
      }
    });
  }

  private expire(decisionId: string): void {
    const entry = this.pending.get(decisionId);
    if (entry === undefined) return;
    for (const s of entry.slots) this.learn(entry.workspace, s.slot, s.arm, entry.x, 0);
    this.pending.delete(decisionId);
  }

  private learn(workspace: WorkspaceId, slot: string, arm: string, x: Float64Array, reward: number): void {
    update(this.bandit(workspace, slot), arm, x, reward);
    this.dirtyBandits.add(`${workspace}\u0000${slot}`);
  }
}

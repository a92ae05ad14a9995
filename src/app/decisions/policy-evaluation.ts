import { CONTEXT_DIM } from '../../core/decisions/bandit-context.js';
import type { LinearBanditState } from '../../core/decisions/bandit/linear-arms.js';
import { greedyArm } from '../../core/decisions/bandit/linear-arms.js';
import type { StoredDecision } from '../../core/decisions/decision-record.js';
import type { LoggedDecision, TargetPolicy } from '../../core/decisions/off-policy/estimators.js';
import { doublyRobust, ips, snips } from '../../core/decisions/off-policy/estimators.js';
import { fitRidgeRewardModel } from '../../core/decisions/off-policy/ridge-reward-model.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { Storage } from '../../ports/storage.js';

export interface PolicyEstimate {
  readonly value: number;
  readonly standardError: number;
  readonly effectiveSampleSize: number;
}

export interface PolicyEvaluation {
  readonly placement: string;
  readonly slot: 'offers' | 'content';
  /** Logged decisions usable for this slot (chosen by a bandit, reward window closed). */
  readonly decisions: number;
  /** The mean reward the logging policy earned. */
  readonly loggedValue: number | null;
  readonly policies: readonly { readonly policy: string; readonly ips: PolicyEstimate; readonly snips: PolicyEstimate; readonly doublyRobust: PolicyEstimate }[];
}

/** A logged decision as the estimators read it; null when it did not choose this slot by a bandit or its window is open. */
function loggedDecision(d: StoredDecision, slot: 'offers' | 'content', cutoffMs: number): LoggedDecision | null {
  const arm = slot === 'offers' ? d.offerKey : d.contentKey;
  const propensity = slot === 'offers' ? d.offerPropensity : d.contentPropensity;
  const x = d.context['x'];
  const eligible = d.context[slot === 'offers' ? 'offerArms' : 'contentArms'];
  if (arm === null || propensity === null || !(propensity > 0) || !Array.isArray(x) || x.length !== CONTEXT_DIM || !Array.isArray(eligible) || eligible.length < 2) return null;
  const positive = d.outcomes.some((o) => (slot === 'offers' ? o.kind === 'order' : o.kind === 'click' || o.kind === 'order'));
  if (!positive && d.atMs > cutoffMs) return null;
  return { x: Float64Array.from(x as number[]), arm, propensity, reward: positive ? 1 : 0, eligible: eligible.filter((a): a is string => typeof a === 'string') };
}


/**
 * Off-policy evaluation from the decision log: what other policies would have earned on the logged
 * traffic of a placement's offers or content (IPS, self-normalized IPS, doubly robust), next to what
 * the logging policy earned. Decisions still inside the reward window (after `cutoffMs`) without a
 * positive outcome are left out.
 */
export async function evaluateLoggedPolicies(
  storage: Storage,
  workspace: WorkspaceId,
  placement: string,
  slot: 'offers' | 'content',
  state: LinearBanditState | undefined,
  cutoffMs: number,
): Promise<PolicyEvaluation> {
  const logs: LoggedDecision[] = [];
  let after: { atMs: number; id: string } | null = null;
  for (;;) {
    const page: readonly StoredDecision[] = await storage.read.decisions.scan(workspace, { placement, after, limit: 1_000 });
    for (const d of page) {
      const logged = loggedDecision(d, slot, cutoffMs);
      if (logged !== null) logs.push(logged);
    }
    const last = page.at(-1);
    if (last === undefined || page.length < 1_000) break;
    after = { atMs: last.atMs, id: last.id };
  }
  const arms = [...new Set(logs.flatMap((l) => l.eligible))].sort();
  const result: PolicyEvaluation = { placement, slot, decisions: logs.length, loggedValue: logs.length === 0 ? null : logs.reduce((sum, l) => sum + l.reward, 0) / logs.length, policies: [] };
  if (logs.length === 0) return result;
  const model = fitRidgeRewardModel(logs, { dim: CONTEXT_DIM });
  const targets: { name: string; policy: TargetPolicy }[] = [
    { name: 'uniform random', policy: (_x, eligible) => eligible.map(() => 1 / eligible.length) },
    ...(state === undefined ? [] : [{ name: 'current bandit, greedy', policy: ((x, eligible) => greedyArm(state, eligible, x)) as TargetPolicy }]),
    ...arms.map((arm) => ({ name: `always ${arm}`, policy: ((_x, eligible) => eligible.map((a) => (a === arm ? 1 : 0))) as TargetPolicy })),
  ];
  const estimate = (e: { estimate: number; standardError: number; effectiveSampleSize: number }): PolicyEstimate => ({
    value: round4(e.estimate),
    standardError: round4(e.standardError),
    effectiveSampleSize: Math.round(e.effectiveSampleSize),
  });
  return {
    ...result,
    policies: targets.map(({ name, policy }) => ({ policy: name, ips: estimate(ips(logs, policy)), snips: estimate(snips(logs, policy)), doublyRobust: estimate(doublyRobust(logs, policy, model.predict)) })),
  };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

import type { DecisionOutcome, DecisionRecord, StoredDecision } from '../core/decisions/decision-record.js';
import type { ProfileId, WorkspaceId } from '../core/shared/ids.js';
import type { EpochMs } from '../core/shared/time.js';

/**
 * The decision log: every served decision (exposure) with its propensities, and the outcomes
 * attributed to it. Append-mostly; an outcome is recorded once per kind per decision.
 */
export interface DecisionStore {
  appendMany(workspace: WorkspaceId, decisions: readonly DecisionRecord[]): Promise<void>;
  get(workspace: WorkspaceId, id: string): Promise<StoredDecision | null>;
  /** A profile's decisions at or after `sinceMs`, newest first (attribution windows, frequency caps). */
  listForProfile(workspace: WorkspaceId, profileId: ProfileId, opts: { readonly sinceMs: EpochMs; readonly limit: number }): Promise<readonly StoredDecision[]>;
  /** Records the outcome unless one of its kind is already there; false when it was. */
  addOutcome(workspace: WorkspaceId, id: string, outcome: DecisionOutcome): Promise<boolean>;
  /** Decisions in time order (at, id) after a cursor: off-policy evaluation and reports. */
  scan(
    workspace: WorkspaceId,
    opts: { readonly placement: string | null; readonly after: { readonly atMs: EpochMs; readonly id: string } | null; readonly limit: number },
  ): Promise<readonly StoredDecision[]>;
  count(workspace: WorkspaceId): Promise<number>;
  /** Moves a merged-away profile's decisions to the surviving profile. */
  reassignProfile(workspace: WorkspaceId, from: ProfileId, to: ProfileId): Promise<number>;
}

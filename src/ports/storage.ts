import type { CatalogStore } from './catalog-store.js';
import type { ComputedTraitStore } from './computed-trait-store.js';
import type { DecisionStore } from './decision-store.js';
import type { EventStore } from './event-store.js';
import type { IdentityStore } from './identity-store.js';
import type { ProfileStore } from './profile-store.js';
import type { SegmentStore } from './segment-store.js';
import type { WorkspaceStore } from './workspace-store.js';

/** Every store, as seen inside one transaction or through the read-only view. */
export interface Stores {
  readonly events: EventStore;
  readonly profiles: ProfileStore;
  readonly identities: IdentityStore;
  readonly catalog: CatalogStore;
  readonly workspaces: WorkspaceStore;
  readonly computedTraits: ComputedTraitStore;
  readonly segments: SegmentStore;
  readonly decisions: DecisionStore;
}

/**
 * One transaction: everything `fn` writes commits together or not at all (cf. PostHog inTransaction).
 * Transactions run one at a time; the ingest writer relies on that to group-commit safely.
 */
export interface UnitOfWork {
  run<T>(label: string, fn: (stores: Stores) => Promise<T>): Promise<T>;
}

/** An opened storage engine: a transactional writer and a read view that sees only committed data. */
export interface Storage {
  /** Engine name for logs and /health, e.g. "sqlite". */
  readonly engine: string;
  /** Where it lives, with any password removed (for display). */
  readonly location: string;
  readonly uow: UnitOfWork;
  readonly read: Stores;
  close(): Promise<void>;
}

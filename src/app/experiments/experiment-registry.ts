import type { Experiment, ExperimentArm } from '../../core/experiments/experiment.js';
import { parseExperiment } from '../../core/experiments/experiment.js';
import { assignArm, inHoldout } from '../../core/experiments/assignment.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Storage } from '../../ports/storage.js';
import { AppError } from '../app-error.js';
import { toJsonValue } from '../segments/model-support.js';

export const EXPERIMENT_KIND = 'experiment';
/** The global holdout's salt: independent of every experiment's assignment. */
const HOLDOUT_SALT = 'attune-global-holdout';

/** Where a unit stands on a placement: in the global holdout, in an experiment arm, or neither. */
export type Assignment =
  | { readonly kind: 'holdout' }
  | { readonly kind: 'arm'; readonly experiment: Experiment; readonly arm: ExperimentArm }
  | null;

/**
 * Experiments per workspace (one running per placement), stored as sent, and the assignment of a
 * unit: a deterministic hash of (experiment, version, unit), so a customer sees the same arm on
 * every call and every server without any state.
 */
export class ExperimentRegistry {
  private readonly deps: { readonly storage: Storage; readonly clock: Clock; readonly logger: Logger; readonly holdoutShare: number };
  private readonly workspaces = new Map<WorkspaceId, Map<string, { readonly experiment: Experiment; readonly source: JsonValue }>>();

  constructor(deps: { readonly storage: Storage; readonly clock: Clock; readonly logger: Logger; readonly holdoutShare: number }) {
    this.deps = deps;
  }

  async load(workspace: WorkspaceId): Promise<void> {
    const map = new Map<string, { experiment: Experiment; source: JsonValue }>();
    for (const stored of await this.deps.storage.read.segments.listModels(workspace, EXPERIMENT_KIND)) {
      const body = stored.body as { source?: unknown; startedAtMs?: unknown };
      const parsed = parseExperiment(stored.id, body.source, typeof body.startedAtMs === 'number' ? body.startedAtMs : stored.updatedAtMs);
      if (parsed.ok) map.set(stored.id, { experiment: parsed.value, source: toJsonValue(body.source) });
      else this.deps.logger.error('stored experiment is invalid; not run', { workspace, experiment: stored.id });
    }
    this.workspaces.set(workspace, map);
  }

  list(workspace: WorkspaceId): readonly Experiment[] {
    return [...(this.workspaces.get(workspace)?.values() ?? [])].map((e) => e.experiment).sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  get(workspace: WorkspaceId, key: string): Experiment {
    const found = this.workspaces.get(workspace)?.get(key)?.experiment;
    if (found === undefined) throw new AppError('ERR_NOT_FOUND', `No experiment "${key}"`, { details: [{ field: 'key', message: 'create it with PUT /v1/experiments/{key}' }] });
    return found;
  }

  /** Saves an experiment; a running one must be the only running one on its placement. Version or arms changed: it restarts. */
  async put(workspace: WorkspaceId, key: string, body: unknown): Promise<Experiment> {
    const nowMs = this.deps.clock.nowMs();
    const previous = this.workspaces.get(workspace)?.get(key)?.experiment;
    const parsed = parseExperiment(key, body, nowMs);
    if (!parsed.ok) throw new AppError('ERR_VALIDATION', 'Invalid experiment', { details: parsed.errors });
    let experiment = parsed.value;
    // The same arms and version keep collecting: the start stays (results cover the whole run).
    if (previous !== undefined && previous.version === experiment.version && JSON.stringify(previous.arms) === JSON.stringify(experiment.arms)) {
      experiment = { ...experiment, startedAtMs: previous.startedAtMs };
    }
    if (experiment.status === 'running') {
      const clash = this.list(workspace).find((e) => e.key !== key && e.status === 'running' && e.placement === experiment.placement);
      if (clash !== undefined) throw new AppError('ERR_VALIDATION', 'Another experiment runs on this placement', { details: [{ field: 'placement', message: `"${clash.key}" is running there; stop it first` }] });
    }
    const source = toJsonValue(body);
    await this.deps.storage.uow.run('experiments:put', (stores) =>
      stores.segments.putModel(workspace, { kind: EXPERIMENT_KIND, id: key, body: { source, startedAtMs: experiment.startedAtMs }, updatedAtMs: nowMs }),
    );
    const map = this.workspaces.get(workspace) ?? new Map<string, { experiment: Experiment; source: JsonValue }>();
    map.set(key, { experiment, source });
    this.workspaces.set(workspace, map);
    return experiment;
  }

  async delete(workspace: WorkspaceId, key: string): Promise<boolean> {
    const deleted = await this.deps.storage.uow.run('experiments:delete', (stores) => stores.segments.deleteModel(workspace, EXPERIMENT_KIND, key));
    this.workspaces.get(workspace)?.delete(key);
    return deleted;
  }

  /** The unit's place on this placement now. */
  assign(workspace: WorkspaceId, placement: string, unit: string): Assignment {
    if (this.deps.holdoutShare > 0 && inHoldout(unit, this.deps.holdoutShare, HOLDOUT_SALT)) return { kind: 'holdout' };
    for (const { experiment } of this.workspaces.get(workspace)?.values() ?? []) {
      if (experiment.status !== 'running' || experiment.placement !== placement) continue;
      const armKey = assignArm(experiment.key, experiment.version, unit, experiment.arms.map((a) => ({ key: a.key, weight: a.weight })));
      const arm = experiment.arms.find((a) => a.key === armKey);
      if (arm !== undefined) return { kind: 'arm', experiment, arm };
    }
    return null;
  }
}

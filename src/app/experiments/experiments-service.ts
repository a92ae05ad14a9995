import type { Experiment } from '../../core/experiments/experiment.js';
import type { ExperimentResults } from '../../core/experiments/experiment-results.js';
import { experimentResults } from '../../core/experiments/experiment-results.js';
import { formatExperimentReport } from '../../core/experiments/format-results.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { Storage } from '../../ports/storage.js';
import type { ExperimentRegistry } from './experiment-registry.js';
import { experimentUnits } from './experiment-units.js';

export interface ExperimentsApi {
  put(workspace: WorkspaceId, key: string, body: unknown): Promise<Experiment>;
  list(workspace: WorkspaceId): readonly Experiment[];
  get(workspace: WorkspaceId, key: string): Experiment;
  delete(workspace: WorkspaceId, key: string): Promise<boolean>;
  /** Results so far: per arm, each arm against the baseline (intervals, always-valid and Bayesian), ROI, per segment, and a report. */
  results(workspace: WorkspaceId, key: string, options?: { readonly currency?: string }): Promise<{ readonly experiment: Experiment; readonly results: ExperimentResults; readonly report: string }>;
}

/** Experiments: definitions (the registry, which decide() asks for assignments) and results from the logs. */
export class ExperimentsService implements ExperimentsApi {
  private readonly deps: {
    readonly storage: Storage;
    readonly registry: ExperimentRegistry;
    /** Writes the decisions still in memory, so results count every exposure. */
    readonly flushDecisions: () => Promise<void>;
    readonly segmentsOf: (workspace: WorkspaceId, profileId: ProfileId) => readonly string[];
  };

  constructor(deps: ExperimentsService['deps']) {
    this.deps = deps;
  }

  put(workspace: WorkspaceId, key: string, body: unknown): Promise<Experiment> {
    return this.deps.registry.put(workspace, key, body);
  }

  list(workspace: WorkspaceId): readonly Experiment[] {
    return this.deps.registry.list(workspace);
  }

  get(workspace: WorkspaceId, key: string): Experiment {
    return this.deps.registry.get(workspace, key);
  }

  delete(workspace: WorkspaceId, key: string): Promise<boolean> {
    return this.deps.registry.delete(workspace, key);
  }

  async results(workspace: WorkspaceId, key: string, options: { readonly currency?: string } = {}): ReturnType<ExperimentsApi['results']> {
    const experiment = this.deps.registry.get(workspace, key);
    await this.deps.flushDecisions();
    const units = await experimentUnits(this.deps.storage, workspace, experiment, (profileId) => this.deps.segmentsOf(workspace, profileId));
    const results = experimentResults(experiment, units);
    return { experiment, results, report: formatExperimentReport(results, options.currency === undefined ? {} : { currency: options.currency }) };
  }
}

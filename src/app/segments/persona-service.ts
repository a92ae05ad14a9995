import { computeFeatures } from '../../core/features/compute-features.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { GroupProfile } from '../../core/segments/personas/describe-group.js';
import { describeGroup } from '../../core/segments/personas/describe-group.js';
import type { PersonaName } from '../../core/segments/personas/name-persona.js';
import { namePersona } from '../../core/segments/personas/name-persona.js';
import type { PersonaNarrative } from '../../core/segments/personas/narrate-persona.js';
import { narratePersona } from '../../core/segments/personas/narrate-persona.js';
import type { PersonaRow } from '../../core/segments/personas/persona-feature.js';
import { STANDARD_PERSONA_FEATURES, toPersonaRow } from '../../core/segments/personas/persona-feature.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import { createRng } from '../../core/shared/rng.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Clock } from '../../ports/clock.js';
import type { Storage } from '../../ports/storage.js';
import { AppError } from '../app-error.js';
import { Reservoir, scanProfiles } from './model-support.js';
import type { SegmentEngine } from './segment-engine.js';

/** Most rows behind the means of a persona, for the population and for the members each. */
export const PERSONA_SAMPLE_CAP = 50_000;
/** Seed of the persona samples: the same store gives the same persona. */
const PERSONA_SAMPLE_SEED = 1;

/** Exact totals, counted over every row while the means come from (possibly) sampled rows. */
export interface PersonaTotals {
  readonly size: number;
  readonly populationSize: number;
  readonly revenue: number;
  readonly populationRevenue: number;
}

export interface PersonaSampling {
  /** Rows the means, differences and lifts were computed from. */
  readonly members: number;
  readonly population: number;
  /** True when either side was sampled (more rows than PERSONA_SAMPLE_CAP). */
  readonly sampled: boolean;
  readonly note: string;
}

/** A described group: what sets it apart, a justified name and a narrative built from the numbers. */
export interface Persona {
  readonly name: string;
  readonly naming: PersonaName;
  readonly narrative: PersonaNarrative;
  /** Sizes, shares and revenue are exact; means come from the rows in `sampling`. */
  readonly profile: GroupProfile;
  readonly sampling: PersonaSampling;
}

export interface SegmentPersona extends Persona {
  readonly segmentKey: string;
  readonly segmentName: string;
  readonly computedAtMs: EpochMs;
}

/**
 * Describes members against a population with the standard persona features. The shares and
 * revenue of the profile are replaced by the exact totals, so a sample never changes a size.
 */
export function buildPersona(members: readonly PersonaRow[], population: readonly PersonaRow[], totals: PersonaTotals): Persona {
  const described = describeGroup({ members, population, features: STANDARD_PERSONA_FEATURES });
  const profile: GroupProfile = {
    ...described,
    size: totals.size,
    populationSize: totals.populationSize,
    customerShare: totals.populationSize === 0 ? 0 : totals.size / totals.populationSize,
    revenue: totals.revenue,
    revenueShare: totals.populationRevenue > 0 ? totals.revenue / totals.populationRevenue : null,
  };
  const naming = namePersona(profile);
  const sampled = members.length < totals.size || population.length < totals.populationSize;
  return {
    name: naming.name,
    naming,
    narrative: narratePersona(profile, naming),
    profile,
    sampling: {
      members: members.length,
      population: population.length,
      sampled,
      note: sampled
        ? `Means and differences from a uniform sample of ${members.length} of ${totals.size} members and ${population.length} of ${totals.populationSize} profiles (cap ${PERSONA_SAMPLE_CAP}); sizes, shares and revenue are exact.`
        : 'Computed from every member and every profile.',
    },
  };
}

export interface PersonaServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly engine: SegmentEngine;
  readonly specFor: (workspace: WorkspaceId) => Promise<ProfileSpec>;
  readonly flushed: () => Promise<void>;
}

/** Personas of live segments: the members against every profile of the workspace. */
export class PersonaService {
  private readonly deps: PersonaServiceDeps;

  constructor(deps: PersonaServiceDeps) {
    this.deps = deps;
  }

  async describe(workspace: WorkspaceId, segmentKey: string): Promise<SegmentPersona> {
    const live = this.deps.engine.registry(workspace).byKey.get(segmentKey);
    if (live === undefined) throw new AppError('ERR_NOT_FOUND', `Segment "${segmentKey}" does not exist`, { details: [{ field: 'key', message: 'no such segment' }] });
    const memberIds = this.deps.engine.index(workspace).members(segmentKey);
    await this.deps.flushed();
    const nowMs = this.deps.clock.nowMs();
    const spec = await this.deps.specFor(workspace);
    const rng = createRng(PERSONA_SAMPLE_SEED);
    const population = new Reservoir<PersonaRow>(PERSONA_SAMPLE_CAP, rng);
    const members = new Reservoir<PersonaRow>(PERSONA_SAMPLE_CAP, rng);
    let revenue = 0;
    let populationRevenue = 0;
    for await (const state of scanProfiles(this.deps.storage, workspace)) {
      const features = computeFeatures(state, nowMs, spec);
      const row = toPersonaRow(features, nowMs);
      population.offer(row);
      populationRevenue += features.monetary;
      if (memberIds.has(state.profileId)) {
        members.offer(row);
        revenue += features.monetary;
      }
    }
    const persona = buildPersona(members.items, population.items, {
      size: members.offered,
      populationSize: population.offered,
      revenue,
      populationRevenue,
    });
    return { ...persona, segmentKey, segmentName: live.definition.name, computedAtMs: nowMs };
  }
}

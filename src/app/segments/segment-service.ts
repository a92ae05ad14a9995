import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import { foldProfile } from '../../core/profiles/fold-profile.js';
import type { CompiledRule, RuleDependencies } from '../../core/segments/compiled-rule.js';
import { behaviorTracksOf } from '../../core/segments/behavior-tracks.js';
import { evaluateSegment } from '../../core/segments/evaluate-segment.js';
import type { RuleSchema } from '../../core/segments/rule-schema.js';
import type { SegmentDefinition } from '../../core/segments/segment-definition.js';
import { RESERVED_SEGMENT_KEYS, SEGMENT_KEY_PATTERN } from '../../core/segments/segment-definition.js';
import type { SegmentRule } from '../../core/segments/segment-rule.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import { asProfileId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Clock } from '../../ports/clock.js';
import type { DailyMembershipCounts, Membership, MembershipChange } from '../../ports/segment-store.js';
import type { Storage } from '../../ports/storage.js';
import { AppError } from '../app-error.js';
import type { RuleInput } from './parse-segment-input.js';
import { compileRuleInput } from './parse-segment-input.js';
import type { BackfillOutcome, BackfillProgress, SegmentEngine } from './segment-engine.js';
import { ProfileSegmentInput } from './segment-input.js';
import { orderSegments } from './segment-registry.js';

export interface SegmentInput extends RuleInput {
  readonly key?: unknown;
  readonly name?: unknown;
  readonly description?: unknown;
}

export interface SegmentSummary {
  readonly definition: SegmentDefinition;
  readonly text: string;
  readonly dependsOn: RuleDependencies;
  readonly size: number;
}

export interface SavedSegment extends SegmentSummary {
  readonly backfill: BackfillOutcome;
}

export interface SegmentPreview {
  readonly rule: SegmentRule;
  readonly text: string;
  readonly dependsOn: RuleDependencies;
  /** Profiles in the workspace. */
  readonly population: number;
  readonly sampleSize: number;
  readonly matchedInSample: number;
  /** matched / sample x population; exact when the sample is the whole population. */
  readonly estimatedSize: number;
  /** 95% Wilson interval of the size (equal to the estimate when exact). */
  readonly low: number;
  readonly high: number;
  readonly exact: boolean;
  /** A few matching profiles with why they match. */
  readonly examples: readonly { readonly profileId: ProfileId; readonly reasons: readonly string[] }[];
  readonly tookMs: number;
}

export interface OverlapMatrix {
  readonly keys: readonly string[];
  readonly sizes: readonly number[];
  /** counts[i][j] = members of both keys[i] and keys[j] (the diagonal is the size). */
  readonly counts: readonly (readonly number[])[];
}

export interface MemberContact extends Membership {
  readonly userId: string | null;
  readonly email: string | null;
}

export interface SizePoint {
  /** UTC day, ISO date. */
  readonly date: string;
  readonly enters: number;
  readonly exits: number;
  /** Members at the end of that day. */
  readonly size: number;
}

export interface SegmentServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly engine: SegmentEngine;
  readonly schemaFor: (workspace: WorkspaceId) => RuleSchema;
  readonly specFor: (workspace: WorkspaceId) => Promise<ProfileSpec>;
  /**
   * Installs new definitions with ingestion paused; when the behavior tracks they need changed,
   * refolds every profile from the log so the tracks hold their whole history.
   */
  readonly applyDefinitions: (workspace: WorkspaceId, definitions: readonly SegmentDefinition[]) => Promise<void>;
  /** Makes the profile store hold every acknowledged change (profiles are written behind). */
  readonly flushed: () => Promise<void>;
  readonly config: { readonly previewSampleSize: number; readonly previewSampleTtlMs: number };
}

interface Sample {
  readonly states: readonly ProfileState[];
  readonly population: number;
  readonly takenAtMs: EpochMs;
  /** Track keys the sample was refolded with (drafts reading new events need a refold). */
  readonly tracksKey: string;
}

const MAX_OVERLAP_SEGMENTS = 100;
const PREVIEW_EXAMPLES = 5;

/** The segment use cases: definitions, backfill, preview, overlap, export and history. */
export class SegmentService {
  private readonly samples = new Map<WorkspaceId, Sample>();

  private readonly deps: SegmentServiceDeps;

  constructor(deps: SegmentServiceDeps) {
    this.deps = deps;
  }

  async list(workspace: WorkspaceId): Promise<SegmentSummary[]> {
    const registry = this.deps.engine.registry(workspace);
    const index = this.deps.engine.index(workspace);
    return registry.ordered
      .map((s) => ({ definition: s.definition, text: s.compiled.text, dependsOn: s.compiled.dependsOn, size: index.size(s.definition.key) }))
      .sort((a, b) => (a.definition.key < b.definition.key ? -1 : 1));
  }

  async get(workspace: WorkspaceId, key: string): Promise<SegmentSummary> {
    const live = this.deps.engine.registry(workspace).byKey.get(key);
    if (live === undefined) throw notFound(key);
    return { definition: live.definition, text: live.compiled.text, dependsOn: live.compiled.dependsOn, size: this.deps.engine.index(workspace).size(key) };
  }

  /** Creates (create: true refuses a taken key) or replaces a segment, then backfills it. */
  async put(
    workspace: WorkspaceId,
    input: SegmentInput,
    opts: { readonly create: boolean; readonly kind?: SegmentDefinition['kind']; readonly onProgress?: (p: BackfillProgress) => void },
  ): Promise<SavedSegment> {
    const key = input.key;
    if (typeof key !== 'string' || !SEGMENT_KEY_PATTERN.test(key)) {
      throw new AppError('ERR_VALIDATION', 'Invalid segment key', { details: [{ field: 'key', message: 'use 1 to 64 lowercase letters, digits, - or _, starting with a letter or digit' }] });
    }
    if (RESERVED_SEGMENT_KEYS.has(key)) {
      throw new AppError('ERR_VALIDATION', `"${key}" names a fixed path under /v1/segments/ and cannot be a segment key`, {
        details: [{ field: 'key', message: `reserved: ${[...RESERVED_SEGMENT_KEYS].join(', ')}` }],
      });
    }
    const compiled = compileRuleInput(input, this.deps.schemaFor(workspace));
    const existing = await this.deps.storage.read.segments.getDefinition(workspace, key);
    const kind = opts.kind ?? 'rule';
    if (existing !== null && opts.create) throw new AppError('ERR_SEGMENT_EXISTS', `Segment "${key}" already exists`, { details: [{ field: 'key', message: 'taken' }] });
    if (existing !== null && existing.kind !== kind) throw managed(existing);
    const nowMs = this.deps.clock.nowMs();
    const definition: SegmentDefinition = {
      key,
      name: optionalText(input.name, 'name', 200) ?? existing?.name ?? key,
      description: optionalText(input.description, 'description', 2000) ?? existing?.description ?? '',
      kind,
      rule: compiled.rule,
      version: (existing?.version ?? 0) + 1,
      createdAtMs: existing?.createdAtMs ?? nowMs,
      updatedAtMs: nowMs,
    };
    const others = (await this.deps.storage.read.segments.listDefinitions(workspace)).filter((d) => d.key !== key);
    this.refuseCycles([...others, definition], compiled);
    await this.deps.storage.uow.run('segments:put', (stores) => stores.segments.putDefinition(workspace, definition));
    await this.deps.applyDefinitions(workspace, [...others, definition]);
    const backfill = await this.deps.engine.backfill(workspace, new Set([key]), opts.onProgress);
    return { definition, text: compiled.text, dependsOn: compiled.dependsOn, size: this.deps.engine.index(workspace).size(key), backfill };
  }

  async delete(workspace: WorkspaceId, key: string, opts: { readonly managedBy?: SegmentDefinition['kind'] } = {}): Promise<boolean> {
    const existing = await this.deps.storage.read.segments.getDefinition(workspace, key);
    if (existing === null) return false;
    if (existing.kind !== (opts.managedBy ?? 'rule')) throw managed(existing);
    const readers = this.deps.engine.registry(workspace).ordered.filter((s) => s.dependsOnSegments.includes(key)).map((s) => s.definition.key);
    if (readers.length > 0) {
      throw new AppError('ERR_SEGMENT_IN_USE', `Segments ${readers.map((k) => `"${k}"`).join(', ')} read "${key}"`, {
        details: readers.map((reader) => ({ field: 'key', message: `read by segment "${reader}"` })),
      });
    }
    await this.deps.engine.removeSegment(workspace, key, `segment "${key}" was deleted`);
    await this.deps.storage.uow.run('segments:delete', (stores) => stores.segments.deleteDefinition(workspace, key));
    await this.deps.applyDefinitions(workspace, await this.deps.storage.read.segments.listDefinitions(workspace));
    return true;
  }

  /**
   * Creates or replaces several segments of one managed kind ('rfm', 'cluster') in one go: every
   * definition is validated first, the changed ones are written in one transaction and the set is
   * installed once. Nothing is backfilled: the caller backfills once, after installing the
   * enricher the rules read. A taken key of another kind is refused before anything is written.
   */
  async putManaged(
    workspace: WorkspaceId,
    kind: Exclude<SegmentDefinition['kind'], 'rule'>,
    inputs: readonly { readonly key: string; readonly name: string; readonly description: string; readonly text: string }[],
  ): Promise<{ readonly definitions: readonly SegmentDefinition[]; readonly changed: readonly string[] }> {
    const schema = this.deps.schemaFor(workspace);
    const all = await this.deps.storage.read.segments.listDefinitions(workspace);
    const byKey = new Map(all.map((d) => [d.key, d]));
    const nowMs = this.deps.clock.nowMs();
    const definitions: SegmentDefinition[] = [];
    const changed: SegmentDefinition[] = [];
    for (const input of inputs) {
      if (!SEGMENT_KEY_PATTERN.test(input.key)) throw new AppError('ERR_VALIDATION', `Invalid segment key "${input.key}"`, { details: [{ field: 'key', message: 'not a segment key' }] });
      const compiled = compileRuleInput({ text: input.text }, schema);
      const existing = byKey.get(input.key) ?? null;
      if (existing !== null && existing.kind !== kind) {
        throw new AppError('ERR_SEGMENT_EXISTS', `Segment "${input.key}" already exists as a ${existing.kind} segment`, { details: [{ field: 'key', message: 'taken' }] });
      }
      const name = input.name.slice(0, 200);
      const description = input.description.slice(0, 2000);
      if (existing !== null && existing.name === name && existing.description === description && JSON.stringify(existing.rule) === JSON.stringify(compiled.rule)) {
        definitions.push(existing);
        continue;
      }
      const definition: SegmentDefinition = {
        key: input.key,
        name,
        description,
        kind,
        rule: compiled.rule,
        version: (existing?.version ?? 0) + 1,
        createdAtMs: existing?.createdAtMs ?? nowMs,
        updatedAtMs: nowMs,
      };
      definitions.push(definition);
      changed.push(definition);
      byKey.set(definition.key, definition);
    }
    if (changed.length > 0) {
      const ordered = orderSegments([...byKey.values()].map((d) => ({ key: d.key, dependsOn: segmentsNamed(d.rule) })));
      if (!ordered.ok) throw new AppError('ERR_SEGMENT_RULE_INVALID', `Segments would read each other in a cycle: ${ordered.cycle.join(' → ')}`);
      await this.deps.storage.uow.run('segments:put-managed', async (stores) => {
        for (const definition of changed) await stores.segments.putDefinition(workspace, definition);
      });
      await this.deps.applyDefinitions(workspace, [...byKey.values()]);
    }
    return { definitions, changed: changed.map((d) => d.key) };
  }

  /**
   * Deletes several segments of one managed kind: refuses (ERR_SEGMENT_IN_USE) when a segment
   * outside the set reads one of them, records every member's exit, then removes the definitions
   * in one transaction and installs the remaining set once. Unknown keys are skipped.
   */
  async deleteManaged(workspace: WorkspaceId, kind: Exclude<SegmentDefinition['kind'], 'rule'>, keys: readonly string[], reason: string): Promise<readonly string[]> {
    const all = await this.deps.storage.read.segments.listDefinitions(workspace);
    const wanted = new Set(keys);
    const doomed = all.filter((d) => wanted.has(d.key));
    for (const definition of doomed) if (definition.kind !== kind) throw managed(definition);
    const doomedKeys = new Set(doomed.map((d) => d.key));
    const readers = this.deps.engine
      .registry(workspace)
      .ordered.filter((s) => !doomedKeys.has(s.definition.key) && s.dependsOnSegments.some((k) => doomedKeys.has(k)));
    if (readers.length > 0) {
      throw new AppError('ERR_SEGMENT_IN_USE', `Segments ${readers.map((s) => `"${s.definition.key}"`).join(', ')} read segments being deleted`, {
        details: readers.map((s) => ({ field: 'key', message: `segment "${s.definition.key}" reads ${s.dependsOnSegments.filter((k) => doomedKeys.has(k)).map((k) => `"${k}"`).join(', ')}` })),
      });
    }
    if (doomed.length === 0) return [];
    for (const key of doomedKeys) await this.deps.engine.removeSegment(workspace, key, reason);
    await this.deps.storage.uow.run('segments:delete-managed', async (stores) => {
      for (const key of doomedKeys) await stores.segments.deleteDefinition(workspace, key);
    });
    await this.deps.applyDefinitions(workspace, all.filter((d) => !doomedKeys.has(d.key)));
    return [...doomedKeys];
  }

  /**
   * Estimates how many profiles a draft rule matches, on a cached random sample, fast enough to
   * call on every keystroke. Invalid drafts throw ERR_SEGMENT_RULE_INVALID with positions.
   */
  async preview(workspace: WorkspaceId, input: RuleInput): Promise<SegmentPreview> {
    const startedMs = performance.now();
    const compiled = compileRuleInput(input, this.deps.schemaFor(workspace));
    const spec = await this.deps.specFor(workspace);
    const sample = await this.sampleFor(workspace, compiled, spec);
    const nowMs = this.deps.clock.nowMs();
    const index = this.deps.engine.index(workspace);
    const enrichers = this.deps.engine.enrichers(workspace);
    const predictors = this.deps.engine.predictors(workspace);
    const sampleSpec = { ...spec, behaviorTracks: mergeTracks(spec, compiled) };
    let matched = 0;
    const examples: { profileId: ProfileId; reasons: readonly string[] }[] = [];
    for (const state of sample.states) {
      const result = evaluateSegment(compiled, new ProfileSegmentInput(state, nowMs, sampleSpec, enrichers, index.segmentsOf(state.profileId), predictors), nowMs);
      if (!result.matched) continue;
      matched++;
      if (examples.length < PREVIEW_EXAMPLES) examples.push({ profileId: state.profileId, reasons: result.reasons });
    }
    const n = sample.states.length;
    const exact = n >= sample.population;
    const share = n === 0 ? 0 : matched / n;
    const [lowShare, highShare] = exact ? [share, share] : wilson(matched, n);
    const scale = (x: number): number => Math.round(x * sample.population);
    return {
      rule: compiled.rule,
      text: compiled.text,
      dependsOn: compiled.dependsOn,
      population: sample.population,
      sampleSize: n,
      matchedInSample: matched,
      estimatedSize: exact ? matched : scale(share),
      low: exact ? matched : scale(lowShare),
      high: exact ? matched : scale(highShare),
      exact,
      examples,
      tookMs: Math.round((performance.now() - startedMs) * 10) / 10,
    };
  }

  /** Members shared by each pair of segments, from the in-memory memberships. */
  overlap(workspace: WorkspaceId, keys: readonly string[] | null): OverlapMatrix {
    const registry = this.deps.engine.registry(workspace);
    const chosen = keys ?? registry.ordered.map((s) => s.definition.key).sort();
    if (chosen.length > MAX_OVERLAP_SEGMENTS) {
      throw new AppError('ERR_VALIDATION', `At most ${MAX_OVERLAP_SEGMENTS} segments per overlap matrix`, { details: [{ field: 'keys', message: `got ${chosen.length}` }] });
    }
    for (const key of chosen) if (!registry.byKey.has(key)) throw notFound(key);
    const index = this.deps.engine.index(workspace);
    const sizes = chosen.map((key) => index.size(key));
    const counts = chosen.map((a, i) =>
      chosen.map((b, j) => {
        if (i === j) return sizes[i] ?? 0;
        // Iterate the smaller set, look up in the larger.
        const [small, large] = (sizes[i] ?? 0) <= (sizes[j] ?? 0) ? [a, b] : [b, a];
        let both = 0;
        for (const id of index.members(small).keys()) if (index.has(large, id)) both++;
        return both;
      }),
    );
    return { keys: chosen, sizes, counts };
  }

  /** One page of members, by profile id, with when and why they entered (export). */
  async members(workspace: WorkspaceId, key: string, opts: { readonly afterProfileId: ProfileId | null; readonly limit: number }): Promise<readonly Membership[]> {
    if (!this.deps.engine.registry(workspace).byKey.has(key)) throw notFound(key);
    return this.deps.storage.read.segments.listMembers(workspace, key, opts);
  }

  /**
   * One page of members with what a campaign tool needs to reach them: the user id (the first
   * known one) and the `email` trait when the profile has one. Export is an admin/read action on
   * personal data by design; nothing here is logged.
   */
  async exportMembers(workspace: WorkspaceId, key: string, opts: { readonly afterProfileId: ProfileId | null; readonly limit: number }): Promise<MemberContact[]> {
    const page = await this.members(workspace, key, opts);
    if (page.length === 0) return [];
    await this.deps.flushed();
    const store = this.deps.storage.read;
    const states = await store.profiles.getMany(workspace, page.map((m) => m.profileId));
    const out: MemberContact[] = [];
    for (const member of page) {
      const identities = await store.identities.listForProfile(workspace, member.profileId);
      const email = states.get(member.profileId)?.traits['email']?.value;
      out.push({
        ...member,
        userId: identities.find((i) => i.kind === 'user_id')?.value ?? null,
        email: typeof email === 'string' ? email : null,
      });
    }
    return out;
  }

  /** Size per UTC day from the membership history (days without changes are left out). */
  async sizeOverTime(workspace: WorkspaceId, key: string): Promise<SizePoint[]> {
    if (!this.deps.engine.registry(workspace).byKey.has(key)) throw notFound(key);
    const counts: readonly DailyMembershipCounts[] = await this.deps.storage.read.segments.dailyCounts(workspace, key);
    let size = 0;
    return counts.map((c) => {
      size += c.enters - c.exits;
      return { date: new Date(c.day * 86_400_000).toISOString().slice(0, 10), enters: c.enters, exits: c.exits, size };
    });
  }

  async changes(
    workspace: WorkspaceId,
    opts: { readonly afterSeq: number; readonly limit: number; readonly segmentKeys?: readonly string[]; readonly profileId?: ProfileId },
  ): Promise<readonly MembershipChange[]> {
    return this.deps.storage.read.segments.listChanges(workspace, opts);
  }

  private refuseCycles(definitions: readonly SegmentDefinition[], compiled: CompiledRule): void {
    const deps = definitions.map((d) => ({ key: d.key, dependsOn: d.key === definitions.at(-1)?.key ? compiled.dependsOn.segments : segmentsNamed(d.rule) }));
    const ordered = orderSegments(deps);
    if (!ordered.ok) {
      throw new AppError('ERR_SEGMENT_RULE_INVALID', `Segments would read each other in a cycle: ${ordered.cycle.join(' → ')}`, {
        details: [{ field: 'rule', message: `in segment cycle: ${ordered.cycle.join(' → ')}` }],
      });
    }
  }

  private async sampleFor(workspace: WorkspaceId, compiled: CompiledRule, spec: ProfileSpec): Promise<Sample> {
    const tracks = mergeTracks(spec, compiled);
    const tracksKey = tracks.map((t) => `${t.key}@${String(t.retentionMs)}`).join('|');
    const nowMs = this.deps.clock.nowMs();
    const cached = this.samples.get(workspace);
    if (cached !== undefined && cached.tracksKey === tracksKey && nowMs - cached.takenAtMs < this.deps.config.previewSampleTtlMs) return cached;
    const store = this.deps.storage.read;
    await this.deps.flushed();
    const population = await store.profiles.count(workspace);
    const size = this.deps.config.previewSampleSize;
    // Profile ids are hashes, so the ids after a random point are a random sample.
    const start = asProfileId(`prf_${Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0')}`);
    let states = [...(await store.profiles.list(workspace, { afterId: population <= size ? null : start, limit: size }))];
    if (states.length < size && population > states.length) states.push(...(await store.profiles.list(workspace, { afterId: null, limit: size - states.length })));
    const known = new Set(spec.behaviorTracks.map((t) => `${t.key}@${String(t.retentionMs)}`));
    if (tracks.some((t) => !known.has(`${t.key}@${String(t.retentionMs)}`))) {
      // The draft reads events no saved segment tracks: fold the sample's logs with its tracks.
      const sampleSpec = { ...spec, behaviorTracks: tracks };
      const refolded: ProfileState[] = [];
      for (const state of states) refolded.push(foldProfile(state.profileId, await store.events.listForReplay(workspace, state.profileId), sampleSpec));
      states = refolded;
    }
    const sample: Sample = { states, population, takenAtMs: nowMs, tracksKey };
    this.samples.set(workspace, sample);
    return sample;
  }
}

function mergeTracks(spec: ProfileSpec, compiled: CompiledRule): ProfileSpec['behaviorTracks'] {
  const byKey = new Map(spec.behaviorTracks.map((t) => [t.key, t]));
  for (const track of behaviorTracksOf([compiled])) {
    const have = byKey.get(track.key);
    const longer = have === undefined || have.retentionMs === null ? (have ?? track) : track.retentionMs === null || track.retentionMs > have.retentionMs ? track : have;
    byKey.set(track.key, longer);
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Segment keys a stored rule names with in_segment. */
function segmentsNamed(rule: SegmentRule): string[] {
  switch (rule.kind) {
    case 'and':
    case 'or':
      return rule.children.flatMap(segmentsNamed);
    case 'not':
      return segmentsNamed(rule.child);
    case 'in_segment':
      return [rule.segment];
    default:
      return [];
  }
}

/** 95% Wilson score interval of a proportion. */
function wilson(successes: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959964;
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function optionalText(value: unknown, field: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) throw new AppError('ERR_VALIDATION', `Invalid ${field}`, { details: [{ field, message: `must be a string of at most ${max} characters` }] });
  return value;
}

function notFound(key: string): AppError {
  return new AppError('ERR_NOT_FOUND', `Segment "${key}" does not exist`, { details: [{ field: 'key', message: 'no such segment' }] });
}

function managed(definition: SegmentDefinition): AppError {
  const how = definition.kind === 'rfm' ? 'RFM (POST /v1/rfm/fit)' : 'its clustering (/v1/clusterings)';
  return new AppError('ERR_SEGMENT_MANAGED', `Segment "${definition.key}" is managed by ${how}`, { details: [{ field: 'key', message: `a ${definition.kind} segment` }] });
}

import type { ContentVariant, DecisionPlacement } from '../../core/decisions/decision-placement.js';
import { parseDecisionPlacement } from '../../core/decisions/decision-placement.js';
import type { Offer } from '../../core/decisions/offers/offer.js';
import { parseOffer } from '../../core/decisions/offers/offer.js';
import type { FieldError } from '../../core/recs/engine/placement.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Storage } from '../../ports/storage.js';
import type { CompiledTemplate, TemplateRenderer } from '../../ports/template-renderer.js';
import { AppError } from '../app-error.js';
import type { CompiledRule } from '../../core/segments/compiled-rule.js';
import { SENSITIVE_TRAITS } from '../../core/decisions/sensitive-traits.js';
import { toJsonValue } from '../segments/model-support.js';

export const OFFER_KIND = 'offer';
export const DECISION_PLACEMENT_KIND = 'decision-placement';

/** A variant with its templates compiled. */
export interface CompiledVariant {
  readonly variant: ContentVariant;
  readonly subject: CompiledTemplate | null;
  readonly body: CompiledTemplate | null;
  readonly text: CompiledTemplate | null;
}

export interface LoadedPlacement {
  readonly placement: DecisionPlacement;
  readonly variants: readonly CompiledVariant[];
}

interface WorkspaceConfig {
  readonly offers: Map<string, { readonly offer: Offer; readonly source: JsonValue }>;
  readonly placements: Map<string, LoadedPlacement>;
}

/**
 * The offer catalog and the decision placements of each workspace: validated and compiled when
 * saved (rules, templates), stored as the JSON that was sent, held in memory for decide().
 */
export class DecisionConfig {
  private readonly deps: { readonly storage: Storage; readonly clock: Clock; readonly logger: Logger; readonly templates: TemplateRenderer | null };
  private readonly workspaces = new Map<WorkspaceId, WorkspaceConfig>();

  constructor(deps: { readonly storage: Storage; readonly clock: Clock; readonly logger: Logger; readonly templates: TemplateRenderer | null }) {
    this.deps = deps;
  }

  async load(workspace: WorkspaceId): Promise<void> {
    const config: WorkspaceConfig = { offers: new Map(), placements: new Map() };
    this.workspaces.set(workspace, config);
    for (const stored of await this.deps.storage.read.segments.listModels(workspace, OFFER_KIND)) {
      const parsed = parseOffer(stored.id, stored.body);
      if (parsed.ok) config.offers.set(stored.id, { offer: parsed.value, source: stored.body });
      else this.deps.logger.error('stored offer is invalid; not used', { workspace, offer: stored.id });
    }
    for (const stored of await this.deps.storage.read.segments.listModels(workspace, DECISION_PLACEMENT_KIND)) {
      const loaded = this.compilePlacement(stored.id, stored.body);
      if (loaded.ok) config.placements.set(stored.id, loaded.value);
      else this.deps.logger.error('stored decision placement is invalid; not used', { workspace, placement: stored.id });
    }
  }

  offers(workspace: WorkspaceId): readonly Offer[] {
    return [...this.config(workspace).offers.values()].map((o) => o.offer);
  }

  offerSources(workspace: WorkspaceId): readonly { readonly key: string; readonly source: JsonValue }[] {
    return [...this.config(workspace).offers].map(([key, o]) => ({ key, source: o.source })).sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  placement(workspace: WorkspaceId, key: string): LoadedPlacement | null {
    return this.config(workspace).placements.get(key) ?? null;
  }

  placements(workspace: WorkspaceId): readonly LoadedPlacement[] {
    return [...this.config(workspace).placements.values()].sort((a, b) => (a.placement.key < b.placement.key ? -1 : 1));
  }

  async putOffer(workspace: WorkspaceId, key: string, body: unknown): Promise<Offer> {
    const parsed = parseOffer(key, body);
    if (!parsed.ok) throw new AppError('ERR_VALIDATION', 'Invalid offer', { details: parsed.errors });
    refuseSensitive([{ field: 'eligibility', rule: parsed.value.eligibility }]);
    const source = toJsonValue(body);
    await this.save(workspace, OFFER_KIND, key, source);
    this.config(workspace).offers.set(key, { offer: parsed.value, source });
    return parsed.value;
  }

  async putPlacement(workspace: WorkspaceId, key: string, body: unknown): Promise<LoadedPlacement> {
    const loaded = this.compilePlacement(key, body);
    if (!loaded.ok) throw new AppError('ERR_VALIDATION', 'Invalid decision placement', { details: loaded.errors });
    const { placement } = loaded.value;
    refuseSensitive([
      { field: 'eligibility', rule: placement.eligibility },
      ...(placement.content?.variants ?? []).map((v, i) => ({ field: `content.variants[${i}].eligibility`, rule: v.eligibility })),
    ]);
    await this.save(workspace, DECISION_PLACEMENT_KIND, key, toJsonValue(body));
    this.config(workspace).placements.set(key, loaded.value);
    return loaded.value;
  }

  async delete(workspace: WorkspaceId, kind: typeof OFFER_KIND | typeof DECISION_PLACEMENT_KIND, key: string): Promise<boolean> {
    const deleted = await this.deps.storage.uow.run('decisions:config-delete', (stores) => stores.segments.deleteModel(workspace, kind, key));
    if (kind === OFFER_KIND) this.config(workspace).offers.delete(key);
    else this.config(workspace).placements.delete(key);
    return deleted;
  }

  /** Compiles a template source (preview), or throws ERR_VALIDATION with the line and column. */
  compileTemplate(source: string, field: string): CompiledTemplate {
    const errors: FieldError[] = [];
    const compiled = this.compileOne(source, field, errors);
    if (compiled === null) throw new AppError('ERR_VALIDATION', 'Invalid template', { details: errors });
    return compiled;
  }

  private compilePlacement(key: string, body: unknown): { ok: true; value: LoadedPlacement } | { ok: false; errors: readonly FieldError[] } {
    const parsed = parseDecisionPlacement(key, body);
    if (!parsed.ok) return parsed;
    const errors: FieldError[] = [];
    const variants = (parsed.value.content?.variants ?? []).map((variant, i) => {
      const part = (name: 'subject' | 'body' | 'text'): CompiledTemplate | null => {
        const source = variant[name];
        return source === null ? null : this.compileOne(source, `content.variants[${i}].${name}`, errors);
      };
      return { variant, subject: part('subject'), body: part('body'), text: part('text') };
    });
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { placement: parsed.value, variants } };
  }

  private compileOne(source: string, field: string, errors: FieldError[]): CompiledTemplate | null {
    if (this.deps.templates === null) {
      errors.push({ field, message: 'templates need a template renderer, and none is configured' });
      return null;
    }
    const compiled = this.deps.templates.compile(source);
    if ('render' in compiled) return compiled;
    errors.push({ field, message: `${compiled.message} (line ${compiled.line}, column ${compiled.column})` });
    return null;
  }

  private async save(workspace: WorkspaceId, kind: string, id: string, body: JsonValue): Promise<void> {
    const updatedAtMs = this.deps.clock.nowMs();
    await this.deps.storage.uow.run('decisions:config', (stores) => stores.segments.putModel(workspace, { kind, id, body, updatedAtMs }));
  }

  private config(workspace: WorkspaceId): WorkspaceConfig {
    let config = this.workspaces.get(workspace);
    if (config === undefined) {
      config = { offers: new Map(), placements: new Map() };
      this.workspaces.set(workspace, config);
    }
    return config;
  }
}

/**
 * Sensitive traits (SENSITIVE_TRAITS: health, religion, ...) never decide what someone is offered
 * or shown: a rule that reads one is refused when saved.
 */
function refuseSensitive(rules: readonly { readonly field: string; readonly rule: CompiledRule | null }[]): void {
  const details = rules.flatMap(({ field, rule }) =>
    (rule?.dependsOn.traits ?? []).filter((t) => SENSITIVE_TRAITS.has(t.toLowerCase())).map((t) => ({ field, message: `reads the sensitive trait "${t}", which never decides what a customer sees` })),
  );
  if (details.length > 0) throw new AppError('ERR_VALIDATION', 'A rule reads a sensitive trait', { details });
}

import { randomBytes } from 'node:crypto';
import type { NormalizedEvent } from '../../core/events/event.js';
import { banditContext } from '../../core/decisions/bandit-context.js';
import { SENSITIVE_TRAITS } from '../../core/decisions/sensitive-traits.js';
import { choose } from '../../core/decisions/bandit/choose.js';
import type { DecisionOutcome, DecisionRecord, StoredDecision } from '../../core/decisions/decision-record.js';
import type { OfferCandidate } from '../../core/decisions/offer-candidates.js';
import { offerCandidates } from '../../core/decisions/offer-candidates.js';
import type { OfferUsage } from '../../core/decisions/offers/eligibility.js';
import { consentFor } from '../../core/profiles/consent.js';
import { readNumber } from '../../core/profiles/ecommerce-fields.js';
import { evaluateSegment, matchSegment } from '../../core/segments/evaluate-segment.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { JsonObject, JsonValue } from '../../core/shared/json.js';
import { isJsonObject } from '../../core/shared/json.js';
import type { Rng } from '../../core/shared/rng.js';
import { createRng } from '../../core/shared/rng.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Storage } from '../../ports/storage.js';
import type { TemplateData, TemplateRenderer } from '../../ports/template-renderer.js';
import { AppError } from '../app-error.js';
import type { ProfileLookup } from '../profiles/profile-lookup.js';
import type { RecommendationList, RecommendationsApi } from '../recs/recommendation-service.js';
import type { CompiledVariant, LoadedPlacement } from './decision-config.js';
import { DecisionConfig } from './decision-config.js';
import type { Exposure } from './decision-log.js';
import { DecisionLog } from './decision-log.js';
import { BanditLearning } from './bandit-learning.js';
import type { PolicyEvaluation } from './policy-evaluation.js';
import { evaluateLoggedPolicies } from './policy-evaluation.js';
import type { Assignment, ExperimentRegistry } from '../experiments/experiment-registry.js';

/** The recommendation strategies a `segments` experiment arm may use. */
const SEGMENT_ONLY_WEIGHTS = { personal: 0, session: 0, also_bought: 0, also_viewed: 0, content: 0, repeat: 0, segment_popular: 1, popular: 1 } as const;
/** An order without a decision id is credited to the customer's latest decision this recent. */
const ATTRIBUTION_WINDOW_MS = 24 * 3_600_000;
const OUTCOME_EVENTS: ReadonlyMap<string, DecisionOutcome['kind']> = new Map([
  ['Product Clicked', 'click'],
  ['Promotion Clicked', 'click'],
  ['Decision Clicked', 'click'],
  ['Product Added', 'add_to_cart'],
  ['Order Completed', 'order'],
]);

import type { DecideRequest, DecisionPart, DecisionProfile, DecisionView, DecisionsApi } from './decision-api.js';

export type { DecideRequest, DecisionPart, DecisionProfile, DecisionView, DecisionsApi } from './decision-api.js';

export interface DecisionServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly recommendations: RecommendationsApi;
  readonly profileOf: (workspace: WorkspaceId, lookup: ProfileLookup, atMs: EpochMs) => Promise<DecisionProfile | null>;
  /** Compiles content templates (absent: placements with content are refused). */
  readonly templates: TemplateRenderer | null;
  readonly experiments: ExperimentRegistry;
  readonly catalogFacts: (workspace: WorkspaceId, itemId: string) => Promise<{ readonly price: number | null; readonly marginRate: number | null } | null>;
  readonly config: {
    readonly requireConsent: boolean;
    /** A shown decision with no positive outcome after this long counts as reward 0 for its bandits. */
    readonly rewardWindowMs: number;
    readonly logFlushIntervalMs: number;
    /** The `predicted.*` score used as purchase propensity by the discount policy (null: none). */
    readonly propensityModel: string | null;
  };
  /** Seed of the bandits' exploration (tests); default: random per process. */
  readonly seed?: number;
}

/**
 * Decisions: what a customer sees on a placement, in one answer: recommended items, the offer and
 * its discount, the content variant rendered, each with its reason; logged as an exposure with its
 * propensities; outcomes (click, add to cart, order) come back as events and teach the bandits.
 */
export class DecisionService implements DecisionsApi {
  private readonly deps: DecisionServiceDeps;
  readonly configs: DecisionConfig;
  private readonly log: DecisionLog;
  private readonly learning: BanditLearning;
  private readonly rng: Rng;
  private readonly ids = new RandomIds();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(deps: DecisionServiceDeps) {
    this.deps = deps;
    this.configs = new DecisionConfig({ storage: deps.storage, clock: deps.clock, logger: deps.logger, templates: deps.templates });
    this.log = new DecisionLog({ storage: deps.storage, logger: deps.logger, flushIntervalMs: deps.config.logFlushIntervalMs });
    this.rng = createRng(deps.seed ?? randomBytes(4).readUInt32LE(0));
    this.learning = new BanditLearning({ storage: deps.storage, logger: deps.logger, rewardWindowMs: deps.config.rewardWindowMs });
    this.timer = setInterval(() => void this.sweep(), 10_000);
    this.timer.unref();
  }

  async load(workspace: WorkspaceId): Promise<void> {
    await this.configs.load(workspace);
    await this.learning.load(workspace);
  }

  async decide(workspace: WorkspaceId, request: DecideRequest): Promise<DecisionView> {
    const loaded = this.configs.placement(workspace, request.placement);
    if (loaded === null) {
      throw new AppError('ERR_NOT_FOUND', `No decision placement "${request.placement}"`, { details: [{ field: 'placement', message: 'create it with PUT /v1/placements/{key}' }] });
    }
    const { placement } = loaded;
    const atMs = request.context.atMs ?? this.deps.clock.nowMs();
    const id = `dec_${this.ids.next()}`;
    const profile = request.user === null ? null : await this.deps.profileOf(workspace, request.user, atMs);
    let personalized = true;
    let notPersonalizedReason: string | null = null;
    if (profile === null) {
      personalized = false;
      notPersonalizedReason = request.user === null ? 'anonymous request: no profile named' : 'unknown visitor: no profile yet';
    } else {
      const consent = consentFor(profile.state, 'personalization', !this.deps.config.requireConsent);
      if (!consent.granted) {
        personalized = false;
        notPersonalizedReason = consent.source === 'explicit' ? 'the visitor declined personalization' : 'no consent to personalization on record (consent is required)';
      }
    }
    // Fatigue and placement eligibility: the general (fallback) answer instead of the personal one.
    let fallbackReason: string | null = null;
    if (profile !== null && personalized) {
      if (placement.cap !== null) {
        const recent = await this.log.forProfile(workspace, profile.state.profileId, atMs - placement.cap.windowDays * 86_400_000);
        const here = recent.filter((d) => d.placement === placement.key).length;
        if (here >= placement.cap.max) fallbackReason = `frequency cap: ${here} decisions here in the last ${placement.cap.windowDays} days (max ${placement.cap.max})`;
      }
      if (fallbackReason === null && placement.eligibility !== null && !matchSegment(placement.eligibility, profile.input, atMs)) {
        fallbackReason = `not eligible here: ${evaluateSegment(placement.eligibility, profile.input, atMs).reasons.join('; ')}`;
      }
    }
    // Experiments: the arm decides how personal the answer may be (control: not at all; segments:
    // rules only). The unit is the profile, so the arm holds on every call and every server.
    const unit = profile?.state.profileId ?? (request.user === null ? null : `${request.user.kind}:${request.user.value}`);
    const assignment = unit === null ? null : await this.stickyAssignment(workspace, placement.key, unit, profile?.state.profileId ?? null);
    const treatment = assignment === null ? 'personalized' : assignment.kind === 'holdout' ? 'control' : assignment.arm.treatment;
    if (fallbackReason === null && assignment !== null && treatment === 'control') {
      fallbackReason = assignment.kind === 'holdout' ? 'global holdout: never personalized' : `experiment "${assignment.experiment.key}": control arm`;
    }
    const experiment =
      assignment === null
        ? null
        : assignment.kind === 'holdout'
          ? { key: 'holdout', version: 1, arm: 'holdout', treatment: 'control' }
          : { key: assignment.experiment.key, version: assignment.experiment.version, arm: assignment.arm.key, treatment: assignment.arm.treatment };
    const rulesOnly = treatment === 'segments';
    const personal = profile !== null && personalized && fallbackReason === null;
    const features = personal ? profile.input.baseFeatures : null;
    const propensityKey = this.deps.config.propensityModel;
    const propensity = personal && propensityKey !== null ? (profile.input.predicted[propensityKey] ?? null) : null;
    const x = banditContext({ features, device: request.context.device ?? null, propensity });

    const recommendations = await this.recommend(workspace, loaded, request, personalized && treatment !== 'control', atMs, rulesOnly);
    const offerPart = personal && placement.offers !== null ? await this.chooseOffer(workspace, loaded, profile, request, x, propensity, atMs, rulesOnly) : null;
    const noOfferReason =
      placement.offers === null ? null : offerPart === null ? (fallbackReason ?? notPersonalizedReason ?? 'no offer') : offerPart.offer === null ? offerPart.reason : null;
    const offer = offerPart?.offer ?? null;
    const forcedVariant = assignment?.kind === 'arm' && assignment.arm.treatment === 'variant' ? (assignment.arm.variant ?? null) : null;
    const contentPart = placement.content === null ? null : this.chooseContent(workspace, loaded, personal ? profile : null, x, atMs, rulesOnly, forcedVariant);
    const data = this.buildData(personal ? profile : null, recommendations, offer, placement.channel, atMs);
    const content = contentPart === null ? null : this.render(contentPart, data, placement.channel, fallbackReason ?? (personal ? null : notPersonalizedReason));

    const record: DecisionRecord = {
      id,
      profileId: profile?.state.profileId ?? null,
      placement: placement.key,
      channel: placement.channel,
      atMs,
      personalized: personal,
      offerKey: offer?.key ?? null,
      offerPropensity: offer?.propensity ?? null,
      discountPercent: offer?.discountPercent ?? null,
      contentKey: content?.variant ?? null,
      contentPropensity: content?.propensity ?? null,
      items: recommendations?.items.map((i) => i.itemId) ?? [],
      context: {
        x: Array.from(x),
        offerArms: [...(offerPart?.arms ?? [])],
        contentArms: [...(contentPart?.arms ?? [])],
        experiment: experiment === null ? null : { ...experiment },
        page: request.context.page ?? null,
        device: request.context.device ?? null,
      },
    };
    this.log.append(workspace, record);
    const slots = [
      ...(offer !== null && offer.policy === 'bandit' ? [{ slot: `${placement.key}:offers`, arm: offer.key }] : []),
      ...(content !== null && content.policy === 'bandit' ? [{ slot: `${placement.key}:content`, arm: content.variant }] : []),
    ];
    if (slots.length > 0) this.learning.remember(id, { workspace, slots, x, atMs: this.deps.clock.nowMs() });
    return {
      decisionId: id,
      placement: placement.key,
      channel: placement.channel,
      personalized: personal,
      notPersonalizedReason: personal ? null : (fallbackReason ?? notPersonalizedReason),
      recommendations,
      offer,
      noOfferReason,
      content,
      experiment,
      atMs,
    };
  }

  /**
   * The unit's arm: the arm of its earliest exposure in this experiment when it has one (decisions
   * follow identity merges, so a visitor who logs in keeps the arm they saw as a visitor, even when
   * their anonymous profile merges into an older one), else the hash of the unit.
   */
  private async stickyAssignment(workspace: WorkspaceId, placement: string, unit: string, profileId: ProfileId | null): Promise<Assignment> {
    const hashed = this.deps.experiments.assign(workspace, placement, unit);
    if (hashed === null || hashed.kind === 'holdout' || profileId === null) return hashed;
    const { experiment } = hashed;
    const prefix = `${experiment.key}@${experiment.version}:`;
    const seen = (await this.log.forProfile(workspace, profileId, experiment.startedAtMs)).filter((e) => e.experimentArm?.startsWith(prefix) === true);
    const earliest = seen.at(-1)?.experimentArm?.slice(prefix.length);
    const arm = earliest === undefined ? undefined : experiment.arms.find((a) => a.key === earliest);
    return arm === undefined ? hashed : { kind: 'arm', experiment, arm };
  }

  /** Writes the exposures still in memory (results and evaluations read the store). */
  flushLog(): Promise<void> {
    return this.log.flush();
  }

  getDecision(workspace: WorkspaceId, id: string): Promise<StoredDecision | null> {
    return this.log.get(workspace, id);
  }

  /**
   * Called after each ingest commit with the batch's new events: outcomes carrying a decision id
   * (`properties.decision_id`, or `context.decision_id`), and orders without one credited to the
   * customer's latest decision within 24 hours, are recorded once per kind; the first positive
   * outcome rewards the bandits that chose.
   */
  async observe(
    workspace: WorkspaceId,
    touched: { readonly newEvents: ReadonlyMap<ProfileId, readonly NormalizedEvent[]>; readonly replayed: ReadonlySet<ProfileId>; readonly mergedAway: ReadonlySet<ProfileId> },
  ): Promise<void> {
    // A merge moved decisions between profiles (in the ingest transaction): re-read their exposures.
    for (const id of touched.mergedAway) this.log.forget(workspace, id);
    for (const id of touched.replayed) this.log.forget(workspace, id);
    for (const [profileId, events] of touched.newEvents) {
      for (const event of events) {
        const kind = event.type === 'track' && event.event !== null ? OUTCOME_EVENTS.get(event.event) : undefined;
        if (kind === undefined) continue;
        let decisionId = decisionIdOf(event);
        if (decisionId === null && kind === 'order') decisionId = (await this.log.forProfile(workspace, profileId, event.timestampMs - ATTRIBUTION_WINDOW_MS, 1))[0]?.id ?? null;
        if (decisionId === null) continue;
        const decision = await this.log.get(workspace, decisionId);
        if (decision === null || (decision.profileId !== null && decision.profileId !== profileId)) continue;
        const outcome: DecisionOutcome = { kind, atMs: event.timestampMs, value: kind === 'order' ? readNumber(event.properties['revenue'] ?? event.properties['total']) : null, messageId: event.messageId };
        await this.log.flush();
        const recorded = await this.deps.storage.uow.run('decisions:outcome', (stores) => stores.decisions.addOutcome(workspace, decisionId, outcome));
        if (!recorded) continue;
        this.learning.reward(decisionId, kind);
        if (kind === 'order' && decision.offerKey !== null) this.learning.redeemed(workspace, decision.offerKey, outcome.value, decision.discountPercent);
      }
    }
  }

  async putOffer(workspace: WorkspaceId, key: string, body: unknown): Promise<JsonValue> {
    await this.configs.putOffer(workspace, key, body);
    return this.configs.offerSources(workspace).find((o) => o.key === key)?.source ?? null;
  }

  listOffers(workspace: WorkspaceId): readonly { readonly key: string; readonly source: JsonValue }[] {
    return this.configs.offerSources(workspace);
  }

  deleteOffer(workspace: WorkspaceId, key: string): Promise<boolean> {
    return this.configs.delete(workspace, 'offer', key);
  }

  async putPlacement(workspace: WorkspaceId, key: string, body: unknown): Promise<JsonValue> {
    const loaded = await this.configs.putPlacement(workspace, key, body);
    return loaded.placement.source as JsonValue;
  }

  listPlacements(workspace: WorkspaceId): readonly { readonly key: string; readonly source: JsonValue }[] {
    return this.configs.placements(workspace).map((p) => ({ key: p.placement.key, source: p.placement.source as JsonValue }));
  }

  deletePlacement(workspace: WorkspaceId, key: string): Promise<boolean> {
    return this.configs.delete(workspace, 'decision-placement', key);
  }

  async preview(workspace: WorkspaceId, input: { readonly template: string; readonly user: ProfileLookup | null; readonly escape: 'html' | 'none' }): Promise<string> {
    const template = this.configs.compileTemplate(input.template, 'template');
    const atMs = this.deps.clock.nowMs();
    const found = input.user === null ? null : await this.templateData(workspace, input.user, { recommendations: null, channel: 'web', atMs });
    const data = found?.consented === true ? found.data : this.buildData(null, null, null, 'web', atMs);
    return renderSafely(template, data, input.escape);
  }

  async templateData(
    workspace: WorkspaceId,
    user: ProfileLookup,
    extra: { readonly recommendations: RecommendationList | null; readonly channel: string; readonly atMs: EpochMs },
  ): Promise<{ readonly data: TemplateData; readonly consented: boolean } | null> {
    const profile = await this.deps.profileOf(workspace, user, extra.atMs);
    if (profile === null) return null;
    const consented = consentFor(profile.state, 'personalization', !this.deps.config.requireConsent).granted;
    return { data: this.buildData(consented ? profile : null, extra.recommendations, null, extra.channel, extra.atMs), consented };
  }

  campaign(
    workspace: WorkspaceId,
    templates: { readonly subject: string | null; readonly body: string | null; readonly text: string | null },
    options: { readonly channel: string; readonly purpose: string; readonly recommendations: number; readonly atMs: EpochMs },
  ): ReturnType<DecisionsApi['campaign']> {
    const compiled = {
      subject: templates.subject === null ? null : this.configs.compileTemplate(templates.subject, 'subject'),
      body: templates.body === null ? null : this.configs.compileTemplate(templates.body, 'body'),
      text: templates.text === null ? null : this.configs.compileTemplate(templates.text, 'text'),
    };
    if (compiled.subject === null && compiled.body === null && compiled.text === null) {
      throw new AppError('ERR_VALIDATION', 'A campaign needs a subject, body or text template', { details: [{ field: 'template', message: 'give at least one' }] });
    }
    const html = options.channel === 'web' || options.channel === 'email';
    return async (user) => {
      const profile = await this.deps.profileOf(workspace, user, options.atMs);
      if (profile === null) return { skipped: 'no profile' };
      const consent = consentFor(profile.state, options.purpose, !this.deps.config.requireConsent);
      if (!consent.granted) return { skipped: consent.source === 'explicit' ? `declined ${options.purpose}` : `no consent to ${options.purpose} on record` };
      let recommendations: RecommendationList | null = null;
      if (options.recommendations > 0) {
        try {
          recommendations = await this.deps.recommendations.forUser(workspace, user, { count: options.recommendations, atMs: options.atMs });
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'ERR_RECS_NOT_TRAINED')) throw error;
        }
      }
      const personal = consentFor(profile.state, 'personalization', !this.deps.config.requireConsent).granted;
      const data = this.buildData(personal ? profile : null, recommendations, null, options.channel, options.atMs);
      return {
        rendered: {
          subject: compiled.subject === null ? null : renderSafely(compiled.subject, data, 'none'),
          body: compiled.body === null ? null : renderSafely(compiled.body, data, html ? 'html' : 'none'),
          text: compiled.text === null ? null : renderSafely(compiled.text, data, 'none'),
        },
      };
    };
  }

  async evaluatePolicies(workspace: WorkspaceId, placement: string, slot: 'offers' | 'content'): Promise<PolicyEvaluation> {
    await this.log.flush();
    const cutoffMs = this.deps.clock.nowMs() - this.deps.config.rewardWindowMs;
    return evaluateLoggedPolicies(this.deps.storage, workspace, placement, slot, this.learning.state(workspace, `${placement}:${slot}`), cutoffMs);
  }

  banditReport(workspace: WorkspaceId, placement: string): ReturnType<DecisionsApi['banditReport']> {
    return this.learning.report(workspace, placement);
  }

  /** Decisions past the reward window count as no reward; the bandits and budgets are saved. */
  async sweep(nowMs = this.deps.clock.nowMs()): Promise<void> {
    await this.learning.sweep(nowMs);
  }

  /** Writes the exposure buffer and the bandits (on close, and periodically). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.log.close();
    await this.learning.save(this.deps.clock.nowMs());
  }

  private async recommend(
    workspace: WorkspaceId,
    loaded: LoadedPlacement,
    request: DecideRequest,
    personalized: boolean,
    atMs: number,
    rulesOnly = false,
  ): Promise<(RecommendationList & DecisionPart) | null> {
    const recs = loaded.placement.recommendations;
    if (recs === null) return null;
    // A segments arm: popularity in the customer's segments and overall, no one-to-one strategies.
    const query = { placement: recs.placement ?? undefined, count: recs.count, atMs, weights: rulesOnly ? SEGMENT_ONLY_WEIGHTS : undefined };
    const user = personalized ? request.user : null;
    try {
      const list =
        request.context.itemId !== undefined
          ? await this.deps.recommendations.forItem(workspace, request.context.itemId, user, query)
          : await this.deps.recommendations.forUser(workspace, user ?? { kind: 'anonymous_id', value: '\u0000nobody' }, query);
      return { ...list, reason: `recommender version ${list.modelVersion}, placement "${list.placement}"${list.personalized ? '' : ` (not personalized: ${list.notPersonalizedReason ?? 'no profile'})`}` };
    } catch (error) {
      if (error instanceof AppError && (error.code === 'ERR_RECS_NOT_TRAINED' || error.code === 'ERR_NOT_FOUND')) return null;
      throw error;
    }
  }

  private async chooseOffer(
    workspace: WorkspaceId,
    loaded: LoadedPlacement,
    profile: DecisionProfile,
    request: DecideRequest,
    x: Float64Array,
    propensity: number | null,
    atMs: number,
    rulesOnly = false,
  ): Promise<{ readonly offer: NonNullable<DecisionView['offer']> | null; readonly reason: string; readonly arms?: readonly string[] }> {
    const spec = loaded.placement.offers;
    if (spec === null) return { offer: null, reason: 'this placement shows no offers' };
    const all = this.configs.offers(workspace).filter((o) => spec.keys === null || spec.keys.includes(o.key));
    if (all.length === 0) return { offer: null, reason: 'no offer is configured for this placement' };
    const usage = await this.usage(workspace, profile.state.profileId, loaded.placement.key, all.map((o) => o.key), atMs);
    const facts = request.context.itemId === undefined ? null : await this.deps.catalogFacts(workspace, request.context.itemId);
    const features = profile.input.baseFeatures;
    const { candidates, excluded } = offerCandidates({
      offers: all,
      profile: profile.input,
      features,
      propensity,
      populationDiscountRate: 0.2,
      highValue: features.monetary > 0 && (features.frequency >= 5 || features.monetary >= 1_000),
      usage,
      price: request.context.basketValue ?? facts?.price ?? null,
      marginRate: facts?.marginRate ?? null,
      nowMs: atMs,
    });
    if (candidates.length === 0) return { offer: null, reason: excluded.map((e) => `${e.key}: ${e.reason}`).join('; ') || 'no eligible offer' };
    let chosen: OfferCandidate;
    let propensityOfChoice = 1;
    let policy = 'priority';
    const useBandit = spec.policy === 'bandit' && candidates.length > 1 && !rulesOnly;
    if (useBandit) {
      const choice = choose(this.learning.bandit(workspace, `${loaded.placement.key}:offers`), candidates.map((c) => c.offer.key), x, this.rng);
      chosen = candidates.find((c) => c.offer.key === choice.arm) as OfferCandidate;
      propensityOfChoice = choice.propensity;
      policy = `bandit (LinUCB, ${choice.reason})`;
    } else chosen = candidates[0] as OfferCandidate;
    return {
      arms: candidates.map((c) => c.offer.key),
      offer: {
        key: chosen.offer.key,
        name: chosen.offer.name,
        kind: chosen.offer.kind,
        discountPercent: chosen.discountPercent,
        discountValue: chosen.discountValue,
        headline: chosen.offer.message.headline,
        policy: useBandit ? 'bandit' : 'priority',
        propensity: round(propensityOfChoice),
        reason: `${chosen.reason}; chosen by ${policy} among ${candidates.length} eligible offer${candidates.length === 1 ? '' : 's'}`,
      },
      reason: '',
    };
  }

  private chooseContent(
    workspace: WorkspaceId,
    loaded: LoadedPlacement,
    profile: DecisionProfile | null,
    x: Float64Array,
    atMs: number,
    rulesOnly = false,
    forcedVariant: string | null = null,
  ): { variant: CompiledVariant; policy: string; propensity: number; reason: string; arms?: readonly string[] } | null {
    const { placement, variants } = loaded;
    const spec = placement.content;
    if (spec === null || variants.length === 0) return null;
    const forced = forcedVariant === null ? undefined : variants.find((v) => v.variant.key === forcedVariant);
    if (forced !== undefined) return { variant: forced, policy: 'experiment', propensity: 1, reason: `the experiment arm shows variant "${forcedVariant}"` };
    const fallback = variants.find((v) => v.variant.key === placement.fallbackVariant) ?? (variants[0] as CompiledVariant);
    if (profile === null) return { variant: fallback, policy: 'fallback', propensity: 1, reason: 'the general variant' };
    const eligible = variants.filter((v) => v.variant.eligibility === null || matchSegment(v.variant.eligibility, profile.input, atMs));
    if (eligible.length === 0) return { variant: fallback, policy: 'fallback', propensity: 1, reason: 'no variant is for this customer: the general one' };
    if (spec.policy === 'priority' || eligible.length === 1 || rulesOnly) {
      const first = eligible[0] as CompiledVariant;
      return { variant: first, policy: 'priority', propensity: 1, reason: first.variant.eligibility === null ? 'the first variant' : `eligible: ${first.variant.eligibility.text}` };
    }
    const choice = choose(this.learning.bandit(workspace, `${placement.key}:content`), eligible.map((v) => v.variant.key), x, this.rng);
    const variant = eligible.find((v) => v.variant.key === choice.arm) as CompiledVariant;
    return { variant, policy: 'bandit', propensity: round(choice.propensity), reason: `chosen by bandit (LinUCB, ${choice.reason}) among ${eligible.length} variants`, arms: eligible.map((v) => v.variant.key) };
  }

  private render(part: { variant: CompiledVariant; policy: string; propensity: number; reason: string }, data: TemplateData, channel: string, note: string | null): NonNullable<DecisionView['content']> {
    const html = channel === 'web' || channel === 'email';
    const { variant } = part;
    return {
      variant: variant.variant.key,
      subject: variant.subject === null ? null : renderSafely(variant.subject, data, 'none'),
      body: variant.body === null ? null : renderSafely(variant.body, data, html ? 'html' : 'none'),
      text: variant.text === null ? null : renderSafely(variant.text, data, 'none'),
      policy: part.policy,
      propensity: part.propensity,
      reason: note === null ? part.reason : `${part.reason} (${note})`,
    };
  }

  /** What templates may read; without a personal answer, no profile data at all. */
  private buildData(profile: DecisionProfile | null, recommendations: RecommendationList | null, offer: DecisionView['offer'], channel: string, atMs: number): TemplateData {
    const items = (recommendations?.items ?? []).map((i) => ({ itemId: i.itemId, name: i.name, price: i.price, category: i.category }));
    const offerData: JsonValue = offer === null ? null : { key: offer.key, name: offer.name, discountPercent: offer.discountPercent, headline: offer.headline, kind: offer.kind };
    const base: JsonObject = { recommendations: items, offer: offerData, channel, now: new Date(atMs).toISOString() };
    if (profile === null) return { ...base, traits: {}, features: {}, segments: [], predicted: {} };
    const traits: Record<string, JsonValue> = {};
    for (const [name, entry] of Object.entries(profile.state.traits)) if (!SENSITIVE_TRAITS.has(name.toLowerCase())) traits[name] = entry.value;
    const f = profile.input.baseFeatures;
    const features: JsonObject = {
      buyingStage: f.buyingStage.stage,
      frequency: f.frequency,
      monetary: f.monetary,
      recencyDays: f.recencyDays,
      topCategory: f.topCategory,
      cartItemCount: f.cartItemCount,
    };
    return { ...base, traits, features, segments: [...profile.segments], predicted: { ...profile.input.predicted } };
  }

  /** Exposures of each offer to this customer (and here) within its cap windows; budgets from the log's outcomes. */
  private async usage(workspace: WorkspaceId, profileId: ProfileId, placement: string, keys: readonly string[], atMs: number): Promise<Map<string, OfferUsage>> {
    const offers = this.configs.offers(workspace);
    const longest = Math.max(1, ...offers.flatMap((o) => [o.caps.perCustomer?.windowDays ?? 0, o.caps.perPlacement?.windowDays ?? 0]));
    const recent = await this.log.forProfile(workspace, profileId, atMs - longest * 86_400_000);
    const out = new Map<string, OfferUsage>();
    for (const offer of offers) {
      if (!keys.includes(offer.key)) continue;
      const within = (days: number | undefined) => (d: Exposure) => d.offerKey === offer.key && d.atMs >= atMs - (days ?? 0) * 86_400_000;
      out.set(offer.key, {
        exposuresForCustomer: recent.filter(within(offer.caps.perCustomer?.windowDays)).length,
        exposuresForPlacement: recent.filter((d) => d.placement === placement).filter(within(offer.caps.perPlacement?.windowDays)).length,
        discountSpent: this.learning.budget(workspace, offer.key).spent,
        redemptions: this.learning.budget(workspace, offer.key).redemptions,
      });
    }
    return out;
  }


}

function decisionIdOf(event: NormalizedEvent): string | null {
  const fromProperties = event.properties['decision_id'];
  if (typeof fromProperties === 'string' && fromProperties.startsWith('dec_')) return fromProperties;
  const fromContext = event.context['decision_id'];
  if (typeof fromContext === 'string' && fromContext.startsWith('dec_')) return fromContext;
  const attune = event.context['attune'];
  if (isJsonObject(attune) && typeof attune['decision_id'] === 'string') return attune['decision_id'];
  return null;
}

function renderSafely(template: { render(data: TemplateData, opts?: { escape: 'html' | 'none' }): string }, data: TemplateData, escape: 'html' | 'none'): string {
  try {
    return template.render(data, { escape });
  } catch (error) {
    throw new AppError('ERR_VALIDATION', `The template could not be rendered: ${error instanceof Error ? error.message : String(error)}`, { details: [{ field: 'template', message: 'simplify it (a limit was hit) or fix it' }] });
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/**
 * 22 url-safe random characters (128 bits) per decision id, cut from a pooled buffer filled 4 KiB
 * at a time: one system call per 256 ids instead of one per id.
 */
class RandomIds {
  private pool = Buffer.alloc(0);
  private at = 0;

  next(): string {
    if (this.at + 16 > this.pool.length) {
      this.pool = randomBytes(4_096);
      this.at = 0;
    }
    const id = this.pool.subarray(this.at, this.at + 16).toString('base64url').slice(0, 22);
    this.at += 16;
    return id;
  }
}

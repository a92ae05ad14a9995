import type { FieldError } from '../recs/engine/placement.js';
import type { CompiledRule } from '../segments/compiled-rule.js';
import type { RuleSchema } from '../segments/rule-schema.js';
import { DEFAULT_RULE_SCHEMA } from '../segments/rule-schema.js';
import { parseRule } from './parse-rule.js';
import { MAX_FREQUENCY_CAP } from './offers/offer.js';

/**
 * Where a decision is shown (home hero, product page, cart, e-mail, push, chatbot reply) and what
 * it may use there: recommendations (through a recommendation placement), offers (which, chosen
 * how), content variants (Liquid templates, chosen how), who gets the personal answer, and how
 * often a customer may be shown it.
 */
export const CHANNELS = ['web', 'email', 'app', 'push', 'chatbot'] as const;
export type Channel = (typeof CHANNELS)[number];
export const POLICIES = ['bandit', 'priority'] as const;
export type SelectionPolicy = (typeof POLICIES)[number];

export interface ContentVariant {
  readonly key: string;
  /** Liquid sources per part; at least one. `subject` and `text` render as plain text, `body` as HTML on web and e-mail. */
  readonly subject: string | null;
  readonly body: string | null;
  readonly text: string | null;
  /** Who may get this variant (null: everyone). */
  readonly eligibility: CompiledRule | null;
}

export interface DecisionPlacement {
  readonly key: string;
  readonly channel: Channel;
  /** Recommended items, through this recommendation placement's rules (null: no items here). */
  readonly recommendations: { readonly placement: string | null; readonly count: number } | null;
  /** Offers this placement may show (null keys: every offer), chosen by the bandit or by priority. */
  readonly offers: { readonly keys: readonly string[] | null; readonly policy: SelectionPolicy } | null;
  readonly content: { readonly variants: readonly ContentVariant[]; readonly policy: SelectionPolicy } | null;
  /** Who gets the personal answer here (null: everyone with consent); others get the fallback. */
  readonly eligibility: CompiledRule | null;
  /** At most `max` decisions per customer in `windowDays` here; beyond it, the fallback. */
  readonly cap: { readonly max: number; readonly windowDays: number } | null;
  /** The variant shown to everyone the personal answer is not for (null: the first variant). */
  readonly fallbackVariant: string | null;
  /** The stored input, so the placement reads back as it was written. */
  readonly source: Readonly<Record<string, unknown>>;
}

const KEY = /^[a-z][a-z0-9_-]{0,39}$/;
const MAX_TEMPLATE = 20_000;
const MAX_VARIANTS = 20;

/** Validates a placement from the API; every problem is reported with its field. Templates are compiled by the caller. */
export function parseDecisionPlacement(
  key: string,
  raw: unknown,
  schema: RuleSchema = DEFAULT_RULE_SCHEMA,
): { readonly ok: true; readonly value: DecisionPlacement } | { readonly ok: false; readonly errors: readonly FieldError[] } {
  const errors: FieldError[] = [];
  if (!KEY.test(key)) errors.push({ field: 'key', message: 'use 1 to 40 lowercase letters, digits, _ or -, starting with a letter' });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [...errors, { field: '(body)', message: 'a JSON object' }] };
  const body = raw as Record<string, unknown>;
  const known = ['channel', 'recommendations', 'offers', 'content', 'eligibility', 'cap', 'fallbackVariant'];
  for (const field of Object.keys(body)) if (!known.includes(field)) errors.push({ field, message: `unknown field; fields: ${known.join(', ')}` });

  const channel = body['channel'] ?? 'web';
  if (typeof channel !== 'string' || !(CHANNELS as readonly string[]).includes(channel)) errors.push({ field: 'channel', message: `one of ${CHANNELS.join(', ')}` });

  let recommendations: DecisionPlacement['recommendations'] = null;
  const recs = body['recommendations'];
  if (recs !== undefined && recs !== null) {
    const r = asObject(recs, 'recommendations', errors);
    if (r !== null) {
      const placement = r['placement'] ?? null;
      if (placement !== null && typeof placement !== 'string') errors.push({ field: 'recommendations.placement', message: 'a recommendation placement key' });
      const count = r['count'] ?? 4;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 50) errors.push({ field: 'recommendations.count', message: 'an integer from 1 to 50' });
      recommendations = { placement: typeof placement === 'string' ? placement : null, count: typeof count === 'number' ? count : 4 };
    }
  }

  let offers: DecisionPlacement['offers'] = null;
  if (body['offers'] !== undefined && body['offers'] !== null) {
    const o = asObject(body['offers'], 'offers', errors);
    if (o !== null) {
      const keys = o['keys'] ?? null;
      if (keys !== null && !(Array.isArray(keys) && keys.length <= 100 && keys.every((k) => typeof k === 'string' && KEY.test(k)))) {
        errors.push({ field: 'offers.keys', message: 'a list of offer keys (null: every offer)' });
      }
      const policy = parsePolicy(o['policy'], 'offers.policy', errors);
      offers = { keys: Array.isArray(keys) ? (keys as string[]) : null, policy };
    }
  }

  let content: DecisionPlacement['content'] = null;
  if (body['content'] !== undefined && body['content'] !== null) {
    const c = asObject(body['content'], 'content', errors);
    if (c !== null) {
      const variants: ContentVariant[] = [];
      const list = c['variants'];
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_VARIANTS) errors.push({ field: 'content.variants', message: `a list of 1 to ${MAX_VARIANTS} variants` });
      else {
        list.forEach((v, i) => {
          const variant = parseVariant(v, `content.variants[${i}]`, schema, errors);
          if (variant !== null) {
            if (variants.some((w) => w.key === variant.key)) errors.push({ field: `content.variants[${i}].key`, message: 'used twice' });
            variants.push(variant);
          }
        });
      }
      content = { variants, policy: parsePolicy(c['policy'], 'content.policy', errors) };
    }
  }

  const eligibility = parseRule(body['eligibility'], 'eligibility', schema, errors);
  let cap: DecisionPlacement['cap'] = null;
  if (body['cap'] !== undefined && body['cap'] !== null) {
    const c = asObject(body['cap'], 'cap', errors);
    if (c !== null) {
      const max = c['max'];
      const windowDays = c['windowDays'];
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_FREQUENCY_CAP) errors.push({ field: 'cap.max', message: `an integer from 1 to ${MAX_FREQUENCY_CAP}` });
      if (typeof windowDays !== 'number' || !(windowDays > 0 && windowDays <= 365)) errors.push({ field: 'cap.windowDays', message: 'a number of days from 0 (exclusive) to 365' });
      if (typeof max === 'number' && typeof windowDays === 'number') cap = { max, windowDays };
    }
  }
  const fallbackVariant = body['fallbackVariant'] ?? null;
  if (fallbackVariant !== null && (typeof fallbackVariant !== 'string' || !content?.variants.some((v) => v.key === fallbackVariant))) {
    errors.push({ field: 'fallbackVariant', message: 'the key of one of content.variants' });
  }
  if (recommendations === null && offers === null && content === null) errors.push({ field: '(body)', message: 'a placement needs recommendations, offers or content' });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      key,
      channel: channel as Channel,
      recommendations,
      offers,
      content,
      eligibility,
      cap,
      fallbackVariant: typeof fallbackVariant === 'string' ? fallbackVariant : null,
      source: body,
    },
  };
}

function parseVariant(raw: unknown, field: string, schema: RuleSchema, errors: FieldError[]): ContentVariant | null {
  const v = asObject(raw, field, errors);
  if (v === null) return null;
  for (const name of Object.keys(v)) if (!['key', 'subject', 'body', 'text', 'eligibility'].includes(name)) errors.push({ field: `${field}.${name}`, message: 'unknown field; fields: key, subject, body, text, eligibility' });
  const key = v['key'];
  if (typeof key !== 'string' || !KEY.test(key)) errors.push({ field: `${field}.key`, message: 'a variant key (lowercase letters, digits, _ or -)' });
  const part = (name: 'subject' | 'body' | 'text'): string | null => {
    const value = v[name] ?? null;
    if (value === null) return null;
    if (typeof value !== 'string' || value.length > MAX_TEMPLATE) {
      errors.push({ field: `${field}.${name}`, message: `a Liquid template of at most ${MAX_TEMPLATE} characters` });
      return null;
    }
    return value;
  };
  const subject = part('subject');
  const body = part('body');
  const text = part('text');
  if (subject === null && body === null && text === null) errors.push({ field, message: 'a variant needs subject, body or text' });
  const eligibility = parseRule(v['eligibility'], `${field}.eligibility`, schema, errors);
  return typeof key === 'string' ? { key, subject, body, text, eligibility } : null;
}

function parsePolicy(raw: unknown, field: string, errors: FieldError[]): SelectionPolicy {
  if (raw === undefined || raw === null) return 'bandit';
  if (typeof raw !== 'string' || !(POLICIES as readonly string[]).includes(raw)) errors.push({ field, message: `one of ${POLICIES.join(', ')}` });
  return raw === 'priority' ? 'priority' : 'bandit';
}

function asObject(raw: unknown, field: string, errors: FieldError[]): Record<string, unknown> | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push({ field, message: 'an object' });
    return null;
  }
  return raw as Record<string, unknown>;
}

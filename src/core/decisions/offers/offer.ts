import type { BuyingStageName } from '../../features/buying-stage.js';
import { BUYING_STAGES } from '../../features/buying-stage.js';
import type { FieldError } from '../../recs/engine/placement.js';
import type { CompiledRule } from '../../segments/compiled-rule.js';
import { parseRule } from '../parse-rule.js';
import type { RuleSchema } from '../../segments/rule-schema.js';
import { DEFAULT_RULE_SCHEMA } from '../../segments/rule-schema.js';
import type { EpochMs } from '../../shared/time.js';

export type { FieldError } from '../../recs/engine/placement.js';

/**
 * What an offer gives:
 * - percent_off: a percentage of the price, chosen per customer between minPercent and maxPercent;
 * - amount_off: a fixed amount in the shop's currency;
 * - free_shipping: no price change here (its cost is not known to the core, so no margin check);
 * - content_only: a message without a discount.
 */
/** The largest frequency cap: exposures are counted among a customer's latest 200. */
export const MAX_FREQUENCY_CAP = 200;

export const OFFER_KINDS = ['percent_off', 'amount_off', 'free_shipping', 'content_only'] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

/** At most `max` exposures in the last `windowDays` (the caller counts them). */
export interface OfferCap {
  readonly max: number;
  readonly windowDays: number;
}

export interface OfferBudget {
  /** The most discount value (currency) the offer may give in total; null: no limit. */
  readonly maxDiscountValue: number | null;
  /** The most redemptions in total; null: no limit. */
  readonly maxRedemptions: number | null;
}

export interface OfferMessage {
  /** A template name or the text itself; rendering happens elsewhere. */
  readonly headline: string | null;
  readonly body: string | null;
}

/** One entry of the offer catalog, validated by parseOffer. Percents are 0..100, rates 0..1. */
export interface Offer {
  readonly key: string;
  readonly name: string;
  readonly kind: OfferKind;
  /** percent_off only (0 for the other kinds): the bounds a proposed discount is clamped to. */
  readonly minPercent: number;
  readonly maxPercent: number;
  /** amount_off only (null for the other kinds). */
  readonly amount: number | null;
  /**
   * Minimum gross margin left after the discount, as a fraction of the discounted price (0.15 =
   * 15%); null: no floor. Needs the item's or basket's margin rate (see defaultMarginRate).
   */
  readonly marginFloor: number | null;
  /** The margin rate assumed when the item's is unknown; null: refuse to discount then. */
  readonly defaultMarginRate: number | null;
  readonly budget: OfferBudget | null;
  /** Active from startsAtMs (inclusive) to endsAtMs (exclusive); null: open-ended. */
  readonly startsAtMs: EpochMs | null;
  readonly endsAtMs: EpochMs | null;
  /** Who may get it: a segment rule, compiled once; null: everyone. */
  readonly eligibility: CompiledRule | null;
  /** The buying stages it may be shown in (all by default). */
  readonly stages: readonly BuyingStageName[];
  readonly caps: {
    readonly perCustomer: OfferCap | null;
    readonly perPlacement: OfferCap | null;
  };
  /** Higher first when several offers are eligible. */
  readonly priority: number;
  readonly message: OfferMessage;
}

export type ParseOfferResult = { readonly ok: true; readonly value: Offer } | { readonly ok: false; readonly errors: readonly FieldError[] };

export interface ParseOfferOptions {
  /** The features an eligibility rule may read (DEFAULT_RULE_SCHEMA unless given). */
  readonly schema?: RuleSchema;
}

const OFFER_KEY = /^[a-z][a-z0-9_-]{0,63}$/;
const MAX_TEXT = 2_000;
const MAX_NAME = 200;
const MAX_MONEY = 1e12;
const MAX_WINDOW_DAYS = 3_660;
const MAX_PRIORITY = 1_000;
const FIELDS = [
  'key',
  'name',
  'kind',
  'minPercent',
  'maxPercent',
  'amount',
  'marginFloor',
  'defaultMarginRate',
  'budget',
  'startsAt',
  'endsAt',
  'eligibility',
  'stages',
  'caps',
  'priority',
  'message',
] as const;

/**
 * Validates an offer from the API; every problem is reported with its field (nested fields as
 * `caps.perCustomer.max`, rule problems as `eligibility` or `eligibility.<json path>`).
 * `eligibility` is a segment rule in the text form (a string) or the JSON form (an object).
 */
export function parseOffer(key: string, raw: unknown, options: ParseOfferOptions = {}): ParseOfferResult {
  const errors: FieldError[] = [];
  if (!OFFER_KEY.test(key)) errors.push({ field: 'key', message: 'use 1 to 64 lowercase letters, digits, _ or -, starting with a letter' });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [...errors, { field: '(body)', message: 'a JSON object' }] };
  const body = raw as Record<string, unknown>;
  for (const field of Object.keys(body)) if (!(FIELDS as readonly string[]).includes(field)) errors.push({ field, message: `unknown field; fields: ${FIELDS.join(', ')}` });
  if (body['key'] !== undefined && body['key'] !== key) errors.push({ field: 'key', message: `differs from the key in the path (${JSON.stringify(key)})` });

  const name = text(body, 'name', MAX_NAME, errors, true) ?? key;
  const kindRaw = body['kind'];
  let kind: OfferKind = 'content_only';
  if (typeof kindRaw !== 'string' || !(OFFER_KINDS as readonly string[]).includes(kindRaw)) errors.push({ field: 'kind', message: `one of ${OFFER_KINDS.join(', ')}` });
  else kind = kindRaw as OfferKind;
  const kindKnown = errors.every((e) => e.field !== 'kind');

  let minPercent = 0;
  let maxPercent = 0;
  let amount: number | null = null;
  if (kind === 'percent_off') {
    const max = number(body, 'maxPercent', { min: 0, max: 100, required: true, exclusiveMin: true }, errors);
    const min = number(body, 'minPercent', { min: 0, max: 100 }, errors) ?? 0;
    if (max !== null) {
      maxPercent = max;
      minPercent = min;
      if (min > max) errors.push({ field: 'minPercent', message: `greater than maxPercent (${max})` });
    }
  } else if (kindKnown) {
    for (const field of ['minPercent', 'maxPercent'] as const) if (body[field] !== undefined) errors.push({ field, message: 'only for kind percent_off' });
  }
  if (kind === 'amount_off') amount = number(body, 'amount', { min: 0, max: MAX_MONEY, required: true, exclusiveMin: true }, errors);
  else if (kindKnown && body['amount'] !== undefined) errors.push({ field: 'amount', message: 'only for kind amount_off' });

  const marginFloor = number(body, 'marginFloor', { min: 0, max: 1, exclusiveMax: true }, errors);
  const defaultMarginRate = number(body, 'defaultMarginRate', { min: 0, max: 1 }, errors);
  const budget = parseBudget(body['budget'], errors);

  const startsAtMs = instant(body, 'startsAt', errors);
  const endsAtMs = instant(body, 'endsAt', errors);
  if (startsAtMs !== null && endsAtMs !== null && endsAtMs <= startsAtMs) errors.push({ field: 'endsAt', message: 'must be after startsAt' });

  const eligibility = parseRule(body['eligibility'], 'eligibility', options.schema ?? DEFAULT_RULE_SCHEMA, errors);
  const stages = parseStages(body['stages'], errors);
  const caps = parseCaps(body['caps'], errors);
  const priority = number(body, 'priority', { min: -MAX_PRIORITY, max: MAX_PRIORITY, integer: true }, errors) ?? 0;
  const message = parseMessage(body['message'], errors);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { key, name, kind, minPercent, maxPercent, amount, marginFloor, defaultMarginRate, budget, startsAtMs, endsAtMs, eligibility, stages, caps, priority, message },
  };
}

interface NumberSpec {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  readonly required?: boolean;
  readonly exclusiveMin?: boolean;
  readonly exclusiveMax?: boolean;
}

function number(obj: Readonly<Record<string, unknown>>, name: string, spec: NumberSpec, errors: FieldError[], prefix = ''): number | null {
  const v = obj[name];
  const field = prefix + name;
  if (v === undefined || v === null) {
    if (spec.required === true) errors.push({ field, message: `required: ${describe(spec)}` });
    return null;
  }
  const bad =
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    (spec.integer === true && !Number.isInteger(v)) ||
    (spec.exclusiveMin === true ? v <= spec.min : v < spec.min) ||
    (spec.exclusiveMax === true ? v >= spec.max : v > spec.max);
  if (bad) {
    errors.push({ field, message: describe(spec) });
    return null;
  }
  return v;
}

function describe(spec: NumberSpec): string {
  const lower = spec.exclusiveMin === true ? `greater than ${spec.min}` : `from ${spec.min}`;
  const upper = spec.exclusiveMax === true ? `below ${spec.max}` : `${spec.exclusiveMin === true ? 'up ' : ''}to ${spec.max}`;
  return `${spec.integer === true ? 'an integer' : 'a number'} ${lower} ${upper}`;
}

function text(obj: Readonly<Record<string, unknown>>, name: string, maxLength: number, errors: FieldError[], required = false, prefix = ''): string | null {
  const v = obj[name];
  const field = prefix + name;
  if (v === undefined || v === null) {
    if (required) errors.push({ field, message: `required: a non-empty string of at most ${maxLength} characters` });
    return null;
  }
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > maxLength) {
    errors.push({ field, message: `a non-empty string of at most ${maxLength} characters` });
    return null;
  }
  return v;
}

function instant(obj: Readonly<Record<string, unknown>>, name: string, errors: FieldError[]): EpochMs | null {
  const v = obj[name];
  if (v === undefined || v === null) return null;
  // ISO 8601 with a date and a time and an explicit zone, so the instant does not depend on where it is parsed.
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v))) {
    errors.push({ field: name, message: 'an ISO 8601 instant with a zone, e.g. 2024-06-01T00:00:00Z' });
    return null;
  }
  return Date.parse(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownFields(obj: Readonly<Record<string, unknown>>, known: readonly string[], prefix: string, errors: FieldError[]): void {
  for (const field of Object.keys(obj)) if (!known.includes(field)) errors.push({ field: `${prefix}${field}`, message: `unknown field; fields: ${known.join(', ')}` });
}

function parseBudget(raw: unknown, errors: FieldError[]): OfferBudget | null {
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) {
    errors.push({ field: 'budget', message: 'an object: { maxDiscountValue?, maxRedemptions? }' });
    return null;
  }
  unknownFields(raw, ['maxDiscountValue', 'maxRedemptions'], 'budget.', errors);
  const maxDiscountValue = number(raw, 'maxDiscountValue', { min: 0, max: MAX_MONEY }, errors, 'budget.');
  const maxRedemptions = number(raw, 'maxRedemptions', { min: 0, max: MAX_MONEY, integer: true }, errors, 'budget.');
  if (maxDiscountValue === null && maxRedemptions === null) return null;
  return { maxDiscountValue, maxRedemptions };
}

function parseStages(raw: unknown, errors: FieldError[]): readonly BuyingStageName[] {
  if (raw === undefined || raw === null) return BUYING_STAGES;
  if (!Array.isArray(raw) || raw.length === 0) {
    errors.push({ field: 'stages', message: `a non-empty list of buying stages: ${BUYING_STAGES.join(', ')}` });
    return BUYING_STAGES;
  }
  const out: BuyingStageName[] = [];
  raw.forEach((stage: unknown, i) => {
    if (typeof stage !== 'string' || !(BUYING_STAGES as readonly string[]).includes(stage)) errors.push({ field: `stages[${i}]`, message: `one of ${BUYING_STAGES.join(', ')}` });
    else if (out.includes(stage as BuyingStageName)) errors.push({ field: `stages[${i}]`, message: 'listed twice' });
    else out.push(stage as BuyingStageName);
  });
  // Kept in the canonical order, so equal sets compare equal.
  return BUYING_STAGES.filter((s) => out.includes(s));
}

function parseCaps(raw: unknown, errors: FieldError[]): Offer['caps'] {
  if (raw === undefined || raw === null) return { perCustomer: null, perPlacement: null };
  if (!isObject(raw)) {
    errors.push({ field: 'caps', message: 'an object: { perCustomer?: { max, windowDays }, perPlacement?: { max, windowDays } }' });
    return { perCustomer: null, perPlacement: null };
  }
  unknownFields(raw, ['perCustomer', 'perPlacement'], 'caps.', errors);
  return { perCustomer: parseCap(raw, 'perCustomer', errors), perPlacement: parseCap(raw, 'perPlacement', errors) };
}

function parseCap(caps: Readonly<Record<string, unknown>>, name: 'perCustomer' | 'perPlacement', errors: FieldError[]): OfferCap | null {
  const raw = caps[name];
  if (raw === undefined || raw === null) return null;
  const prefix = `caps.${name}.`;
  if (!isObject(raw)) {
    errors.push({ field: `caps.${name}`, message: 'an object: { max, windowDays }' });
    return null;
  }
  unknownFields(raw, ['max', 'windowDays'], prefix, errors);
  // Frequency caps are counted from each customer's latest 200 exposures (app/decisions/decision-log.ts).
  const max = number(raw, 'max', { min: 1, max: MAX_FREQUENCY_CAP, integer: true, required: true }, errors, prefix);
  const windowDays = number(raw, 'windowDays', { min: 0, max: MAX_WINDOW_DAYS, exclusiveMin: true, required: true }, errors, prefix);
  return max === null || windowDays === null ? null : { max, windowDays };
}

function parseMessage(raw: unknown, errors: FieldError[]): OfferMessage {
  if (raw === undefined || raw === null) return { headline: null, body: null };
  if (!isObject(raw)) {
    errors.push({ field: 'message', message: 'an object: { headline?, body? }' });
    return { headline: null, body: null };
  }
  unknownFields(raw, ['headline', 'body'], 'message.', errors);
  return { headline: text(raw, 'headline', MAX_TEXT, errors, false, 'message.'), body: text(raw, 'body', MAX_TEXT, errors, false, 'message.') };
}

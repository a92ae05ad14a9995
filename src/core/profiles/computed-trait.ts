import type { JsonValue } from '../shared/json.js';
import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';

export const COMPUTED_TRAIT_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists'] as const;
export type ComputedTraitOp = (typeof COMPUTED_TRAIT_OPS)[number];

export const COMPUTED_TRAIT_AGGREGATES = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'first',
  'last',
  'distinct_count',
] as const;
export type ComputedTraitAggregate = (typeof COMPUTED_TRAIT_AGGREGATES)[number];

export interface ComputedTraitCondition {
  /** Dot path into the event's properties, e.g. "products.0.category" (numeric parts index arrays). */
  readonly property: string;
  readonly op: ComputedTraitOp;
  /** Required except for `exists` (where it may be false to ask for absence). */
  readonly value?: JsonValue;
}

/**
 * A user-declared aggregate over a profile's events, e.g. "sum of properties.revenue of
 * `Order Completed` where properties.currency eq 'EUR' in the last 30 days".
 *
 * Semantics (also what the golden cases check):
 * - `event` is a track event name, or '*' for every track, page and screen event.
 * - A condition on a missing (or null) property never matches, `neq` included; only
 *   `exists` with value false matches it.
 * - gt/gte/lt/lte compare numbers (numeric strings are read as numbers) or, when both sides are
 *   strings that are not numbers, strings in code-unit order (so ISO dates compare as expected).
 * - eq/neq/in compare JSON values; a number and a numeric string are equal ("5" eq 5).
 * - contains: a substring of a string property, or an element of an array property.
 * - `property` names the aggregated value: required for every aggregate but count; for count it
 *   is optional and, when given, only events that carry it are counted. Null or missing values do
 *   not contribute; sum/avg/min/max skip values that are not numbers.
 * - `windowDays`: the current UTC day and the windowDays - 1 days before it; null is all time.
 * - distinct_count stops at 1000 distinct values (windowed traits keep the most recently seen).
 */
export interface ComputedTraitDefinition {
  /** snake_case identifier, unique per workspace. */
  readonly name: string;
  readonly event: string;
  readonly where: readonly ComputedTraitCondition[];
  readonly aggregate: ComputedTraitAggregate;
  readonly property: string | null;
  readonly windowDays: number | null;
  readonly description?: string;
}

export interface ComputedTraitFieldError {
  readonly field: string;
  readonly message: string;
}

const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
const MAX_NAME_LENGTH = 64;
const MAX_EVENT_LENGTH = 200;
const MAX_PATH_LENGTH = 200;
const MAX_CONDITIONS = 20;
const MAX_IN_VALUES = 1000;
const MAX_DESCRIPTION_LENGTH = 1000;
const MAX_WINDOW_DAYS = 3650;
const KNOWN_FIELDS = new Set(['name', 'event', 'where', 'aggregate', 'property', 'windowDays', 'description']);
const KNOWN_CONDITION_FIELDS = new Set(['property', 'op', 'value']);

/**
 * Validates a definition from the API or a file. Every problem is reported, each with the JSON
 * path of the field at fault, so a form can show them all at once.
 */
export function parseComputedTraitDefinition(
  raw: unknown,
): Result<ComputedTraitDefinition, ComputedTraitFieldError[]> {
  const errors: ComputedTraitFieldError[] = [];
  if (!isPlainObject(raw)) {
    return err([{ field: '', message: 'a computed trait definition must be a JSON object' }]);
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(key)) {
      errors.push({ field: key, message: `unknown field; expected one of ${[...KNOWN_FIELDS].join(', ')}` });
    }
  }

  const name = raw['name'];
  if (typeof name !== 'string' || name.length === 0) {
    errors.push({ field: 'name', message: 'required: a snake_case identifier such as "orders_last_30d"' });
  } else if (name.length > MAX_NAME_LENGTH) {
    errors.push({ field: 'name', message: `must be at most ${MAX_NAME_LENGTH} characters` });
  } else if (!NAME_PATTERN.test(name)) {
    errors.push({
      field: 'name',
      message: 'must be snake_case: a lowercase letter, then lowercase letters, digits or underscores',
    });
  }

  const event = raw['event'];
  if (typeof event !== 'string' || event.trim().length === 0) {
    errors.push({ field: 'event', message: "required: a track event name, or '*' for every event" });
  } else if (event.length > MAX_EVENT_LENGTH) {
    errors.push({ field: 'event', message: `must be at most ${MAX_EVENT_LENGTH} characters` });
  }

  const where: ComputedTraitCondition[] = [];
  const rawWhere = raw['where'];
  if (rawWhere !== undefined && rawWhere !== null) {
    if (!Array.isArray(rawWhere)) {
      errors.push({ field: 'where', message: 'must be an array of conditions (or absent)' });
    } else if (rawWhere.length > MAX_CONDITIONS) {
      errors.push({ field: 'where', message: `at most ${MAX_CONDITIONS} conditions` });
    } else {
      rawWhere.forEach((condition: unknown, index: number) => {
        const parsed = parseCondition(condition, `where[${index}]`, errors);
        if (parsed !== null) where.push(parsed);
      });
    }
  }

  const aggregate = raw['aggregate'];
  const aggregateOk = isOneOf(aggregate, COMPUTED_TRAIT_AGGREGATES);
  if (!aggregateOk) {
    errors.push({ field: 'aggregate', message: `must be one of ${COMPUTED_TRAIT_AGGREGATES.join(', ')}` });
  }

  const rawProperty = raw['property'];
  let property: string | null = null;
  if (rawProperty === undefined || rawProperty === null) {
    if (aggregateOk && aggregate !== 'count') {
      errors.push({ field: 'property', message: `required for aggregate "${aggregate}": the property to aggregate` });
    }
  } else {
    const pathError = checkPath(rawProperty);
    if (pathError !== null) errors.push({ field: 'property', message: pathError });
    else property = rawProperty as string;
  }

  const rawWindow = raw['windowDays'];
  let windowDays: number | null = null;
  if (rawWindow !== undefined && rawWindow !== null) {
    if (typeof rawWindow !== 'number' || !Number.isInteger(rawWindow) || rawWindow < 1 || rawWindow > MAX_WINDOW_DAYS) {
      errors.push({
        field: 'windowDays',
        message: `must be a whole number of days from 1 to ${MAX_WINDOW_DAYS}, or null for all time`,
      });
    } else {
      windowDays = rawWindow;
    }
  }

  const description = raw['description'];
  if (description !== undefined && description !== null) {
    if (typeof description !== 'string') errors.push({ field: 'description', message: 'must be a string' });
    else if (description.length > MAX_DESCRIPTION_LENGTH) {
      errors.push({ field: 'description', message: `must be at most ${MAX_DESCRIPTION_LENGTH} characters` });
    }
  }

  if (errors.length > 0) return err(errors);
  const definition: ComputedTraitDefinition = {
    name: name as string,
    event: (event as string).trim(),
    where,
    aggregate: aggregate as ComputedTraitAggregate,
    property,
    windowDays,
    ...(typeof description === 'string' ? { description } : {}),
  };
  return ok(definition);
}

function parseCondition(raw: unknown, field: string, errors: ComputedTraitFieldError[]): ComputedTraitCondition | null {
  if (!isPlainObject(raw)) {
    errors.push({ field, message: 'a condition must be an object { property, op, value }' });
    return null;
  }
  const before = errors.length;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_CONDITION_FIELDS.has(key)) {
      errors.push({ field: `${field}.${key}`, message: 'unknown field; expected property, op, value' });
    }
  }
  const property = raw['property'];
  const pathError = checkPath(property);
  if (pathError !== null) errors.push({ field: `${field}.property`, message: pathError });

  const op = raw['op'];
  if (!isOneOf(op, COMPUTED_TRAIT_OPS)) {
    errors.push({ field: `${field}.op`, message: `must be one of ${COMPUTED_TRAIT_OPS.join(', ')}` });
    return null;
  }
  const hasValue = Object.hasOwn(raw, 'value') && raw['value'] !== undefined;
  const value = raw['value'];
  const valueField = `${field}.value`;
  switch (op) {
    case 'exists':
      if (hasValue && typeof value !== 'boolean') {
        errors.push({ field: valueField, message: 'for "exists", value is optional and must be true or false' });
      }
      break;
    case 'in':
      if (!Array.isArray(value) || value.length === 0) {
        errors.push({ field: valueField, message: 'for "in", value must be a non-empty array' });
      } else if (value.length > MAX_IN_VALUES) {
        errors.push({ field: valueField, message: `for "in", at most ${MAX_IN_VALUES} values` });
      } else if (!value.every((item: unknown) => isJsonValue(item))) {
        errors.push({ field: valueField, message: 'for "in", every value must be JSON' });
      }
      break;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (!((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string')) {
        errors.push({ field: valueField, message: `for "${op}", value must be a number or a string` });
      }
      break;
    case 'contains':
      if (!(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
        errors.push({ field: valueField, message: 'for "contains", value must be a string, number or boolean' });
      }
      break;
    case 'eq':
    case 'neq':
      if (!hasValue || !isJsonValue(value)) {
        errors.push({ field: valueField, message: `for "${op}", value is required (any JSON value)` });
      }
      break;
  }
  if (errors.length > before) return null;
  const condition: ComputedTraitCondition = hasValue
    ? { property: property as string, op, value: value as JsonValue }
    : { property: property as string, op };
  return condition;
}

/** Null when `value` is a usable dot path, else the message. */
function checkPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) {
    return 'required: a dot path into the event properties, such as "revenue" or "product.category"';
  }
  if (value.length > MAX_PATH_LENGTH) return `must be at most ${MAX_PATH_LENGTH} characters`;
  if (value.split('.').some((part) => part.length === 0)) {
    return 'must be a dot path with no empty parts, such as "product.category"';
  }
  if (value.split('.').includes('__proto__')) return 'must not contain "__proto__"';
  return null;
}

function isOneOf<T extends string>(value: unknown, options: readonly T[]): value is T {
  return typeof value === 'string' && (options as readonly string[]).includes(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item: unknown) => isJsonValue(item));
  if (isPlainObject(value)) return Object.values(value).every((item) => isJsonValue(item));
  return false;
}


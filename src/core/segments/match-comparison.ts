import { assertNever } from '../shared/assert-never.js';
import type { EpochMs } from '../shared/time.js';
import type { Comparison, ScalarValue } from './segment-rule.js';
import { durationToMs } from './segment-rule.js';

export interface ComparisonOutcome {
  readonly matched: boolean;
  /** Earliest future instant at which the outcome may differ with the same value; null: never. */
  readonly nextChangeAtMs: EpochMs | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * The value semantics shared by profile paths and event `where` clauses:
 * - a missing value (undefined or null) matches nothing but `not_exists` (`neq` and `not_in` included);
 * - eq/neq/in/not_in compare scalars; a number equals its numeric string ("5" = 5); arrays and
 *   objects equal nothing;
 * - gt/gte/lt/lte/between compare numbers (numeric strings read as numbers), an ISO date string
 *   against a number as epoch ms, and two other strings in code-unit order; anything else fails;
 * - contains: substring of a string, or an element of an array; starts_with: prefix of a string;
 * - within_last D: the timestamp lies in [nowMs - D, nowMs]; more_than_ago D: before nowMs - D.
 *   Timestamps are epoch ms numbers or ISO-8601 strings.
 */
export function matchComparison(comparison: Comparison, actual: unknown, nowMs: EpochMs): ComparisonOutcome {
  const missing = actual === undefined || actual === null;
  switch (comparison.op) {
    case 'exists':
      return still(!missing);
    case 'not_exists':
      return still(missing);
    default:
      if (missing) return still(false);
  }
  switch (comparison.op) {
    case 'eq':
      return still(looseEquals(actual, comparison.value));
    case 'neq':
      return still(!looseEquals(actual, comparison.value));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const order = compareOrder(actual, comparison.value);
      if (order === null) return still(false);
      const op = comparison.op;
      return still(op === 'gt' ? order > 0 : op === 'gte' ? order >= 0 : op === 'lt' ? order < 0 : order <= 0);
    }
    case 'between': {
      const low = compareOrder(actual, comparison.value[0]);
      const high = compareOrder(actual, comparison.value[1]);
      return still(low !== null && high !== null && low >= 0 && high <= 0);
    }
    case 'in':
      return still(comparison.value.some((value) => looseEquals(actual, value)));
    case 'not_in':
      return still(!comparison.value.some((value) => looseEquals(actual, value)));
    case 'contains':
      if (typeof actual === 'string') return still(actual.includes(String(comparison.value)));
      if (Array.isArray(actual)) return still(actual.some((item: unknown) => looseEquals(item, comparison.value)));
      return still(false);
    case 'starts_with':
      return still(typeof actual === 'string' && actual.startsWith(String(comparison.value)));
    case 'within_last': {
      const atMs = toInstantMs(actual);
      if (atMs === null) return still(false);
      const durationMs = durationToMs(comparison.value);
      if (atMs > nowMs) return { matched: false, nextChangeAtMs: atMs };
      if (atMs >= nowMs - durationMs) return { matched: true, nextChangeAtMs: atMs + durationMs + 1 };
      return still(false);
    }
    case 'more_than_ago': {
      const atMs = toInstantMs(actual);
      if (atMs === null) return still(false);
      const durationMs = durationToMs(comparison.value);
      if (atMs < nowMs - durationMs) return still(true);
      return { matched: false, nextChangeAtMs: atMs + durationMs + 1 };
    }
    default:
      return assertNever(comparison, 'comparison');
  }
}

function still(matched: boolean): ComparisonOutcome {
  return { matched, nextChangeAtMs: null };
}

export function looseEquals(actual: unknown, expected: ScalarValue): boolean {
  if (actual === expected) return true;
  if (typeof actual === 'number' && typeof expected === 'string') return toNumber(expected) === actual;
  if (typeof actual === 'string' && typeof expected === 'number') return toNumber(actual) === expected;
  return false;
}

/** Sign of actual - expected, or null when the two cannot be ordered. */
export function compareOrder(actual: unknown, expected: ScalarValue): number | null {
  const a = toNumber(actual);
  const b = toNumber(expected);
  if (a !== null && b !== null) return Math.sign(a - b);
  if (typeof actual === 'string' && typeof expected === 'string') return actual < expected ? -1 : actual > expected ? 1 : 0;
  const aMs = toInstantMs(actual);
  const bMs = toInstantMs(expected);
  if (aMs !== null && bMs !== null) return Math.sign(aMs - bMs);
  return null;
}

/** A finite number, or a string that is one; null otherwise. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** The range of a JavaScript Date (±100,000,000 days): beyond it an instant cannot be printed. */
const MAX_INSTANT_MS = 8.64e15;

/** Epoch ms from a number, a numeric string, or an ISO-8601 date string; null otherwise. */
export function toInstantMs(value: unknown): EpochMs | null {
  const number = toNumber(value);
  if (number !== null) return Math.abs(number) <= MAX_INSTANT_MS ? Math.trunc(number) : null;
  if (typeof value !== 'string' || !ISO_DATE.test(value) || value.length > 64) return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

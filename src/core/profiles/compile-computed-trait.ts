import type { NormalizedEvent } from '../events/event.js';
import { hashParts } from '../shared/hash.js';
import type { JsonObject, JsonValue } from '../shared/json.js';
import { isJsonObject } from '../shared/json.js';
import type { ComputedTraitCondition, ComputedTraitDefinition } from './computed-trait.js';
import { readNumber } from './ecommerce-fields.js';

/** A definition turned into closures once, so the fold does not re-read it on every event. */
export interface CompiledComputedTrait {
  readonly definition: ComputedTraitDefinition;
  /** Changes whenever anything that affects the values changes (description excluded). */
  readonly key: string;
  /** Whether the event is of the declared kind and passes every `where` condition. */
  readonly matches: (event: NormalizedEvent) => boolean;
  /** The aggregated property (undefined when absent or null), or true when there is none. */
  readonly sample: (properties: JsonObject) => JsonValue | undefined;
}

// Definitions are immutable values; caching by identity keeps the hot path free of compilation.
const compiledCache = new WeakMap<ComputedTraitDefinition, CompiledComputedTrait>();

export function compileComputedTrait(definition: ComputedTraitDefinition): CompiledComputedTrait {
  const cached = compiledCache.get(definition);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(definition);
  compiledCache.set(definition, compiled);
  return compiled;
}

/** A stable key of the parts of a definition that shape its state and value. */
export function computedTraitKey(definition: ComputedTraitDefinition): string {
  const canonical = JSON.stringify([
    definition.name,
    definition.event,
    definition.where.map((c) => [c.property, c.op, c.value === undefined ? null : canonicalJson(c.value)]),
    definition.aggregate,
    definition.property,
    definition.windowDays,
  ]);
  // Two differently salted 32-bit hashes: a collision between two versions of one trait is
  // what would make a stale state look current, so 64 bits keep that out of reach.
  const a = hashParts(['computed-trait', canonical]).toString(16).padStart(8, '0');
  const b = hashParts(['computed-trait-2', canonical]).toString(16).padStart(8, '0');
  return `ct1:${a}${b}`;
}

function compileUncached(definition: ComputedTraitDefinition): CompiledComputedTrait {
  const conditions = definition.where.map(compileCondition);
  const wildcard = definition.event === '*';
  const eventName = definition.event;
  const matches = (event: NormalizedEvent): boolean => {
    if (wildcard) {
      if (event.type !== 'track' && event.type !== 'page' && event.type !== 'screen') return false;
    } else if (event.type !== 'track' || event.event !== eventName) {
      return false;
    }
    for (const condition of conditions) if (!condition(event.properties)) return false;
    return true;
  };
  const path = definition.property === null ? null : splitPath(definition.property);
  const sample = (properties: JsonObject): JsonValue | undefined => {
    if (path === null) return true;
    const value = readPath(properties, path);
    return value === null ? undefined : value;
  };
  return { definition, key: computedTraitKey(definition), matches, sample };
}

function splitPath(path: string): readonly string[] {
  return path.split('.');
}

/** Follows a dot path; numeric parts index arrays. Undefined when any step is missing. */
export function readPath(root: JsonObject, path: readonly string[]): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  for (const part of path) {
    if (Array.isArray(current)) {
      const index = Number(part);
      current = Number.isInteger(index) && index >= 0 ? current[index] : undefined;
    } else if (isJsonObject(current)) {
      current = Object.hasOwn(current, part) ? current[part] : undefined;
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

type Predicate = (properties: JsonObject) => boolean;

function compileCondition(condition: ComputedTraitCondition): Predicate {
  const path = splitPath(condition.property);
  const expected = condition.value;
  const present = (properties: JsonObject): JsonValue | undefined => {
    const value = readPath(properties, path);
    return value === null ? undefined : value;
  };
  switch (condition.op) {
    case 'exists': {
      const wanted = expected !== false;
      return (p) => (present(p) !== undefined) === wanted;
    }
    case 'eq':
      return (p) => {
        const actual = present(p);
        return actual !== undefined && expected !== undefined && jsonEquals(actual, expected);
      };
    case 'neq':
      return (p) => {
        const actual = present(p);
        return actual !== undefined && expected !== undefined && !jsonEquals(actual, expected);
      };
    case 'in': {
      const options = Array.isArray(expected) ? expected : [];
      return (p) => {
        const actual = present(p);
        return actual !== undefined && options.some((option) => jsonEquals(actual, option));
      };
    }
    case 'contains':
      return (p) => {
        const actual = present(p);
        if (actual === undefined || expected === undefined) return false;
        if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
        if (Array.isArray(actual)) return actual.some((item) => jsonEquals(item, expected));
        return false;
      };
    case 'gt':
      return (p) => compareOrdered(present(p), expected, (c) => c > 0);
    case 'gte':
      return (p) => compareOrdered(present(p), expected, (c) => c >= 0);
    case 'lt':
      return (p) => compareOrdered(present(p), expected, (c) => c < 0);
    case 'lte':
      return (p) => compareOrdered(present(p), expected, (c) => c <= 0);
  }
}

/** Numbers (numeric strings included) compare numerically; two other strings by code units. */
function compareOrdered(
  actual: JsonValue | undefined,
  expected: JsonValue | undefined,
  test: (comparison: number) => boolean,
): boolean {
  if (actual === undefined || expected === undefined) return false;
  const a = readNumber(actual);
  const b = readNumber(expected);
  if (a !== null && b !== null) return test(a < b ? -1 : a > b ? 1 : 0);
  if (typeof actual === 'string' && typeof expected === 'string' && a === null && b === null) {
    return test(actual < expected ? -1 : actual > expected ? 1 : 0);
  }
  return false;
}

function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof b === 'number') {
    // "5" eq 5: properties often carry numbers as strings.
    const x = readNumber(a);
    const y = readNumber(b);
    return x !== null && y !== null && x === y;
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEquals(item, b[i] as JsonValue));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEquals(a[key] as JsonValue, b[key] as JsonValue));
  }
  return false;
}

/** JSON text with object keys sorted, so equal values give equal keys. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

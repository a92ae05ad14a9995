import type { NormalizedEvent } from '../events/event.js';
import type { JsonValue } from '../shared/json.js';
import { toEpochDay } from '../shared/time.js';
import type { EpochMs } from '../shared/time.js';
import { compileComputedTrait } from './compile-computed-trait.js';
import { canonicalJson } from './compile-computed-trait.js';
import type { ComputedTraitDefinition } from './computed-trait.js';
import { readNumber } from './ecommerce-fields.js';
import { isWritableKey, ownValue } from './own-record.js';
import { PROFILE_CAPS } from './profile-spec.js';
import type { ComputedTraitBucket, ComputedTraitState, ProfileState } from './profile-state.js';
import { toJsonSafe } from './to-json-safe.js';

// Per definition list: the names it declares, to drop states of traits that were deleted.
const namesCache = new WeakMap<readonly ComputedTraitDefinition[], ReadonlySet<string>>();

function declaredNames(definitions: readonly ComputedTraitDefinition[]): ReadonlySet<string> {
  let names = namesCache.get(definitions);
  if (names === undefined) {
    names = new Set(definitions.map((d) => d.name));
    namesCache.set(definitions, names);
  }
  return names;
}

/**
 * Folds one event into every computed trait's state. Must run before `state.eventCount` counts
 * the event: a trait first met on an empty profile has seen its whole history (complete), one
 * met later has not until the profile is replayed.
 */
export function accumulateComputedTraits(
  state: ProfileState,
  event: NormalizedEvent,
  definitions: readonly ComputedTraitDefinition[],
): void {
  const traits = state.computedTraits;
  if (definitions.length === 0) {
    for (const name in traits) delete traits[name];
    return;
  }
  const names = declaredNames(definitions);
  for (const name in traits) if (!names.has(name)) delete traits[name];

  for (const definition of definitions) {
    if (!isWritableKey(definition.name)) continue;
    const compiled = compileComputedTrait(definition);
    let traitState = ownValue(traits, definition.name);
    if (traitState === undefined || traitState.definitionKey !== compiled.key) {
      traitState = { definitionKey: compiled.key, complete: state.eventCount === 0, buckets: [], distinct: {} };
      traits[definition.name] = traitState;
    }
    if (!compiled.matches(event)) continue;
    const sample = compiled.sample(event.properties);
    if (sample === undefined) continue;
    addSample(traitState, definition, sample, event.timestampMs);
  }
}

function addSample(
  traitState: ComputedTraitState,
  definition: ComputedTraitDefinition,
  sample: JsonValue,
  atMs: EpochMs,
): void {
  const windowDays = definition.windowDays;
  const day = windowDays === null ? 0 : toEpochDay(atMs);
  switch (definition.aggregate) {
    case 'count':
      bucketFor(traitState, day, windowDays, 0).count += 1;
      return;
    case 'sum':
    case 'avg': {
      const n = readNumber(sample);
      if (n === null) return;
      const bucket = bucketFor(traitState, day, windowDays, 0);
      bucket.count += 1;
      bucket.value = (bucket.value as number) + n;
      return;
    }
    case 'min':
    case 'max': {
      const n = readNumber(sample);
      if (n === null) return;
      const bucket = bucketFor(traitState, day, windowDays, null);
      const current = bucket.value;
      if (
        typeof current !== 'number' ||
        (definition.aggregate === 'min' ? n < current : n > current)
      ) {
        bucket.value = n;
      }
      bucket.count += 1;
      return;
    }
    case 'first': {
      const bucket = bucketFor(traitState, day, windowDays, null);
      // Fold order is time order, so the first sample of a day is that day's earliest.
      if (bucket.count === 0) bucket.value = toJsonSafe(sample);
      bucket.count += 1;
      return;
    }
    case 'last': {
      const bucket = bucketFor(traitState, day, windowDays, null);
      bucket.value = toJsonSafe(sample);
      bucket.count += 1;
      return;
    }
    case 'distinct_count':
      addDistinct(traitState, sample, day, windowDays);
      return;
  }
}

/**
 * The bucket of `day`, created when missing. Creating a bucket for a new day is when older
 * buckets are pruned: anything at or before day - windowDays is outside every window that a read
 * at or after this event can ask for.
 */
function bucketFor(
  traitState: ComputedTraitState,
  day: number,
  windowDays: number | null,
  initial: JsonValue,
): ComputedTraitBucket {
  const buckets = traitState.buckets;
  const last = buckets[buckets.length - 1];
  if (last !== undefined && last.day === day) return last;
  if (last === undefined || last.day < day) {
    if (windowDays !== null) {
      const oldestKept = day - windowDays + 1;
      let drop = 0;
      while (drop < buckets.length && (buckets[drop] as ComputedTraitBucket).day < oldestKept) drop++;
      if (drop > 0) buckets.splice(0, drop);
    }
    const bucket: ComputedTraitBucket = { day, count: 0, value: initial };
    buckets.push(bucket);
    return bucket;
  }
  // An older day (only when the caller applies events out of order; replays never do).
  let index = buckets.length - 1;
  while (index >= 0 && (buckets[index] as ComputedTraitBucket).day > day) index--;
  const found = buckets[index];
  if (found !== undefined && found.day === day) return found;
  const bucket: ComputedTraitBucket = { day, count: 0, value: initial };
  buckets.splice(index + 1, 0, bucket);
  return bucket;
}

function distinctKey(value: JsonValue): string {
  return typeof value === 'string' ? `s:${value}` : `j:${canonicalJson(toJsonSafe(value))}`;
}

function addDistinct(traitState: ComputedTraitState, sample: JsonValue, day: number, windowDays: number | null): void {
  const distinct = traitState.distinct;
  const key = distinctKey(sample);
  const seen = ownValue(distinct, key);
  if (seen !== undefined) {
    if (day > seen) distinct[key] = day;
    return;
  }
  let size = 0;
  for (const _ in distinct) size++;
  if (size >= PROFILE_CAPS.distinctValues) {
    // All time: the count has reached the cap and stays there. Windowed: forget the value seen
    // longest ago (ties by key), so a window holding fewer than the cap still counts exactly.
    if (windowDays === null) return;
    let oldestKey: string | null = null;
    let oldestDay = Infinity;
    for (const candidate in distinct) {
      const candidateDay = distinct[candidate] as number;
      if (candidateDay < oldestDay || (candidateDay === oldestDay && oldestKey !== null && candidate < oldestKey)) {
        oldestDay = candidateDay;
        oldestKey = candidate;
      }
    }
    if (oldestKey !== null) delete distinct[oldestKey];
  }
  distinct[key] = day;
  if (windowDays !== null) {
    const oldestKept = day - windowDays + 1;
    // Pruning only on a new value keeps the cost off repeated values; stale keys are also
    // excluded at read time, so this only bounds the size.
    for (const candidate in distinct) if ((distinct[candidate] as number) < oldestKept) delete distinct[candidate];
  }
}

/**
 * The value of a computed trait at `nowMs`. Null when there is nothing to aggregate (min, max,
 * avg, first, last) or when the state is missing, stale or incomplete (the profile needs a
 * replay, see findStaleComputedTraits). count, sum and distinct_count are 0 when nothing matched.
 */
export function readComputedTraitValue(
  state: ProfileState,
  definition: ComputedTraitDefinition,
  nowMs: EpochMs,
): JsonValue {
  const compiled = compileComputedTrait(definition);
  const traitState = ownValue(state.computedTraits, definition.name);
  if (traitState === undefined) {
    // An empty profile has missed nothing.
    return state.eventCount === 0 ? emptyValue(definition) : null;
  }
  if (traitState.definitionKey !== compiled.key || !traitState.complete) return null;
  // Windowed: UTC days fromDay..toDay. Days after now's are left out, so a read "as of" an earlier
  // time does not see later events (all-time traits have one bucket and cannot tell).
  const toDay = definition.windowDays === null ? Infinity : toEpochDay(nowMs);
  const fromDay = definition.windowDays === null ? -Infinity : toDay - definition.windowDays + 1;

  if (definition.aggregate === 'distinct_count') {
    let count = 0;
    for (const key in traitState.distinct) {
      const day = traitState.distinct[key] as number;
      if (day >= fromDay && day <= toDay) count++;
    }
    return count;
  }
  let count = 0;
  let sum = 0;
  let extreme: number | null = null;
  let first: JsonValue = null;
  let last: JsonValue = null;
  for (const bucket of traitState.buckets) {
    if (bucket.day < fromDay || bucket.day > toDay || bucket.count === 0) continue;
    count += bucket.count;
    switch (definition.aggregate) {
      case 'sum':
      case 'avg':
        sum += bucket.value as number;
        break;
      case 'min':
        if (typeof bucket.value === 'number' && (extreme === null || bucket.value < extreme)) extreme = bucket.value;
        break;
      case 'max':
        if (typeof bucket.value === 'number' && (extreme === null || bucket.value > extreme)) extreme = bucket.value;
        break;
      case 'first':
        if (count === bucket.count) first = bucket.value;
        break;
      case 'last':
        last = bucket.value;
        break;
      case 'count':
        break;
    }
  }
  switch (definition.aggregate) {
    case 'count':
      return count;
    case 'sum':
      return sum === 0 ? 0 : sum;
    case 'avg':
      return count === 0 ? null : sum / count;
    case 'min':
    case 'max':
      return extreme;
    case 'first':
      return first;
    case 'last':
      return last;
  }
}

function emptyValue(definition: ComputedTraitDefinition): JsonValue {
  switch (definition.aggregate) {
    case 'count':
    case 'sum':
    case 'distinct_count':
      return 0;
    default:
      return null;
  }
}

/**
 * Names of declared traits whose state cannot be trusted: built for another definition, added
 * after the profile had events, or missing on a profile with events. The app replays such a
 * profile (e.g. after putComputedTrait) to make them exact.
 */
export function findStaleComputedTraits(
  state: ProfileState,
  definitions: readonly ComputedTraitDefinition[],
): string[] {
  const stale: string[] = [];
  for (const definition of definitions) {
    const traitState = ownValue(state.computedTraits, definition.name);
    if (traitState === undefined) {
      if (state.eventCount > 0) stale.push(definition.name);
    } else if (traitState.definitionKey !== compileComputedTrait(definition).key || !traitState.complete) {
      stale.push(definition.name);
    }
  }
  return stale;
}

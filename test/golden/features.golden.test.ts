import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../src/core/events/event.js';
import { computeFeatures } from '../../src/core/features/compute-features.js';
import type { ComputedTraitDefinition } from '../../src/core/profiles/computed-trait.js';
import { parseComputedTraitDefinition } from '../../src/core/profiles/computed-trait.js';
import { foldProfile } from '../../src/core/profiles/fold-profile.js';
import type { ProfileSpec } from '../../src/core/profiles/profile-spec.js';
import { DEFAULT_PROFILE_SPEC } from '../../src/core/profiles/profile-spec.js';
import type { ProfileState } from '../../src/core/profiles/profile-state.js';
import { asProfileId } from '../../src/core/shared/ids.js';
import type { JsonValue } from '../../src/core/shared/json.js';
import { isJsonObject } from '../../src/core/shared/json.js';
import { parseInstant } from '../../src/core/shared/time.js';
import { makeEvent } from '../builders/make-event.js';

interface GoldenCase {
  readonly name: string;
  readonly spec?: Record<string, JsonValue>;
  readonly events: readonly Record<string, JsonValue>[];
  readonly nowMs: string | number;
  readonly expected: Record<string, JsonValue>;
}

const file = JSON.parse(readFileSync(new URL('./features.cases.json', import.meta.url), 'utf8')) as {
  readonly cases: readonly GoldenCase[];
};

function instant(value: JsonValue | undefined, where: string): number {
  const ms = parseInstant(value);
  if (ms === null) throw new Error(`${where}: not an instant: ${JSON.stringify(value)}`);
  return ms;
}

function toEvents(golden: GoldenCase): NormalizedEvent[] {
  return golden.events.map((raw, index) => {
    const { at, ...fields } = raw;
    const timestampMs = instant(at ?? fields['timestampMs'], `${golden.name} events[${index}].at`);
    return makeEvent({
      messageId: `e${String(index).padStart(3, '0')}`,
      ...(fields as Partial<NormalizedEvent>),
      timestampMs,
    });
  });
}

function toSpec(golden: GoldenCase): ProfileSpec {
  const overrides = golden.spec ?? {};
  const rawTraits = overrides['computedTraits'];
  const computedTraits: ComputedTraitDefinition[] = [];
  if (Array.isArray(rawTraits)) {
    for (const raw of rawTraits) {
      const parsed = parseComputedTraitDefinition(raw);
      if (!parsed.ok) throw new Error(`${golden.name}: bad computed trait ${JSON.stringify(parsed.error)}`);
      computedTraits.push(parsed.value);
    }
  }
  return { ...DEFAULT_PROFILE_SPEC, ...(overrides as Partial<ProfileSpec>), computedTraits };
}

/** Every mismatch between `expected` (partial) and `actual`, as "path: expected X, got Y". */
function mismatches(actual: unknown, expected: JsonValue, path: string, out: string[]): void {
  if (typeof expected === 'number') {
    const ok = typeof actual === 'number' && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
    if (!ok) out.push(`${path}: expected ${expected}, got ${JSON.stringify(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      return;
    }
    expected.forEach((item, i) => mismatches(actual[i], item, `${path}[${i}]`, out));
    return;
  }
  if (isJsonObject(expected)) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
      out.push(`${path}: expected an object, got ${JSON.stringify(actual)}`);
      return;
    }
    for (const key of Object.keys(expected)) {
      const has = Object.hasOwn(actual, key);
      if (!has) out.push(`${path}.${key}: missing`);
      else mismatches((actual as Record<string, unknown>)[key], expected[key] as JsonValue, `${path}.${key}`, out);
    }
    return;
  }
  if (actual !== expected) out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function traitValues(state: ProfileState): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const key of Object.keys(state.traits)) values[key] = state.traits[key]?.value ?? null;
  return values;
}

describe('golden feature cases', () => {
  it('has enough uniquely named cases', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(file.cases.map((c) => c.name)).size).toBe(file.cases.length);
  });

  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_name, golden) => {
    const events = toEvents(golden);
    const spec = toSpec(golden);
    const profileId = asProfileId('prf_golden');
    const state = foldProfile(profileId, events, spec);
    // Arrival order never matters: the same events listed reversed or rotated fold the same.
    for (const order of [[...events].reverse(), [...events.slice(1), ...events.slice(0, 1)]]) {
      expect(isDeepStrictEqual(foldProfile(profileId, order, spec), state)).toBe(true);
    }
    const features = computeFeatures(state, instant(golden.nowMs, `${golden.name} nowMs`), spec);
    const problems: string[] = [];
    mismatches({ ...features, traits: traitValues(state) }, golden.expected, 'features', problems);
    expect(problems).toEqual([]);
  });
});

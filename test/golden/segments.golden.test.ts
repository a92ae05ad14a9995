import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../src/core/events/event.js';
import { compileSegmentRule, DEFAULT_RULE_SCHEMA } from '../../src/core/segments/compile-segment-rule.js';
import { createBehaviorViewFromEvents } from '../../src/core/segments/create-behavior-view-from-events.js';
import type { SegmentInput } from '../../src/core/segments/evaluate-segment.js';
import { evaluateSegment, matchSegment } from '../../src/core/segments/evaluate-segment.js';
import { parseSegmentRule } from '../../src/core/segments/parse-segment-rule.js';
import type { JsonObject, JsonValue } from '../../src/core/shared/json.js';
import { isJsonObject } from '../../src/core/shared/json.js';
import { parseInstant } from '../../src/core/shared/time.js';
import { makeEvent } from '../builders/make-event.js';

interface GoldenEvent {
  readonly at: string;
  readonly event: string;
  readonly properties?: JsonObject;
  readonly messageId?: string;
}

interface GoldenCase {
  readonly name: string;
  readonly rule: string | JsonObject;
  readonly input: {
    readonly traits?: JsonObject;
    readonly features?: JsonObject;
    readonly computed?: JsonObject;
    readonly predicted?: Record<string, number>;
    readonly segments?: readonly string[];
    readonly events?: readonly GoldenEvent[];
  };
  readonly nowMs: string | number;
  readonly expected:
    | { readonly matched: boolean; readonly reasonsContain?: readonly string[]; readonly nextChangeAtMs?: string | number | null }
    | {
        readonly error: {
          readonly stage: 'parse' | 'compile';
          readonly message?: string;
          readonly position?: { readonly offset: number; readonly line: number; readonly column: number };
          readonly paths?: readonly string[];
        };
      };
}

const file = JSON.parse(readFileSync(new URL('./segments.cases.json', import.meta.url), 'utf8')) as { readonly cases: readonly GoldenCase[] };

function instant(value: JsonValue | undefined, where: string): number {
  const ms = parseInstant(value);
  if (ms === null) throw new Error(`${where}: not an instant: ${JSON.stringify(value)}`);
  return ms;
}

function toInput(golden: GoldenCase): SegmentInput {
  const events: NormalizedEvent[] = (golden.input.events ?? []).map((raw, index) =>
    makeEvent({
      messageId: raw.messageId ?? `e${String(index).padStart(3, '0')}`,
      type: 'track',
      event: raw.event,
      properties: raw.properties ?? {},
      timestampMs: instant(raw.at, `${golden.name} events[${index}].at`),
    }),
  );
  return {
    traits: golden.input.traits ?? {},
    features: golden.input.features ?? {},
    computed: golden.input.computed ?? {},
    predicted: golden.input.predicted ?? {},
    segments: new Set(golden.input.segments ?? []),
    behavior: createBehaviorViewFromEvents(events),
  };
}

describe('segment rules: golden cases', () => {
  it('has at least 40 cases with unique names', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(file.cases.map((c) => c.name)).size).toBe(file.cases.length);
  });

  for (const golden of file.cases) {
    it(golden.name, () => {
      const expected = golden.expected;
      let ast: unknown = golden.rule;
      if (typeof golden.rule === 'string') {
        const parsed = parseSegmentRule(golden.rule);
        if ('error' in expected && expected.error.stage === 'parse') {
          expect(parsed.ok).toBe(false);
          if (parsed.ok) return;
          if (expected.error.message !== undefined) expect(parsed.error.message).toBe(expected.error.message);
          if (expected.error.position !== undefined) expect(parsed.error.position).toEqual(expected.error.position);
          return;
        }
        if (!parsed.ok) throw new Error(`does not parse: ${parsed.error.message}`);
        ast = parsed.value;
      }
      const compiled = compileSegmentRule(ast, DEFAULT_RULE_SCHEMA);
      if ('error' in expected) {
        expect(expected.error.stage).toBe('compile');
        expect(compiled.ok).toBe(false);
        if (compiled.ok) return;
        if (expected.error.paths !== undefined) expect(compiled.error.map((e) => e.path)).toEqual(expected.error.paths);
        return;
      }
      if (!compiled.ok) throw new Error(`does not compile: ${JSON.stringify(compiled.error)}`);
      if (!isJsonObject(golden.rule)) {
        // The text form and the JSON it stands for must evaluate alike: round-trip through JSON.
        expect(compileSegmentRule(JSON.parse(JSON.stringify(ast)), DEFAULT_RULE_SCHEMA)).toMatchObject({ ok: true });
      }
      const nowMs = instant(golden.nowMs, `${golden.name} nowMs`);
      const result = evaluateSegment(compiled.value, toInput(golden), nowMs);
      expect(result.matched, result.reasons.join('; ')).toBe(expected.matched);
      // The engine's wordless fast path decides exactly the same, with the same next instant.
      expect(matchSegment(compiled.value, toInput(golden), nowMs)).toEqual({ matched: result.matched, reasons: [], nextChangeAtMs: result.nextChangeAtMs });
      for (const wanted of expected.reasonsContain ?? []) {
        expect(result.reasons.some((reason) => reason.includes(wanted)), `no reason contains ${JSON.stringify(wanted)}: ${JSON.stringify(result.reasons)}`).toBe(true);
      }
      if (expected.nextChangeAtMs !== undefined) {
        const want = expected.nextChangeAtMs === null ? null : instant(expected.nextChangeAtMs, `${golden.name} nextChangeAtMs`);
        expect(result.nextChangeAtMs).toBe(want);
      }
    });
  }
});

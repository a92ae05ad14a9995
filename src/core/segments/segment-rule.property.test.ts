/**
 * Properties over seeded random rules: the text form round-trips, every generated rule compiles,
 * `not` is an exact mirror, and nextChangeAtMs is never late.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../events/event.js';
import type { JsonValue } from '../shared/json.js';
import { MS_PER_DAY } from '../shared/time.js';
import type { CompiledRule } from './compiled-rule.js';
import { compileSegmentRule, DEFAULT_RULE_SCHEMA } from './compile-segment-rule.js';
import { createBehaviorViewFromEvents } from './create-behavior-view-from-events.js';
import type { SegmentInput } from './evaluate-segment.js';
import { evaluateSegment } from './evaluate-segment.js';
import { formatSegmentRule } from './format-segment-rule.js';
import { parseSegmentRule } from './parse-segment-rule.js';
import type { CompareRule, Duration, EventCondition, ScalarValue, SegmentRule } from './segment-rule.js';
import { makeDuration } from './segment-rule.js';
import { SeededGen } from '../../../test/builders/seeded-gen.js';

const NOW_MS = Date.UTC(2024, 2, 15, 12);

class Gen extends SeededGen {

  ident(): string {
    return this.pick(['a', 'b', 'country', 'plan', 'x_1', '_tag', 'signup_at', 'score', 'tags']);
  }
  text(): string {
    return this.pick(['', 'UK', 'FR', 'Mugs', 'a "quoted" word', 'back\\slash', 'new\nline', 'é ✓ 😀', 'and', 'not', '2024-03-10T00:00:00Z']);
  }
  number(): number {
    return this.pick([0, 1, 2, 3, -1, 0.5, -0.12, 51.5, 1e21, 1.5e-7, 123456789, 10]);
  }
  scalar(): ScalarValue {
    const roll = this.int(0, 2);
    return roll === 0 ? this.text() : roll === 1 ? this.number() : this.chance(0.5);
  }
  duration(): Duration {
    return makeDuration(this.pick(['seconds', 'minutes', 'hours', 'days', 'weeks'] as const), this.pick([1, 2, 7, 30, 1.5]));
  }
  comparison(path: string, numeric: boolean, relative: boolean): CompareRule {
    const value = (): ScalarValue => (numeric ? this.number() : this.scalar());
    const ops = relative ? ['eq', 'neq', 'gt', 'between', 'in', 'not_in', 'contains', 'starts_with', 'exists', 'not_exists', 'within_last', 'more_than_ago'] : ['eq', 'neq', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'contains', 'starts_with', 'exists', 'not_exists'];
    const op = this.pick(numeric ? ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'exists', 'not_exists'] : ops);
    switch (op) {
      case 'between': {
        const a = this.number();
        const b = this.number();
        return { kind: 'compare', path, op, value: [Math.min(a, b), Math.max(a, b)] };
      }
      case 'in':
      case 'not_in':
        return { kind: 'compare', path, op, value: Array.from({ length: this.int(1, 3) }, value) };
      case 'contains':
        return { kind: 'compare', path, op, value: this.scalar() };
      case 'starts_with':
        return { kind: 'compare', path, op, value: this.text() };
      case 'exists':
      case 'not_exists':
        return { kind: 'compare', path, op };
      case 'within_last':
      case 'more_than_ago':
        return { kind: 'compare', path, op, value: this.duration() };
      case 'eq':
      case 'neq':
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return { kind: 'compare', path, op, value: value() };
      default:
        throw new Error(op);
    }
  }
  condition(depth: number): EventCondition {
    const roll = depth <= 0 ? 3 : this.int(0, 5);
    if (roll === 0) return { kind: 'and', children: [this.condition(depth - 1), this.condition(depth - 1)] };
    if (roll === 1) return { kind: 'or', children: [this.condition(depth - 1), this.condition(depth - 1), this.condition(depth - 1)] };
    if (roll === 2) return { kind: 'not', child: this.condition(depth - 1) };
    return this.comparison(this.chance(0.8) ? this.ident() : `${this.ident()}.0`, false, false);
  }
  rule(depth: number): SegmentRule {
    const roll = depth <= 0 ? this.int(3, 11) : this.int(0, 11);
    switch (roll) {
      case 0:
        return { kind: 'and', children: Array.from({ length: this.int(2, 3) }, () => this.rule(depth - 1)) };
      case 1:
        return { kind: 'or', children: Array.from({ length: this.int(2, 3) }, () => this.rule(depth - 1)) };
      case 2:
        return { kind: 'not', child: this.rule(depth - 1) };
      case 3:
        return { kind: 'compare', path: 'traits.signup_at', op: this.pick(['within_last', 'more_than_ago'] as const), value: this.duration() };
      case 4:
        return this.comparison(`${this.pick(['traits', 'computed'])}.${this.ident()}`, false, true);
      case 5:
        return this.comparison(`features.${this.pick(['frequency', 'monetary', 'recencyDays', 'ordersLast30d', 'deviceMix.mobile'])}`, true, false);
      case 6:
        return this.comparison('predicted.churn', true, false);
      case 7:
        return this.chance(0.5)
          ? { kind: 'geo_within', center: { lat: this.pick([51.5, -33.9, 0]), lon: this.pick([-0.12, 151.2, 0]) }, radiusKm: this.pick([1, 50, 500.5]) }
          : { kind: 'geo_within', center: { lat: 48.85, lon: 2.35 }, radiusKm: 10, latPath: 'traits.lat', lonPath: 'traits.lon' };
      case 8:
        return { kind: 'in_segment', segment: this.pick(['vip', 'a "b"', 'churn-risk']) };
      case 9:
      case 10: {
        const negated = roll === 10;
        const base = { event: this.pick(['Product Viewed', 'Order Completed', 'Cart "X"']), ...(this.chance(0.5) ? { where: this.condition(2) } : {}) };
        const range = this.pick([0, 1, 2]);
        const window = range === 0 ? {} : range === 1 ? { within: this.duration() } : { since: this.chance(0.5) ? NOW_MS - 10 * MS_PER_DAY : '2024-03-01T00:00:00.000Z' };
        if (negated) return { kind: 'did_not', ...base, ...window };
        const count = this.chance(0.5) ? { count: { op: this.pick(['gte', 'lte', 'eq'] as const), value: this.int(0, 3) } } : {};
        return { kind: 'did', ...base, ...count, ...window };
      }
      default:
        return {
          kind: 'sequence',
          first: { event: 'Product Viewed', ...(this.chance(0.3) ? { where: this.condition(1) } : {}), ...(this.chance(0.4) ? { within: this.duration() } : {}) },
          then: { kind: this.pick(['did', 'did_not'] as const), event: 'Order Completed', ...(this.chance(0.3) ? { where: this.condition(1) } : {}) },
          within: this.duration(),
        };
    }
  }
  input(): SegmentInput {
    const traitValue = (): JsonValue => this.pick<JsonValue>([null, 'UK', 'Mugs and more', 1, 2, 0.5, true, ['UK', 1], NOW_MS - 3 * MS_PER_DAY, '2024-03-10T00:00:00Z', { nested: 1 }]);
    const traits: Record<string, JsonValue> = {};
    for (const name of ['a', 'b', 'country', 'plan', 'x_1', 'signup_at', 'score', 'tags']) if (this.chance(0.7)) traits[name] = traitValue();
    if (this.chance(0.7)) traits['signup_at'] = this.chance(0.5) ? NOW_MS - this.int(0, 40 * 24) * 3_600_000 : new Date(NOW_MS - this.int(0, 40) * MS_PER_DAY).toISOString();
    if (this.chance(0.6)) {
      traits['latitude'] = 51.4 + this.next();
      traits['longitude'] = -0.5 + this.next();
    }
    const events: NormalizedEvent[] = [];
    for (let i = 0; i < this.int(0, 12); i++) {
      const timestampMs = NOW_MS - this.int(0, 40 * 24) * 3_600_000;
      events.push(makeTrack(`e${i}`, this.pick(['Product Viewed', 'Order Completed', 'Other']), timestampMs, { a: this.scalar(), country: this.pick(['UK', 'FR']) }));
    }
    return {
      traits,
      features: { frequency: this.int(0, 4), monetary: this.number(), recencyDays: this.chance(0.3) ? null : this.int(0, 40) + 0.25, ordersLast30d: this.int(0, 3), deviceMix: { mobile: 0.5 } },
      computed: { a: this.scalar(), score: this.number() },
      predicted: this.chance(0.7) ? { churn: this.next() } : {},
      segments: new Set(this.chance(0.5) ? ['vip'] : []),
      behavior: createBehaviorViewFromEvents(events),
    };
  }
  fraction(): number {
    return this.next();
  }
}

function makeTrack(messageId: string, event: string, timestampMs: number, properties: Record<string, JsonValue>): NormalizedEvent {
  return { messageId, type: 'track', event, name: null, userId: 'u1', anonymousId: null, previousId: null, groupId: null, properties, traits: {}, context: {}, timestampMs, receivedAtMs: timestampMs, sentAtMs: null, originalTimestampMs: null };
}

function compile(rule: SegmentRule): CompiledRule {
  const compiled = compileSegmentRule(rule, DEFAULT_RULE_SCHEMA);
  if (!compiled.ok) throw new Error(`${JSON.stringify(rule)} does not compile: ${JSON.stringify(compiled.error)}`);
  return compiled.value;
}

const SEEDS = Array.from({ length: 400 }, (_, i) => i + 1);

describe('segment rules, by property', () => {
  it('parse(format(rule)) deep-equals rule, and every generated rule compiles', () => {
    for (const seed of SEEDS) {
      const rule = new Gen(seed).rule(3);
      const text = formatSegmentRule(rule);
      const back = parseSegmentRule(text);
      if (!back.ok) throw new Error(`seed ${seed}: ${text}\n${back.error.message}`);
      expect(back.value, `seed ${seed}: ${text}`).toEqual(rule);
      expect(compile(rule).rule, `seed ${seed}`).toEqual(rule);
    }
  });

  it('not mirrors its child exactly: result flipped, same reasons and next change; r and not r never holds', () => {
    for (const seed of SEEDS) {
      const gen = new Gen(seed);
      const rule = gen.rule(2);
      const input = gen.input();
      const plain = evaluateSegment(compile(rule), input, NOW_MS);
      const negated = evaluateSegment(compile({ kind: 'not', child: rule }), input, NOW_MS);
      expect(negated.matched, `seed ${seed}`).toBe(!plain.matched);
      expect(negated.reasons).toEqual(plain.reasons);
      expect(negated.nextChangeAtMs).toBe(plain.nextChangeAtMs);
      expect(evaluateSegment(compile({ kind: 'not', child: { kind: 'not', child: rule } }), input, NOW_MS)).toEqual(plain);
      expect(evaluateSegment(compile({ kind: 'and', children: [rule, { kind: 'not', child: rule }] }), input, NOW_MS).matched).toBe(false);
      expect(evaluateSegment(compile({ kind: 'or', children: [rule, { kind: 'not', child: rule }] }), input, NOW_MS).matched).toBe(true);
    }
  });

  it('nextChangeAtMs is never late: the result holds at every instant before it', () => {
    for (const seed of SEEDS) {
      const gen = new Gen(seed);
      const compiled = compile(gen.rule(2));
      const input = gen.input();
      const now = evaluateSegment(compiled, input, NOW_MS);
      const horizonMs = now.nextChangeAtMs ?? NOW_MS + 60 * MS_PER_DAY;
      expect(horizonMs, `seed ${seed}`).toBeGreaterThan(NOW_MS);
      for (const at of [NOW_MS + 1, horizonMs - 1, NOW_MS + Math.floor((horizonMs - NOW_MS) * gen.fraction())]) {
        if (at <= NOW_MS || at >= horizonMs) continue;
        // Time-moving features are frozen in this input, so only windows and relative dates move.
        expect(evaluateSegment(compiled, input, at).matched, `seed ${seed} at ${at} (${compiled.text})`).toBe(now.matched);
      }
    }
  });
});

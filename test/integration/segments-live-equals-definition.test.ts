import { afterEach, describe, expect, it } from 'vitest';
import type { AttuneApp } from '../../src/app/attune-app.js';
import { computeFeatures } from '../../src/core/features/compute-features.js';
import type { NormalizedEvent } from '../../src/core/events/event.js';
import { DEFAULT_PROFILE_SPEC } from '../../src/core/profiles/profile-spec.js';
import type { ProfileState } from '../../src/core/profiles/profile-state.js';
import { compileSegmentRule, DEFAULT_RULE_SCHEMA } from '../../src/core/segments/compile-segment-rule.js';
import type { CompiledRule } from '../../src/core/segments/compiled-rule.js';
import { createBehaviorViewFromEvents } from '../../src/core/segments/create-behavior-view-from-events.js';
import { evaluateSegment } from '../../src/core/segments/evaluate-segment.js';
import { parseSegmentRule } from '../../src/core/segments/parse-segment-rule.js';
import type { ProfileId } from '../../src/core/shared/ids.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import type { JsonValue } from '../../src/core/shared/json.js';
import { createRng } from '../../src/core/shared/rng.js';
import type { TestApp } from '../helpers/open-test-app.js';
import { openTestApp, TEST_ENGINES } from '../helpers/open-test-app.js';

/**
 * The engine's promise, checked end to end: whatever the events, their arrival order and batching,
 * and however time passes, a profile's live memberships equal the segment definitions evaluated
 * from scratch on its events (the reference behavior view over the event list, not the engine's
 * tracks). Seeded, so a failure replays.
 */

const WS = DEFAULT_WORKSPACE_ID;
const T0 = Date.parse('2026-05-04T08:00:00.000Z');
const MINUTE = 60_000;

// Every kind of condition the engine schedules or re-evaluates per event (features with an
// 'unknown' clock are swept periodically instead, so they are left out of this exact comparison).
const RULES: readonly [string, string][] = [
  ['gold', 'traits.tier = "gold"'],
  ['tiered', 'traits.tier in ["gold", "silver"] and traits.age >= 30'],
  ['buyers', 'did "Order Completed"'],
  ['repeat', 'features.frequency >= 2'],
  ['spend', 'features.monetary > 60'],
  ['recent-view', 'did "Product Viewed" within 30 minutes'],
  ['shoe-fan', 'did "Product Viewed" where category = "shoes" at least 2 times within 2 hours'],
  ['quiet', 'did not "Product Viewed" within 1 hour'],
  ['abandon', 'did "Product Added" then did not "Order Completed" within 45 minutes'],
  ['convert', 'did "Product Viewed" within 3 hours then did "Order Completed" within 1 hour'],
  ['recency', 'features.lastSeenMs within last 90 minutes'],
  ['gold-buyer', 'in_segment("gold") and in_segment("buyers")'],
  ['not-gold-repeat', 'not in_segment("gold") and in_segment("repeat")'],
];

function compileAll(): Map<string, CompiledRule> {
  const out = new Map<string, CompiledRule>();
  for (const [key, text] of RULES) {
    const parsed = parseSegmentRule(text);
    if (!parsed.ok) throw new Error(`${key}: ${parsed.error.message}`);
    const compiled = compileSegmentRule(parsed.value, DEFAULT_RULE_SCHEMA);
    if (!compiled.ok) throw new Error(`${key}: ${JSON.stringify(compiled.error)}`);
    out.set(key, compiled.value);
  }
  return out;
}

/** What the definitions say about one profile at nowMs, from its events alone (in dependency order). */
function expectedSegments(state: ProfileState, events: readonly NormalizedEvent[], rules: ReadonlyMap<string, CompiledRule>, nowMs: number): string[] {
  const traits: Record<string, JsonValue> = {};
  for (const [name, entry] of Object.entries(state.traits)) traits[name] = entry.value;
  const features = computeFeatures(state, nowMs, DEFAULT_PROFILE_SPEC) as unknown as Record<string, unknown>;
  const segments = new Set<string>();
  const input = { traits, features, computed: {}, predicted: {}, segments, behavior: createBehaviorViewFromEvents(events) };
  for (const [key] of RULES) {
    const rule = rules.get(key);
    if (rule !== undefined && evaluateSegment(rule, input, nowMs).matched) segments.add(key);
  }
  return [...segments].sort();
}

interface Generated {
  readonly batches: { readonly atMs: number; readonly events: Record<string, unknown>[] }[];
  readonly endMs: number;
}

/** Batches of random events for a few users, arriving late and out of order now and then. */
function generate(seed: number): Generated {
  const rng = createRng(seed);
  const pick = <T,>(items: readonly T[]): T => items[rng.nextInt(items.length)] as T;
  const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
  const batches: { atMs: number; events: Record<string, unknown>[] }[] = [];
  let now = T0;
  let id = 0;
  for (let b = 0; b < 40; b++) {
    now += rng.nextInt(20) * MINUTE;
    const events: Record<string, unknown>[] = [];
    for (let e = 0, n = 1 + rng.nextInt(4); e < n; e++) {
      // Mostly now; sometimes up to 2 hours late (a replay for that profile).
      const at = now - (rng.next() < 0.2 ? rng.nextInt(120) * MINUTE : rng.nextInt(60) * 1000);
      const base = { userId: pick(users), messageId: `s${seed}-${++id}`, timestamp: new Date(at).toISOString() };
      const r = rng.next();
      if (r < 0.15) events.push({ ...base, type: 'identify', traits: { tier: pick(['gold', 'silver', 'bronze']), age: 20 + rng.nextInt(30) } });
      else if (r < 0.55) events.push({ ...base, type: 'track', event: 'Product Viewed', properties: { category: pick(['shoes', 'hats', 'bags']) } });
      else if (r < 0.75) events.push({ ...base, type: 'track', event: 'Product Added', properties: { product_id: `p${rng.nextInt(5)}` } });
      else events.push({ ...base, type: 'track', event: 'Order Completed', properties: { order_id: `o${id}`, revenue: 10 + rng.nextInt(50) } });
    }
    batches.push({ atMs: now, events });
  }
  return { batches, endMs: now };
}

async function liveMemberships(app: AttuneApp, rules: ReadonlyMap<string, CompiledRule>, profileIds: readonly ProfileId[]): Promise<Map<ProfileId, string[]>> {
  const out = new Map<ProfileId, string[]>();
  for (const id of profileIds) out.set(id, [...rules.keys()].filter((key) => app.segments.isMember(WS, key, id)).sort());
  return out;
}

describe.each(TEST_ENGINES)('live memberships equal the definitions (%s)', (engine) => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: after every batch and after time passes`, async () => {
      let now = T0;
      // The due timer is the test's to drive: a long interval keeps the background one out of the way.
      t = await openTestApp(engine, { nowMs: () => now, segments: { dueCheckIntervalMs: 60_000 } });
      const rules = compileAll();
      // Half the segments exist before any event, half are created (and backfilled) midway.
      const [early, late] = [RULES.slice(0, 7), RULES.slice(7)];
      for (const [key, text] of early) await t.app.segments.create(WS, { key, text });
      const { batches, endMs } = generate(seed);
      const check = async (atMs: number): Promise<void> => {
        now = atMs;
        while ((await t.app.segments.runDue(WS)) > 0);
        const profiles = await t.app.listProfiles(WS, { afterId: null, limit: 1000 });
        const live = await liveMemberships(t.app, rules, profiles.map((p) => p.profileId));
        for (const state of profiles) {
          const events = (await t.storage.read.events.listForReplay(WS, state.profileId)).filter((e) => e.timestampMs <= atMs);
          const existing = new Set((await t.app.segments.list(WS)).map((s) => s.definition.key));
          const expected = expectedSegments(state, events, rules, atMs).filter((key) => existing.has(key));
          expect(live.get(state.profileId), `profile ${state.profileId} at ${new Date(atMs).toISOString()}`).toEqual(expected);
        }
      };
      for (const [i, batch] of batches.entries()) {
        now = batch.atMs;
        const outcome = await t.app.ingest({ workspaceId: WS, events: batch.events, receivedAtMs: batch.atMs, impliedType: null, batchSentAt: null });
        expect(outcome.rejected).toEqual([]);
        if (i === 20) for (const [key, text] of late) await t.app.segments.create(WS, { key, text });
        if (i % 5 === 4) await check(batch.atMs);
      }
      // Then time alone: windows close, sequences complete, recency ages.
      for (const later of [10, 40, 90, 200]) await check(endMs + later * MINUTE);
    });
  }
});

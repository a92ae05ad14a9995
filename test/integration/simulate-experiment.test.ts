import { afterEach, describe, expect, it } from 'vitest';
import { simulateExperiment } from '../../src/app/experiments/simulate-experiment.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import type { EpochMs } from '../../src/core/shared/time.js';
import type { TestApp } from '../helpers/open-test-app.js';
import { openTestApp } from '../helpers/open-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const NOW = Date.parse('2026-06-30T12:00:00.000Z') as EpochMs;

describe('a closed-loop experiment on simulated shoppers', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('runs control vs segments vs personalized end to end through decide and ingest', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    const phases = new Set<string>();
    // Seed 7: with this population the personalized arm earns more per unit than control.
    const outcome = await simulateExperiment(t.app, WS, { shoppers: 150, days: 5, visitsPerShopperPerDay: 1, seed: 7, endMs: NOW, onProgress: (p) => phases.add(p.phase) });
    expect([...phases]).toEqual(['warm-up', 'visits']);
    expect(outcome.simulated).toBe(true);
    expect(outcome.visits).toBe(750);
    expect(outcome.clicks).toBeGreaterThan(0);
    expect(outcome.orders).toBeGreaterThan(0);
    const { results } = outcome;
    expect(results.units).toBe(150);
    const arms = new Map(results.arms.map((a) => [a.key, a]));
    for (const arm of ['control', 'segments', 'personalized']) expect(arms.get(arm)?.units ?? 0).toBeGreaterThan(20);
    // Clicks per arm come from the decision log's outcomes (Product Clicked with decision_id), so
    // they show the loop closed; orders come from the event log in the attribution window.
    for (const arm of results.arms) {
      expect(arm.clicks, arm.key).toBeGreaterThan(0);
      expect(arm.orders, arm.key).toBeGreaterThan(0);
    }
    expect(results.comparisons.map((c) => c.arm).sort()).toEqual(['personalized', 'segments']);
    expect(arms.get('personalized')?.revenuePerUnit.mean ?? 0).toBeGreaterThan(arms.get('control')?.revenuePerUnit.mean ?? Infinity);
    expect(outcome.report).toMatch(/Personalization/);
  }, 60_000);
});

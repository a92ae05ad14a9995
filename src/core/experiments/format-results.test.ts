import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../shared/rng.js';
import type { Experiment, UnitOutcome } from './experiment.js';
import { experimentResults } from './experiment-results.js';
import { formatExperimentReport } from './format-results.js';
import { exponentialDraw } from './simulate.js';

const EXPERIMENT: Experiment = {
  key: 'home-hero',
  placement: 'home_hero',
  version: 2,
  arms: [
    { key: 'control', treatment: 'control', weight: 1 },
    { key: 'segments', treatment: 'segments', weight: 1 },
    { key: 'personalized', treatment: 'personalized', weight: 1 },
  ],
  baseline: 'control',
  status: 'running',
  attributionHours: 168,
  marginRate: 0.3,
  startedAtMs: 0,
};

/** Conversion `rate`, orders worth exponential(50), `discount` per order; two segments by parity. */
function arm(rng: Rng, key: string, n: number, rate: number, discount: number): UnitOutcome[] {
  return Array.from({ length: n }, (_, i) => {
    const orders = rng.next() < rate ? 1 : 0;
    return {
      unit: `${key}-${i}`,
      arm: key,
      exposures: 2,
      clicks: orders > 0 || rng.next() < 0.1 ? 1 : 0,
      orders,
      revenue: orders > 0 ? exponentialDraw(rng, 50) : 0,
      discount: orders * discount,
      preRevenue: rng.next() < rate ? exponentialDraw(rng, 50) : 0,
      segments: [i % 2 === 0 ? 'returning' : 'new'],
    };
  });
}

/** "-€0.40" → -0.4. */
function money(s: string | undefined): number {
  return Number((s ?? '').replace('€', ''));
}

describe('formatExperimentReport', () => {
  const rng = createRng(21);
  const units = [...arm(rng, 'control', 30_000, 0.1, 0), ...arm(rng, 'segments', 30_000, 0.1, 0.5), ...arm(rng, 'personalized', 30_000, 0.12, 2)];
  const results = experimentResults(EXPERIMENT, units);
  const report = formatExperimentReport(results);

  it('states the headline numbers, which parse back to the results', () => {
    const m = /Personalization earned €([\d.]+) (more|less) per customer than the control \(95% always-valid interval (-?€[\d.]+) to (-?€[\d.]+); always-valid p (=|<) ([\d.]+)\); after the discounts it gave, that is €([\d.]+) (more|less) margin per customer \(95% interval (-?€[\d.]+) to (-?€[\d.]+)\)\./.exec(report);
    expect(m, report).not.toBeNull();
    const c = results.comparisons.find((x) => x.arm === 'personalized');
    const av = c?.revenuePerUnit?.alwaysValid;
    const roi = c?.roi?.roiPerUnit.estimate ?? Number.NaN;
    if (!m || !av) throw new Error('unreachable');
    const sign = m[2] === 'more' ? 1 : -1;
    expect(sign * Number(m[1])).toBeCloseTo(av.estimate, 2);
    expect(money(m[3])).toBeCloseTo(av.lower, 2);
    expect(money(m[4])).toBeCloseTo(av.upper, 2);
    if (m[5] === '=') expect(Number(m[6])).toBeCloseTo(av.pValue, 3);
    else expect(av.pValue).toBeLessThan(0.001);
    expect((m[8] === 'more' ? 1 : -1) * Number(m[7])).toBeCloseTo(roi, 2);
    expect(money(m[9])).toBeCloseTo(c?.roi?.roiPerUnit.lower ?? Number.NaN, 2);
    expect(money(m[10])).toBeCloseTo(c?.roi?.roiPerUnit.upper ?? Number.NaN, 2);
    expect(report).toContain(`Verdict: **${c?.verdict.verdict}**`);
  });

  it('says what was compared, has a table per metric, the SRM check, segments, labelled Bayesian numbers and caveats', () => {
    expect(report).toContain('## What was compared');
    expect(report).toContain('**Control** (baseline)');
    expect(report).toContain('**Segment targeting**');
    expect(report).toContain('## Personalization vs Control');
    expect(report).toContain('## Segment targeting vs Control');
    for (const metric of ['| Conversion (customers who ordered) |', '| Revenue per customer |', '(CUPED)', '| Average order value |', '| Click-through |', '| Discount per customer |', '**Return (margin − cost)**']) expect(report).toContain(metric);
    expect(report).toContain('## Traffic split check (sample-ratio mismatch)');
    expect(report).toContain('OK (chi-square p');
    expect(report).toMatch(/\| `returning` \| 15,000 \/ 15,000 \|/);
    expect(report).toMatch(/Bayesian chance that Personalization converts better than the control: \d+\.\d%/);
    expect(report).toContain('## Caveats');
    expect(report).not.toContain('NaN');
    expect(report).not.toContain('undefined');
  });

  it('warns about small samples and a broken split', () => {
    const small = formatExperimentReport(
      experimentResults({ ...EXPERIMENT, arms: EXPERIMENT.arms.slice(0, 2).map((a) => ({ ...a, treatment: a.key === 'segments' ? 'personalized' : a.treatment })) }, [...arm(rng, 'control', 300, 0.1, 0), ...arm(rng, 'segments', 150, 0.1, 0)]),
      { currency: '$' },
    );
    expect(small).toContain('**Mismatch**');
    expect(small).toContain('do not act on these results');
    expect(small).toMatch(/Small samples: Control has 300 customers/);
    expect(small).toContain('Personalization (`segments`)');
    expect(small).toMatch(/\$\d/);
    expect(small).not.toContain('€');
  });
});

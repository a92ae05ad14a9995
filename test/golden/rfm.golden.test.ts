import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitRfmBoundaries } from '../../src/core/segments/rfm/fit-rfm-boundaries.js';
import type { RfmFeatures } from '../../src/core/segments/rfm/rfm-boundaries.js';
import { DEFAULT_RFM_CONFIG } from '../../src/core/segments/rfm/rfm-config.js';
import type { RfmConfig } from '../../src/core/segments/rfm/rfm-config.js';
import { nameRfmSegment, RFM_SEGMENT_KEYS } from '../../src/core/segments/rfm/rfm-segments.js';
import { scoreRfm } from '../../src/core/segments/rfm/score-rfm.js';

/**
 * Language-neutral RFM cases. A `population` case fits boundaries over the population, then scores
 * every member (expected.scores, in order; null = not scored) and optional unseen `probes`
 * (expected.probeScores); expected.segments are the named segments of the members. A `score` case
 * names one score. Cases whose name starts with "pandas reference" were computed with pandas 1.5 /
 * numpy 1.24 (/usr/bin/python3): for distinct values `pd.qcut(x.rank(method='first'), B)`, and with
 * ties `pd.cut(x.rank(method=ties), np.quantile(np.arange(1, N + 1), np.linspace(0, 1, B + 1)),
 * include_lowest=True)`: qcut's edges over the ranks 1..N, applied to the tie-aware ranks.
 */
type GoldenCase =
  | {
      readonly name: string;
      readonly why?: string;
      readonly config: Partial<RfmConfig>;
      readonly population: readonly RfmFeatures[];
      readonly probes?: readonly RfmFeatures[];
      readonly expected: {
        readonly scores: readonly (string | null)[];
        readonly segments?: readonly (string | null)[];
        readonly probeScores?: readonly (string | null)[];
      };
    }
  | {
      readonly name: string;
      readonly score: { readonly r: number; readonly f: number; readonly m: number; readonly buckets: number };
      readonly expected: { readonly key: string; readonly cell: { readonly r: number; readonly fm: number } };
    };

const cases = JSON.parse(readFileSync(new URL('./rfm.cases.json', import.meta.url), 'utf8')) as GoldenCase[];
const FITTED_AT_MS = Date.parse('2026-01-15T00:00:00.000Z');

describe('rfm golden cases', () => {
  it('has enough uniquely named cases, covering every segment and every tie rule', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    const keys = new Set(cases.flatMap((c) => ('score' in c ? [c.expected.key] : (c.expected.segments ?? []))));
    for (const key of RFM_SEGMENT_KEYS) expect(keys).toContain(key);
    const ties = new Set(cases.flatMap((c) => ('config' in c ? [c.config.ties] : [])));
    expect([...ties].sort()).toEqual(['average', 'min']);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    if ('score' in c) {
      const match = nameRfmSegment(c.score);
      expect({ key: match.key, cell: match.cell }).toEqual(c.expected);
      return;
    }
    const boundaries = fitRfmBoundaries(c.population, { ...DEFAULT_RFM_CONFIG, ...c.config }, FITTED_AT_MS);
    // The stored form is what scores in production: round-trip it through JSON first.
    const stored = JSON.parse(JSON.stringify(boundaries)) as typeof boundaries;
    const scores = c.population.map((p) => scoreRfm(p, stored));
    expect(scores.map((s) => s?.score ?? null)).toEqual(c.expected.scores);
    if (c.expected.segments !== undefined) {
      expect(scores.map((s) => (s === null ? null : nameRfmSegment(s).key))).toEqual(c.expected.segments);
    }
    if (c.expected.probeScores !== undefined) {
      expect((c.probes ?? []).map((p) => scoreRfm(p, stored)?.score ?? null)).toEqual(c.expected.probeScores);
    }
  });
});

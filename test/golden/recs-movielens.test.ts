import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fitPopularity, recommendPopular } from '../../src/core/recs/popularity.js';
import { evaluateOnSplit, parseRatingsTsv, prepareSplit } from '../../src/core/recs/protocol.js';

/**
 * The most-popular rows of the MovieLens-100k benchmark (Microsoft Recommenders protocol, splits and
 * reference values in shared/datasets/movielens-100k/splits/README.md): a check of the evaluation
 * harness to 4 decimals. The data are read from the shared datasets (never committed); without them
 * the suite is skipped and says so.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATASETS = process.env['ATTUNE_DATASETS_DIR'] ?? join(ROOT, '..', 'shared', 'datasets');
const DIR = join(DATASETS, 'movielens-100k', 'splits');

const REFERENCE = {
  'item-stratified': { map: 0.055959, ndcg: 0.252353, precision: 0.228738, recall: 0.113188 },
  'user-stratified': { map: 0.055473, ndcg: 0.249785, precision: 0.22386, recall: 0.110077 },
} as const;

const splits = Object.keys(REFERENCE) as (keyof typeof REFERENCE)[];
const present = splits.every((s) => existsSync(join(DIR, `${s}-train.tsv`)) && existsSync(join(DIR, `${s}-test.tsv`)));
if (!present) process.stderr.write(`recs-movielens: skipped, MovieLens-100k split files not found under ${DIR} (set ATTUNE_DATASETS_DIR)\n`);

describe.skipIf(!present)('MovieLens-100k most-popular baseline (Microsoft Recommenders protocol)', () => {
  for (const split of splits) {
    it(`${split}: MAP, NDCG@10, P@10, R@10 match the reference to 4 decimals`, () => {
      const data = prepareSplit(
        parseRatingsTsv(readFileSync(join(DIR, `${split}-train.tsv`), 'utf8')),
        parseRatingsTsv(readFileSync(join(DIR, `${split}-test.tsv`), 'utf8')),
      );
      const model = fitPopularity(data.train);
      const report = evaluateOnSplit(data, (u, k) => recommendPopular(model, data.train, u, k), 10);
      const ref = REFERENCE[split];
      expect(report.users).toBe(943);
      expect(Math.abs(report.map - ref.map)).toBeLessThan(5e-5);
      expect(Math.abs(report.ndcg - ref.ndcg)).toBeLessThan(5e-5);
      expect(Math.abs(report.precision - ref.precision)).toBeLessThan(5e-5);
      expect(Math.abs(report.recall - ref.recall)).toBeLessThan(5e-5);
    });
  }
});

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/shared/rng.js';
import { makeTempDir, parseJsonOutput, REPO_ROOT, runCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-eval-recs-');
afterAll(() => tmp.remove());

interface Rating {
  readonly user: number;
  readonly item: number;
  readonly time: number;
}

/**
 * Users with clear tastes: 3 clusters of 50 users, each cluster rating ~12 of its own 25 items (a few
 * of them more popular than others) and 2 items at random. Cluster 0 is the largest, so the globally
 * popular items are mostly cluster 0's: most-popular is right for a third of the users, EASE for all.
 */
function ratings(): Rating[] {
  const rng = createRng(7);
  const out: Rating[] = [];
  const sizes = [70, 40, 40];
  let user = 0;
  for (const [cluster, size] of sizes.entries()) {
    for (let n = 0; n < size; n++, user++) {
      const items = new Set<number>();
      while (items.size < 12) items.add(cluster * 25 + Math.min(rng.nextInt(25), rng.nextInt(25)));
      while (items.size < 14) items.add(rng.nextInt(75));
      let time = 1_700_000_000 + rng.nextInt(1000);
      for (const item of items) out.push({ user, item, time: (time += 1 + rng.nextInt(500)) });
    }
  }
  return out;
}

interface RecsJson {
  readonly split: string;
  readonly trainRatings: number;
  readonly testRatings: number;
  readonly results: readonly { readonly algorithm: string; readonly ndcg: number; readonly precision: number; readonly map: number; readonly recall: number; readonly coverage: number; readonly lambda: number | null; readonly lambdaScores: readonly unknown[]; readonly trainSeconds: number }[];
}

const all = ratings();
const csv = join(tmp.path, 'ratings.csv');
writeFileSync(csv, `user_id,item_id,rating,timestamp\n${all.map((r) => `u${r.user},m${r.item},4,${r.time}`).join('\n')}\n`);

describe.concurrent('attune eval recs', () => {
  it('splits a CSV (seeded) and EASE beats most-popular on users with clear tastes', async () => {
    const result = await runCli(['eval', 'recs', '--ratings', csv, '--split', 'random', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const run = parseJsonOutput(result) as RecsJson;
    expect(run.split).toBe('random');
    expect(run.testRatings).toBe(Math.round(all.length / 4));
    expect(run.trainRatings + run.testRatings).toBe(all.length);
    const [pop, ease] = run.results;
    expect(pop?.algorithm).toBe('popularity');
    expect(ease?.algorithm).toBe('ease');
    expect(ease?.lambdaScores).toHaveLength(7);
    expect(ease?.ndcg ?? 0).toBeGreaterThan((pop?.ndcg ?? 1) + 0.15);
    expect(ease?.map ?? 0).toBeGreaterThan(pop?.map ?? 1);
    expect(ease?.coverage ?? 0).toBeGreaterThan(pop?.coverage ?? 1);
    for (const r of run.results) expect(r.trainSeconds).toBeGreaterThanOrEqual(0);
  });

  it('prints a Markdown table for the time split, reproducibly', async () => {
    const args = ['eval', 'recs', '--ratings', csv, '--split', 'time', '--lambdas', '10,100', '--k', '5'];
    const first = await runCli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('split: time, seed 42');
    expect(first.stdout).toContain('| algorithm | P@5 | R@5 | NDCG@5 | MAP@5 | coverage | users | train s |');
    expect(first.stdout).toMatch(/^\| popularity \| 0\.\d{4} \|/m);
    expect(first.stdout).toMatch(/^\| ease \(λ=(10|100)\) \| 0\.\d{4} \|/m);
    const strip = (s: string): string => s.replace(/\| [\d.]+ \|\n/g, '|\n').replace(/\(validation.*$/m, '');
    expect(strip((await runCli(args)).stdout)).toBe(strip(first.stdout));
  });

  it('uses --train and --test files as they are (movielens format)', async () => {
    const train = join(tmp.path, 'train.tsv');
    const test = join(tmp.path, 'test.tsv');
    // Each user's last 3 ratings are the test set.
    const last = new Map<number, number>();
    for (const r of all) last.set(r.user, (last.get(r.user) ?? 0) + 1);
    const seen = new Map<number, number>();
    const lines = { train: [] as string[], test: [] as string[] };
    for (const r of all) {
      const n = (seen.get(r.user) ?? 0) + 1;
      seen.set(r.user, n);
      (n > (last.get(r.user) ?? 0) - 3 ? lines.test : lines.train).push(`${r.user + 1}\t${r.item + 1}\t4\t${r.time}`);
    }
    writeFileSync(train, `${lines.train.join('\n')}\n`);
    writeFileSync(test, `${lines.test.join('\n')}\n`);
    const result = await runCli(['eval', 'recs', '--train', train, '--test', test, '--format', 'movielens', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const run = parseJsonOutput(result) as RecsJson;
    expect(run.split).toBe('given');
    expect(run.trainRatings).toBe(lines.train.length);
    expect(run.testRatings).toBe(lines.test.length);
    expect(run.results[1]?.ndcg ?? 0).toBeGreaterThan(run.results[0]?.ndcg ?? 1);
    const both = await runCli(['eval', 'recs', '--ratings', csv, '--train', train, '--test', test]);
    expect(both.code).toBe(2);
  });

  it('names the missing columns and the ones the file has (exit 2)', async () => {
    const bad = join(tmp.path, 'bad.csv');
    writeFileSync(bad, 'user,movie,score\n1,2,5\n');
    const result = await runCli(['eval', 'recs', '--ratings', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no column --user-col "user_id", --item-col "item_id"');
    expect(result.stderr).toContain('columns: user, movie, score');
    const time = await runCli(['eval', 'recs', '--ratings', bad, '--user-col', 'user', '--item-col', 'movie', '--split', 'time']);
    expect(time.code).toBe(2);
    expect(time.stderr).toContain('--time-col "timestamp"');
  });
});

const SPLITS = join(process.env['ATTUNE_DATASETS_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'datasets'), 'movielens-100k', 'splits');
const present = existsSync(join(SPLITS, 'item-stratified-train.tsv')) && existsSync(join(SPLITS, 'item-stratified-test.tsv'));
if (!present) process.stderr.write(`cli-eval-recs: the MovieLens-100k check is skipped, split files not found under ${SPLITS} (set ATTUNE_DATASETS_DIR)\n`);

describe.skipIf(!present)('attune eval recs on the MovieLens-100k split files', () => {
  it('prints the reference most-popular NDCG@10 for the item-stratified split (0.2524)', async () => {
    const result = await runCli([
      'eval', 'recs', '--format', 'movielens', '--algorithms', 'popularity',
      '--train', join(SPLITS, 'item-stratified-train.tsv'), '--test', join(SPLITS, 'item-stratified-test.tsv'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const row = result.stdout.split('\n').find((l) => l.startsWith('| popularity |'))?.split('|').map((c) => c.trim());
    // | algorithm | P@10 | R@10 | NDCG@10 | MAP@10 | ...
    expect(row?.[4]).toBe('0.2524');
    expect(row?.[7]).toBe('943');
  }, 20_000);
});

import type { RankingReport } from '../../core/recs/metrics.js';

export interface RecsAlgorithmResult extends RankingReport {
  /** 'blend': the served recommender (every strategy, learned weights, default placement). */
  readonly algorithm: 'popularity' | 'ease' | 'blend';
  /** EASE's λ (chosen on a hold-out of the training data), else null. */
  readonly lambda: number | null;
  /** Seconds to fit the final model on the training data. */
  readonly trainSeconds: number;
  /** Seconds spent choosing λ (EASE), else 0. */
  readonly selectSeconds: number;
  /** Validation NDCG@k per λ candidate (EASE), else empty. */
  readonly lambdaScores: readonly { readonly lambda: number; readonly ndcg: number }[];
}

export interface RecsRun {
  /** `--ratings` file, or null when `--train`/`--test` were given. */
  readonly ratings: string | null;
  readonly train: string | null;
  readonly test: string | null;
  readonly format: 'movielens' | 'csv';
  /** The split strategy, or "given" for --train/--test. */
  readonly split: string;
  readonly seed: number;
  readonly k: number;
  readonly trainRatings: number;
  readonly testRatings: number;
  readonly trainUsers: number;
  /** Distinct training items: the candidates and the denominator of coverage. */
  readonly catalogue: number;
  readonly results: readonly RecsAlgorithmResult[];
}

const f = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');

/** The recommendation evaluation as Markdown: one row per algorithm. */
export function formatRecsReport(run: RecsRun): string {
  const k = run.k;
  const source = run.ratings !== null ? `${run.ratings} (${run.format}), split: ${run.split}, seed ${run.seed}` : `train ${run.train ?? ''}, test ${run.test ?? ''} (${run.format}, as given)`;
  const lines = [
    `# Recommendation evaluation: top ${k}`,
    '',
    `${source}.`,
    `${run.trainRatings} training ratings (${run.trainUsers} users, ${run.catalogue} items); ${run.testRatings} test ratings.`,
    'Any rating is an interaction; every test rating is relevant; a user\'s training items are never recommended.',
    '',
    `| algorithm | P@${k} | R@${k} | NDCG@${k} | MAP@${k} | coverage | users | train s |`,
    '|---|---|---|---|---|---|---|---|',
    ...run.results.map(
      (r) =>
        `| ${r.algorithm === 'ease' ? `ease (λ=${r.lambda ?? '-'})` : r.algorithm} | ${f(r.precision)} | ${f(r.recall)} | ${f(r.ndcg)} | ${f(r.map)} | ${f(r.coverage, 3)} | ${r.users} | ${f(r.trainSeconds, 3)} |`,
    ),
    '',
  ];
  for (const r of run.results) {
    if (r.lambdaScores.length === 0) continue;
    lines.push(
      `EASE λ chosen on a hold-out of the training data (validation NDCG@${k}; ${f(r.selectSeconds, 1)} s): ${r.lambdaScores.map((s) => `${s.lambda}: ${f(s.ndcg)}`).join(', ')}.`,
      '',
    );
  }
  return `${lines.join('\n')}`;
}

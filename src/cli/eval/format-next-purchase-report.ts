import type { NextPurchaseEvaluation, NextPurchaseMetrics } from '../../core/recs/engine/evaluate-next-purchase.js';

export interface NextPurchaseRun {
  readonly source: string;
  readonly fileRows: number;
  readonly purchases: number;
  readonly skipped: Readonly<Record<string, number>>;
  /** YYYY-MM-DD, and how it was chosen. */
  readonly cutoff: string;
  readonly cutoffChosen: string;
  readonly evaluation: NextPurchaseEvaluation;
}

const f = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');

/** The next-purchase evaluation as Markdown: blend against popularity, then each strategy alone. */
export function formatNextPurchaseReport(run: NextPurchaseRun): string {
  const e = run.evaluation;
  const k = e.k;
  const row = (name: string, m: NextPurchaseMetrics): string =>
    `| ${name} | ${f(m.hitRate)} | ${f(m.ndcg)} | ${f(m.precision)} | ${f(m.recall)} | ${f(m.coverage, 3)} | ${m.users} |`;
  const head = [`| ranker | hit rate@${k} | NDCG@${k} | P@${k} | R@${k} | coverage | users |`, '|---|---|---|---|---|---|---|'];
  const r = e.report;
  const skipped = Object.entries(run.skipped).map(([why, n]) => `${n} ${why}`).join(', ');
  const lines = [
    `# Next-purchase evaluation: top ${k}, time split at ${run.cutoff}`,
    '',
    `${run.source}: ${run.fileRows} rows, ${run.purchases} purchases${skipped === '' ? '' : ` (skipped: ${skipped})`}.`,
    `Cutoff ${run.cutoff} (${run.cutoffChosen}). Training: ${e.trainRows} purchases before it (${e.trainUsers} customers, ${e.trainItems} items); ` +
      `${e.testPurchases} purchases from it on.`,
    `Evaluated: ${e.usersEvaluated} customers with history and a later purchase. Relevant = every item they bought from the cutoff on ` +
      `(${f(e.repurchaseTargetShare * 100, 1)}% of targets are repurchases; ${f(e.unseenTargetShare * 100, 1)}% are items first sold later, always misses` +
      `${e.usersOnlyUnseenItems > 0 ? `; ${e.usersOnlyUnseenItems} customers bought only such items` : ''}).`,
    `Every list is the serving ranker's (default placement: bought items left out unless a replenishable one is due, near-duplicates removed).`,
    '',
    '## All next purchases',
    '',
    ...head,
    row('**blend (served)**', e.all.blend),
    row('popularity', e.all.popularity),
    ...Object.entries(e.all.strategies).map(([s, m]) => row(`${s} alone`, m)),
    '',
    `## New items only (discovery: items the customer had not bought before the cutoff)`,
    '',
    ...head,
    row('**blend (served)**', e.newItems.blend),
    row('discovery (blend, repeat weight 0)', e.newItems.discovery),
    row('popularity', e.newItems.popularity),
    '',
    '## Model',
    '',
    `- training: ${f(e.trainingMs / 1000, 1)} s (${Object.entries(r.timings).map(([step, ms]) => `${step} ${ms} ms`).join(', ')})`,
    `- personal: ${r.personal.algorithm}${r.personal.lambda === null ? '' : ` (λ=${r.personal.lambda})`}: ${r.personal.reason}`,
    `- weights (${r.weightsSource}: ${r.weightsReason}): ${Object.entries(r.weights).map(([s, w]) => `${s} ${w}`).join(', ')}`,
    ...(r.validation === null
      ? []
      : [
          `- validation window from ${new Date(r.validation.fromMs).toISOString().slice(0, 10)} (${r.validation.users} users, inside training): ` +
            `blend NDCG@${r.validation.k} ${f(r.validation.blend.ndcg)}, popularity ${f(r.validation.popularity.ndcg)}`,
        ]),
    `- time context: hour ${r.timeContext.hour.used ? 'used' : 'off'} (${r.timeContext.hour.reason}); day ${r.timeContext.day.used ? 'used' : 'off'} (${r.timeContext.day.reason})`,
    `- replenishable items: ${r.replenishableItems}`,
    '',
  ];
  return lines.join('\n');
}

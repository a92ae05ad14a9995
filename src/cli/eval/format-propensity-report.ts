import type { PropensityReport } from '../../core/models/propensity/evaluate-propensity.js';

export interface PropensityRun {
  readonly file: string;
  readonly target: string;
  readonly positive: string;
  readonly seed: number;
  readonly dropped: readonly string[];
  readonly report: PropensityReport;
}

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');
const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : '-');

/** The report as Markdown: what a person reads after `attune eval propensity`. */
export function formatPropensityReport(run: PropensityRun): string {
  const { report } = run;
  const rate = (p: number, n: number): string => `${((100 * p) / Math.max(1, n)).toFixed(1)}%`;
  const best = report.models.find((m) => m.name === 'gbdt');
  const lines = [
    `# Propensity evaluation: ${run.target} = ${run.positive}`,
    '',
    `Data: \`${run.file}\`, ${report.features} features${run.dropped.length > 0 ? ` (dropped: ${run.dropped.join(', ')})` : ''}.`,
    `Stratified split (seed ${run.seed}): train ${report.rows.train} rows (${rate(report.positives.train, report.rows.train)} positive),` +
      ` validation ${report.rows.validation}, test ${report.rows.test} (${rate(report.positives.test, report.rows.test)} positive). Every figure below is on the test rows, which no model saw.`,
    '',
    '| model | AUC | PR-AUC | log loss | Brier | train ms |',
    '|---|---|---|---|---|---|',
    ...report.models.map((m) => `| ${m.name}: ${m.description} | ${f4(m.auc)} | ${f4(m.prAuc)} | ${f4(m.logLoss)} | ${f4(m.brier)} | ${m.trainMs.toFixed(0)} |`),
    '',
  ];
  if (best !== undefined) {
    lines.push(
      '## Lift by decile (GBDT, highest scores first)',
      '',
      '| decile | rows | positives | rate | lift | cumulative capture |',
      '|---|---|---|---|---|---|',
      ...best.lift.map((r) => `| ${r.decile} | ${r.count} | ${r.positives} | ${f3(r.rate)} | ${r.lift.toFixed(2)}x | ${(100 * r.cumulativeCapture).toFixed(1)}% |`),
      '',
      '## Calibration (GBDT + Platt; predicted vs observed by tenth)',
      '',
      '| bin | rows | mean predicted | observed |',
      '|---|---|---|---|',
      ...(report.models.find((m) => m.name === 'gbdt+platt')?.calibration ?? []).map((r) => `| ${r.bin} | ${r.count} | ${f3(r.meanPredicted)} | ${f3(r.observedRate)} |`),
      '',
      `## What the GBDT uses most (share of split gain; ${report.gbdt.treesKept} of ${report.gbdt.treesGrown} trees kept)`,
      '',
      ...report.gbdt.topFeatures.map((t) => `- ${t.name}: ${(100 * t.share).toFixed(1)}%`),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

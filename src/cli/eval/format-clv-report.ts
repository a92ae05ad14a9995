import type { ClvEvaluation } from '../../core/models/clv/evaluate-clv.js';

export interface ClvRun extends ClvEvaluation {
  readonly file: string;
  readonly unit: string;
  readonly calibrationEnd: string;
  readonly holdoutEnd: string;
  readonly customers: number;
}

const f = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');

/** The CLV evaluation as Markdown. */
export function formatClvReport(run: ClvRun): string {
  const bg = run.bgNbd;
  const se = bg.standardErrors;
  const lines = [
    `# CLV evaluation: ${run.file}`,
    '',
    `${run.customers} customers; calibration to ${run.calibrationEnd}, holdout to ${run.holdoutEnd}, time unit: ${run.unit}.`,
    '',
    '## BG/NBD (repeat purchases)',
    '',
    '| parameter | estimate | std. error |',
    '|---|---|---|',
    ...(['r', 'alpha', 'a', 'b'] as const).map((k) => `| ${k} | ${f(bg.params[k])} | ${se === null ? '-' : f(se[k])} |`),
    '',
    `Log-likelihood ${f(bg.diagnostics.logLikelihood, 2)}; ${bg.diagnostics.converged ? 'converged' : '**not converged**'} (${bg.diagnostics.message}); fit ${run.fitMs.bgNbd.toFixed(0)} ms.`,
    '',
  ];
  const gg = run.gammaGamma;
  lines.push('## Gamma-Gamma (spend per purchase)', '');
  if (gg === null) lines.push(`Not fitted: ${run.gammaGammaErrors.join('; ')}`, '');
  else {
    lines.push(
      `p = ${f(gg.params.p)}, q = ${f(gg.params.q)}, v = ${f(gg.params.v)}; ${gg.diagnostics.converged ? 'converged' : '**not converged**'}; ` +
        `${gg.skippedNoRepeat} customers without repeat purchases left out; fit ${run.fitMs.gammaGamma.toFixed(0)} ms.`,
      '',
    );
  }
  const h = run.holdout;
  if (h !== null) {
    lines.push(
      `## Holdout (${f(h.length, 1)} ${run.unit}s)`,
      '',
      `Repeat purchases: actual ${h.actual}, predicted ${f(h.predicted, 1)} (${h.relativeError >= 0 ? '+' : ''}${(100 * h.relativeError).toFixed(1)}%); ` +
        `mean absolute error per customer ${f(h.meanAbsoluteError, 3)}; mean P(alive) at the calibration end ${f(h.meanProbabilityAlive, 3)}.`,
      '',
      '| calibration repeat purchases | customers | actual mean | predicted mean |',
      '|---|---|---|---|',
      ...h.byFrequency.map((g) => `| ${g.frequency} | ${g.customers} | ${f(g.actualMean, 3)} | ${f(g.predictedMean, 3)} |`),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

import type { UpliftEvaluation } from '../../core/models/uplift/evaluate-uplift.js';

export interface UpliftRun {
  readonly file: string;
  readonly treatmentCol: string;
  readonly treatment: string;
  readonly control: string;
  readonly outcome: string;
  readonly ruleCol: string | null;
  readonly seed: number;
  readonly dropped: readonly string[];
  readonly features: number;
  /** Rows whose treatment column held neither value (other arms). */
  readonly otherRows: number;
  readonly evaluation: UpliftEvaluation;
}

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');

/** The report as Markdown: what a person reads after `attune eval uplift`. */
export function formatUpliftReport(run: UpliftRun): string {
  const e = run.evaluation;
  const pct = `${Math.round(100 * e.k)}%`;
  const random = e.policies.find((p) => p.policy === 'random');
  const rule = e.policies.find((p) => p.policy === 'rule');
  const models = e.policies.filter((p) => p.policy !== 'random' && p.policy !== 'rule');
  const best = models.reduce<(typeof models)[number] | undefined>((b, p) => (b === undefined || p.qini.mean > b.qini.mean ? p : b), undefined);
  const lines = [
    `# Uplift evaluation: ${run.outcome}, ${run.treatment} vs ${run.control}`,
    '',
    `Data: \`${run.file}\`, ${e.treated} treated (${run.treatmentCol} = ${run.treatment}, outcome rate ${f3(e.treatedRate)}) and ${e.control} control` +
      ` (${run.control}, ${f3(e.controlRate)}): average effect ${f3(e.treatedRate - e.controlRate)}.` +
      `${run.otherRows > 0 ? ` ${run.otherRows} rows of other arms left out.` : ''} ${run.features} features${run.dropped.length > 0 ? ` (dropped: ${run.dropped.join(', ')})` : ''}.`,
    `${e.splits} seeded 50/50 splits (seed ${run.seed}, stratified by treatment × outcome): models fit on one half, every policy ranks the other.` +
      ` Qini = scikit-uplift's qini_auc_score (1 = perfect order, 0 = random); uplift@${pct} = treated minus control outcome rate among the top ${pct}. Mean ± sd over the splits.`,
    '',
    `| policy | Qini | sd | uplift@${pct} | sd |`,
    '|---|---|---|---|---|',
    ...e.policies.map((p) => `| ${p.policy}: ${p.description}${p.policy === 'rule' && run.ruleCol !== null ? ` (${run.ruleCol})` : ''} | ${f3(p.qini.mean)} | ${f3(p.qini.sd)} | ${f3(p.upliftAtK.mean)} | ${f3(p.upliftAtK.sd)} |`),
    '',
  ];
  if (best !== undefined && random !== undefined) {
    const overRandom = best.qini.mean - random.qini.mean;
    const noise = Math.max(best.qini.sd, random.qini.sd);
    lines.push(
      `Best model: ${best.policy} (Qini ${f3(best.qini.mean)}).` +
        ` Against random: ${overRandom > 2 * noise ? 'clearly better' : overRandom > 0 ? 'barely better (within two sd of the split-to-split spread)' : 'no better'}.` +
        (rule === undefined
          ? ''
          : ` Against the segment rule (Qini ${f3(rule.qini.mean)}): ${best.qini.mean - rule.qini.mean > 2 * Math.max(best.qini.sd, rule.qini.sd) ? 'one-to-one targeting clearly beats it' : best.qini.mean > rule.qini.mean ? 'one-to-one targeting is ahead, within the spread' : 'one-to-one targeting does not beat it'}.`),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

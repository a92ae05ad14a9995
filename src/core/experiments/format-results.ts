/**
 * A Markdown report of ExperimentResults that a marketer can read: what was compared, who got
 * what, the headline per arm (revenue per customer with its always-valid interval and p-value, and
 * the margin left after discounts), a table per metric, the traffic-split (SRM) check, the segments
 * where an arm gains or loses, the Bayesian numbers labelled as Bayesian, and caveats.
 * Pure: numbers in, text out. Money is shown with `currency` (default "€") and two decimals.
 */
import type { Treatment } from './experiment.js';
import type { ArmComparison, ArmResults, ExperimentResults, SegmentComparison } from './experiment-results.js';
import type { Interval } from './intervals.js';

export interface ReportOptions {
  /** Prefix for money amounts; default "€". */
  readonly currency?: string;
}

const TREATMENT_LABEL: Record<Treatment, string> = { control: 'Control', segments: 'Segment targeting', personalized: 'Personalization', variant: 'Message variant' };
const TREATMENT_DESCRIPTION: Record<Treatment, string> = {
  control: 'generic content: the fallback variant, popular items, no offer; no personal data',
  segments: 'content and offers chosen by segment rules only',
  variant: 'the one-to-one decision with one given message variant',
  personalized: 'one-to-one decisions: personal recommendations, bandits and stage discounts',
};

/** Below these an arm's intervals are rough and the report says so. */
const SMALL_ARM_UNITS = 1_000;
const SMALL_ARM_CONVERSIONS = 100;

/** 12345.678 → "12,345.68" (digits 2); thousands separated by commas. */
function groupedFixed(n: number, digits: number): string {
  const [int, frac] = Math.abs(n).toFixed(digits).split('.');
  return `${n < 0 ? '-' : ''}${(int ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}

function grouped(n: number): string {
  return groupedFixed(n, 0);
}

function pct(x: number | null, digits = 1): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(digits)}%`;
}

function signedPct(x: number, digits = 1): string {
  return `${x > 0 ? '+' : x < 0 ? '-' : ''}${Math.abs(x * 100).toFixed(digits)}%`;
}

function pp(x: number): string {
  return `${x > 0 ? '+' : x < 0 ? '-' : ''}${Math.abs(x * 100).toFixed(2)} pp`;
}

function pValue(p: number): string {
  return !Number.isFinite(p) ? 'n/a' : p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`;
}

export function formatExperimentReport(results: ExperimentResults, options: ReportOptions = {}): string {
  const cur = options.currency ?? '€';
  const money = (x: number | null): string => (x === null || !Number.isFinite(x) ? 'n/a' : `${x < 0 ? '-' : ''}${cur}${groupedFixed(Math.abs(x), 2)}`);
  const signedMoney = (x: number): string => `${x > 0 ? '+' : ''}${money(x)}`;
  const range = (i: { readonly lower: number; readonly upper: number }, f: (x: number) => string): string => `${f(i.lower)} to ${f(i.upper)}`;
  const level = `${Math.round(results.confidence * 1000) / 10}%`;
  const headline = (c: ArmComparison, name: string): string => {
    const r = c.revenuePerUnit;
    if (r === null) return `Not enough data yet to compare ${name} with ${baselineName}.`;
    const av = r.alwaysValid;
    const d = av?.estimate ?? r.difference.estimate;
    const earned = d === 0 ? `earned the same per customer as ${baselineName}` : `earned ${money(Math.abs(d))} ${d > 0 ? 'more' : 'less'} per customer than ${baselineName}`;
    const stats = av ? `${level} always-valid interval ${range(av, money)}; always-valid p ${pValue(av.pValue)}` : `${level} interval ${range(r.difference, money)}; p ${pValue(r.difference.pValue)}`;
    const roi = c.roi?.roiPerUnit.estimate;
    const after = roi === undefined || !c.roi ? '' : `; after the discounts it gave, that is ${money(Math.abs(roi))} ${roi >= 0 ? 'more' : 'less'} margin per customer (${level} interval ${range(c.roi.roiPerUnit, money)})`;
    return `${name} ${earned} (${stats})${after}.`;
  };

  const armByKey = new Map(results.arms.map((a) => [a.key, a]));
  const treatmentCount = new Map<Treatment, number>();
  for (const a of results.arms) treatmentCount.set(a.treatment, (treatmentCount.get(a.treatment) ?? 0) + 1);
  const label = (a: ArmResults): string => ((treatmentCount.get(a.treatment) ?? 0) > 1 || a.key !== a.treatment ? `${TREATMENT_LABEL[a.treatment]} (\`${a.key}\`)` : TREATMENT_LABEL[a.treatment]);
  const baseline = armByKey.get(results.experiment.baseline);
  if (!baseline) throw new RangeError(`formatExperimentReport: no baseline arm ${results.experiment.baseline}`);
  const baselineName = baseline.treatment === 'control' && treatmentCount.get('control') === 1 ? 'the control' : `the baseline, ${label(baseline)}`;
  const weightSum = results.arms.reduce((s, a) => s + a.weight, 0);

  const out: string[] = [];
  const e = results.experiment;
  out.push(`# Experiment \`${e.key}\`: results`);
  out.push('');
  out.push(`Placement \`${e.placement}\`, version ${e.version}, ${e.status === 'running' ? 'still running' : 'stopped'}. ${grouped(results.units)} customers. Orders count when they come within ${e.attributionHours} hours of a customer's first exposure. Margin is estimated at ${pct(e.marginRate, 0)} of revenue.`);
  out.push('');

  out.push('## What was compared');
  out.push('');
  for (const a of results.arms) {
    out.push(`- **${label(a)}**${a.isBaseline ? ' (baseline)' : ''}: ${TREATMENT_DESCRIPTION[a.treatment]}. Planned share ${pct(a.weight / weightSum, 0)} of customers; got ${grouped(a.units)}.`);
  }
  out.push('');
  out.push(`Every other arm is compared with ${baselineName}. Revenue per customer is the main measure.`);
  out.push('');

  out.push('## Headline');
  out.push('');
  for (const c of results.comparisons) {
    const arm = armByKey.get(c.arm);
    if (!arm) continue;
    out.push(`- ${headline(c, label(arm))}`);
    out.push(`  Verdict: **${c.verdict.verdict}**. ${c.verdict.reason}`);
  }
  if (results.srm.mismatch) out.push(`- **Warning:** the traffic split does not match the plan (see below); do not act on these results.`);
  out.push('');

  out.push('## Each arm');
  out.push('');
  out.push(`| Arm | Customers | Converted (${level} interval) | Revenue per customer (sd) | Orders | Average order value | Click-through (${level} interval) | Discount per customer |`);
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const a of results.arms) {
    const conv = a.conversion.rate === null ? 'n/a' : `${pct(a.conversion.rate, 2)} (${pct(a.conversion.lower, 2)} to ${pct(a.conversion.upper, 2)})`;
    const ctr = a.ctr.rate === null ? 'n/a' : a.ctr.lower === null ? pct(a.ctr.rate, 2) : `${pct(a.ctr.rate, 2)} (${pct(a.ctr.lower, 2)} to ${pct(a.ctr.upper, 2)})`;
    out.push(`| ${label(a)} | ${grouped(a.units)} | ${conv} | ${money(a.revenuePerUnit.mean)} (${money(a.revenuePerUnit.sd)}) | ${grouped(a.orders)} | ${money(a.averageOrderValue)} | ${ctr} | ${money(a.discountPerUnit)} |`);
  }
  out.push('');

  for (const c of results.comparisons) {
    const arm = armByKey.get(c.arm);
    if (!arm) continue;
    const name = label(arm);
    out.push(`## ${name} vs ${label(baseline)}`);
    out.push('');
    out.push(`Differences are ${name} minus ${label(baseline)}, with ${level} confidence intervals. These fixed-horizon intervals hold if the results are read once, at a sample size planned in advance; the always-valid ones further down hold however often you look.`);
    out.push('');
    out.push('| Metric | Baseline | This arm | Difference (interval) | Relative change (interval) | p |');
    out.push('|---|---:|---:|---:|---:|---:|');
    const liftCell = (l: Interval | null): string => (l === null ? 'n/a' : `${signedPct(l.estimate)} (${range(l, (x) => signedPct(x))})`);
    if (c.conversion) {
      const d = c.conversion.difference;
      out.push(`| Conversion (customers who ordered) | ${pct(baseline.conversion.rate, 2)} | ${pct(arm.conversion.rate, 2)} | ${pp(d.estimate)} (${range(d, pp)}) | ${liftCell(c.conversion.lift)} | ${pValue(d.pValue)} |`);
    }
    if (c.revenuePerUnit) {
      const d = c.revenuePerUnit.difference;
      out.push(`| Revenue per customer | ${money(baseline.revenuePerUnit.mean)} | ${money(arm.revenuePerUnit.mean)} | ${signedMoney(d.estimate)} (${range(d, money)}) | ${liftCell(c.revenuePerUnit.lift)} | ${pValue(d.pValue)} |`);
      const cu = c.revenuePerUnit.cuped;
      if (cu) {
        const a = cu.adjusted;
        out.push(`| Revenue per customer, adjusted for revenue before the test (CUPED) | | | ${signedMoney(a.estimate)} (${range(a, money)}) | | ${pValue(a.pValue)} |`);
      }
    }
    if (c.averageOrderValue) {
      const d = c.averageOrderValue.difference;
      out.push(`| Average order value | ${money(c.averageOrderValue.ratioA)} | ${money(c.averageOrderValue.ratioB)} | ${signedMoney(d.estimate)} (${range(d, money)}) | ${liftCell(c.averageOrderValue.lift)} | ${pValue(d.pValue)} |`);
    }
    if (c.ctr) {
      const d = c.ctr.difference;
      out.push(`| Click-through | ${pct(c.ctr.ratioA, 2)} | ${pct(c.ctr.ratioB, 2)} | ${pp(d.estimate)} (${range(d, pp)}) | ${liftCell(c.ctr.lift)} | ${pValue(d.pValue)} |`);
    }
    if (c.roi) {
      const k = c.roi.incentiveCostPerUnit;
      out.push(`| Discount per customer | ${money(baseline.discountPerUnit)} | ${money(arm.discountPerUnit)} | ${signedMoney(k.estimate)} (${range(k, money)}) | | ${pValue(k.pValue)} |`);
    }
    if (!c.conversion && !c.revenuePerUnit) out.push('| (not enough data: each arm needs at least 2 customers) | | | | | |');
    out.push('');
    const vr = c.revenuePerUnit?.cuped?.varianceReduction;
    if (vr !== undefined && vr !== null && vr >= 0.005) out.push(`Adjusting for each customer's revenue before the test (CUPED) removed ${pct(Math.max(0, vr), 0)} of the noise in the revenue difference.`);
    out.push('');

    out.push('### Always-valid results (safe to check at any time)');
    out.push('');
    out.push(`| Metric | Difference | ${level} always-valid interval | Always-valid p |`);
    out.push('|---|---:|---:|---:|');
    const cv = c.conversion?.alwaysValid;
    if (cv) out.push(`| Conversion | ${pp(cv.estimate)} | ${range(cv, pp)} | ${pValue(cv.pValue)} |`);
    const rv = c.revenuePerUnit?.alwaysValid;
    if (rv) out.push(`| Revenue per customer | ${signedMoney(rv.estimate)} | ${range(rv, money)} | ${pValue(rv.pValue)} |`);
    if (!cv && !rv) out.push('| (not enough data) | | | |');
    out.push('');

    out.push('### Return after incentives');
    out.push('');
    if (c.roi) {
      const r = c.roi;
      out.push(`Extra gross margin = extra revenue per customer × ${pct(r.marginRate, 0)} margin; incentive cost = extra discount per customer; return = margin − cost.`);
      out.push('');
      out.push('| Per customer | Estimate | Interval | Total over this arm |');
      out.push('|---|---:|---:|---:|');
      out.push(`| Extra gross margin | ${signedMoney(r.marginPerUnit.estimate)} | ${range(r.marginPerUnit, money)} | ${signedMoney(r.totals.margin)} |`);
      out.push(`| Extra incentive cost (discounts) | ${signedMoney(r.incentiveCostPerUnit.estimate)} | ${range(r.incentiveCostPerUnit, money)} | ${signedMoney(r.totals.incentiveCost)} |`);
      out.push(`| **Return (margin − cost)** | **${signedMoney(r.roiPerUnit.estimate)}** | ${range(r.roiPerUnit, money)} | **${signedMoney(r.totals.roi)}** over ${grouped(r.totals.units)} customers |`);
    } else {
      out.push('Not enough data.');
    }
    out.push('');

    out.push('### Retention and guardrail');
    out.push('');
    out.push(
      c.retention === null
        ? '- Retention: not enough data.'
        : `- Customers who ordered twice or more in the window: ${pp(c.retention.estimate)} against ${baselineName} (${range(c.retention, pp)}).`,
    );
    out.push(
      c.guardrail === null
        ? '- Refunds: not enough data.'
        : c.guardrail.breached
          ? `- **Guardrail breached: ${name} has more customers refunding** (${pp(c.guardrail.refunds.estimate)}, ${range(c.guardrail.refunds, pp)}): do not ship it on revenue alone.`
          : `- Refunds: ${pp(c.guardrail.refunds.estimate)} against ${baselineName} (${range(c.guardrail.refunds, pp)}); the guardrail holds.`,
    );
    out.push('');

    out.push('### Segments');
    out.push('');
    out.push(segmentsText(c.segments, name, signedMoney, money, pp, range, level));
    out.push('');

    out.push('### Bayesian view (a different method: a probability, not a significance test)');
    out.push('');
    if (c.conversion) out.push(`- Bayesian chance that ${name} converts better than ${baselineName}: ${pct(c.conversion.bayesian.chanceToBeatBaseline, 1)} (${c.conversion.bayesian.method}).`);
    if (c.revenuePerUnit) {
      const b = c.revenuePerUnit.bayesian;
      out.push(`- Bayesian chance that ${name} earns more per customer than ${baselineName}: ${pct(b.chanceToBeatBaseline, 1)} (${b.method}); expected loss per customer if it is shipped and is in fact worse: ${money(b.expectedLossB)}.`);
    }
    if (!c.conversion && !c.revenuePerUnit) out.push('- Not enough data.');
    out.push('');
  }

  out.push('## Traffic split check (sample-ratio mismatch)');
  out.push('');
  const expected = results.srm.expected;
  out.push('| Arm | Planned customers | Actual customers |');
  out.push('|---|---:|---:|');
  results.arms.forEach((a, i) => out.push(`| ${label(a)} | ${grouped(expected[i] ?? 0)} | ${grouped(a.units)} |`));
  out.push('');
  out.push(
    results.srm.mismatch
      ? `**Mismatch** (chi-square p ${pValue(results.srm.pValue)}, below ${results.srm.threshold}): customers did not reach the arms in the planned shares, so assignment or tracking is broken. Fix that before trusting any number above.`
      : `OK (chi-square p ${pValue(results.srm.pValue)}): the split matches the plan.`,
  );
  out.push('');

  out.push('## Caveats');
  out.push('');
  const caveats: string[] = [];
  if (results.srm.mismatch) caveats.push('The traffic split does not match the plan (sample-ratio mismatch): every result above is suspect.');
  const small = results.arms.filter((a) => a.units < SMALL_ARM_UNITS || a.conversion.count < SMALL_ARM_CONVERSIONS);
  if (small.length > 0) caveats.push(`Small samples: ${small.map((a) => `${label(a)} has ${grouped(a.units)} customers and ${grouped(a.conversion.count)} who ordered`).join('; ')}. Intervals are wide and rough; wait for more data.`);
  if (results.ignoredUnits > 0) caveats.push(`${grouped(results.ignoredUnits)} records named an arm that is not in this experiment and were left out.`);
  if (results.duplicateUnits > 0) caveats.push(`${grouped(results.duplicateUnits)} customers appear more than once and were counted each time.`);
  caveats.push('The fixed-horizon intervals and p-values are only valid if you read them once; to check repeatedly, use the always-valid results.');
  caveats.push(`Return after incentives assumes a ${pct(e.marginRate, 0)} margin on all revenue and counts discounts in full as cost.`);
  caveats.push('Segment results are not corrected for looking at many segments: a single segment "winner" can be luck. Segments are the customers\' current ones.');
  caveats.push('Bayesian chances are a different method from the p-values and answer a different question; do not read them as significance.');
  for (const c of caveats) out.push(`- ${c}`);
  out.push('');
  return out.join('\n');
}

function segmentsText(
  segments: readonly SegmentComparison[],
  name: string,
  signedMoney: (x: number) => string,
  money: (x: number) => string,
  pp: (x: number) => string,
  range: (i: { readonly lower: number; readonly upper: number }, f: (x: number) => string) => string,
  level: string,
): string {
  if (segments.length === 0) return `No segment has at least 30 customers in both arms yet.`;
  const gains = segments.filter((s) => s.outcome === 'gains').map((s) => `\`${s.segment}\``);
  const loses = segments.filter((s) => s.outcome === 'loses').map((s) => `\`${s.segment}\``);
  const lines: string[] = [];
  lines.push(`${name} earns clearly more per customer in: ${gains.length > 0 ? gains.join(', ') : 'no segment'}. Clearly less in: ${loses.length > 0 ? loses.join(', ') : 'no segment'}. Elsewhere the difference is unclear.`);
  lines.push('');
  lines.push(`| Segment | Customers (baseline / arm) | Revenue per customer difference (${level} interval) | Conversion difference (${level} interval) | Outcome |`);
  lines.push('|---|---:|---:|---:|---|');
  for (const s of segments) {
    lines.push(`| \`${s.segment}\` | ${grouped(s.baselineUnits)} / ${grouped(s.armUnits)} | ${signedMoney(s.revenuePerUnit.estimate)} (${range(s.revenuePerUnit, money)}) | ${pp(s.conversion.estimate)} (${range(s.conversion, pp)}) | ${s.outcome} |`);
  }
  return lines.join('\n');
}

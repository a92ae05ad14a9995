import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import type { ArmComparison, ArmResults, ExperimentResponse, ExperimentResultsResponse, IntervalEstimate, RateEstimate } from '../api-types.js';
import { formatCount, formatInstant, formatRate } from '../format.js';
import { LoadStatus } from '../components/load-status.js';
import { type Load, messageOf } from '../load.js';

const PUT_EXAMPLE = `PUT /v1/experiments/perso
{"placement": "home",
 "arms": [{"key": "control", "treatment": "control", "weight": 1},
          {"key": "one-to-one", "treatment": "personalized", "weight": 1}]}`;

function resultsPath(key: string, markdown: boolean): string {
  return `/v1/experiments/${encodeURIComponent(key)}/results${markdown ? '?format=markdown' : ''}`;
}

function percent(x: number | null): string {
  return x === null ? '—' : `${formatRate(x * 100)}%`;
}

function money(x: number | null): string {
  return x === null ? '—' : formatRate(x);
}

/** "12.5% (8.1% to 17.9%)": a rate with its interval. */
function rateText(r: RateEstimate): string {
  if (r.rate === null) return '—';
  return `${percent(r.rate)} (${percent(r.lower)} to ${percent(r.upper)})`;
}

function intervalText(i: { readonly estimate: number; readonly lower: number; readonly upper: number }, format: (x: number) => string): string {
  return `${format(i.estimate)} [${format(i.lower)}, ${format(i.upper)}]`;
}

function pText(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

export function ExperimentsPage() {
  const [list, setList] = useState<Load<readonly ExperimentResponse[]>>({ kind: 'loading' });
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    getJson<{ experiments: ExperimentResponse[] }>('/v1/experiments', abort.signal)
      .then(({ experiments }) => {
        setList({ kind: 'ready', value: experiments });
        const first = experiments.find((e) => e.status === 'running') ?? experiments[0];
        if (first !== undefined) setSelected(first.key);
      })
      .catch((e: unknown) => abort.signal.aborted || setList({ kind: 'error', message: messageOf(e) }));
    return () => abort.abort();
  }, []);

  return (
    <section aria-labelledby="experiments-title">
      <h1 id="experiments-title">Experiments</h1>
      <LoadStatus load={list} loading="Loading experiments…" failed="Could not load the experiments" />
      {list.kind === 'ready' && list.value.length === 0 ? (
        <div data-testid="no-experiments">
          <p>No experiments yet. An admin starts one on a decision placement, e.g.:</p>
          <pre>
            <code>{PUT_EXAMPLE}</code>
          </pre>
        </div>
      ) : null}
      {list.kind === 'ready' && list.value.length > 0 ? (
        <>
          <ExperimentList experiments={list.value} selected={selected} onPick={setSelected} />
          {selected === null ? null : <Results key={selected} experimentKey={selected} />}
        </>
      ) : null}
    </section>
  );
}

function ExperimentList(props: { readonly experiments: readonly ExperimentResponse[]; readonly selected: string | null; readonly onPick: (key: string) => void }) {
  return (
    <table data-testid="experiment-list">
      <caption class="visually-hidden">Experiments</caption>
      <thead>
        <tr>
          <th scope="col">Experiment</th>
          <th scope="col">Placement</th>
          <th scope="col">Status</th>
          <th scope="col">Arms (treatment, weight)</th>
          <th scope="col">Started</th>
        </tr>
      </thead>
      <tbody>
        {props.experiments.map((e) => (
          <tr key={e.key}>
            <th scope="row">
              <button type="button" class="secondary" aria-pressed={props.selected === e.key} aria-label={`Show results of ${e.key}`} onClick={() => props.onPick(e.key)}>
                {e.key}
              </button>
            </th>
            <td>{e.placement}</td>
            <td>
              {e.status} <span class="hint">v{e.version}</span>
            </td>
            <td>
              <ul class="reasons">
                {e.arms.map((a) => (
                  <li key={a.key}>
                    <strong>{a.key}</strong>
                    {a.key === e.baseline ? ' (baseline)' : ''}: {a.treatment}, {formatRate(a.weight)}
                  </li>
                ))}
              </ul>
            </td>
            <td class="when">{formatInstant(e.startedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Results(props: { readonly experimentKey: string }) {
  const [load, setLoad] = useState<Load<ExperimentResultsResponse>>({ kind: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    getJson<ExperimentResultsResponse>(resultsPath(props.experimentKey, false), abort.signal)
      .then((value) => setLoad({ kind: 'ready', value }))
      .catch((e: unknown) => abort.signal.aborted || setLoad({ kind: 'error', message: messageOf(e) }));
    return () => abort.abort();
  }, [props.experimentKey]);

  return (
    <article aria-labelledby="results-title" data-testid="experiment-results">
      <h2 id="results-title">Results of {props.experimentKey}</h2>
      <p>
        <a href={resultsPath(props.experimentKey, true)} target="_blank" rel="noopener noreferrer">
          Open the report as Markdown (new tab)
        </a>
      </p>
      <LoadStatus load={load} loading="Loading the results…" failed="Could not load the results" />
      {load.kind === 'ready' ? <ResultsBody r={load.value} /> : null}
    </article>
  );
}

function ResultsBody(props: { readonly r: ExperimentResultsResponse }) {
  const { experiment, results } = props.r;
  const { srm } = results;
  const confidence = `${formatRate(results.confidence * 100)}%`;
  return (
    <>
      <p>
        {formatCount(results.units)} customers exposed on <strong>{experiment.placement}</strong>; orders count for {formatRate(experiment.attributionHours)} hours after a customer's first exposure. Intervals
        are {confidence}.
      </p>
      {results.units === 0 ? <p data-testid="no-customers">No customer has seen this experiment yet: results appear once decisions are made on the placement.</p> : null}
      <p class={srm.mismatch ? 'verdict warn' : 'verdict'} data-testid="srm">
        <strong>Sample-ratio check: {srm.mismatch ? 'mismatch' : 'OK'}.</strong> Customers per arm against the configured weights: χ² {formatRate(srm.statistic)} with {srm.df} df, p {pText(srm.pValue)} (a mismatch is p &lt;{' '}
        {srm.threshold}
        {srm.mismatch ? ': assignment or logging is broken, so no verdict can be trusted' : ''}).
      </p>
      <ArmTable arms={results.arms} />
      <h3>Against the baseline ({experiment.baseline})</h3>
      {results.comparisons.length === 0 ? <p>No arm to compare yet.</p> : null}
      {results.comparisons.map((c) => (
        <Comparison key={c.arm} c={c} />
      ))}
    </>
  );
}

function ArmTable(props: { readonly arms: readonly ArmResults[] }) {
  return (
    <table data-testid="arm-table">
      <caption class="hint">Per arm. Conversion: customers with an order, with its interval. CTR: clicks per exposure.</caption>
      <thead>
        <tr>
          <th scope="col">Arm</th>
          <th scope="col" class="num">Customers</th>
          <th scope="col" class="num">Conversion</th>
          <th scope="col" class="num">Revenue / customer</th>
          <th scope="col" class="num">CTR</th>
          <th scope="col" class="num">Discount / customer</th>
        </tr>
      </thead>
      <tbody>
        {props.arms.map((a) => (
          <tr key={a.key}>
            <th scope="row">
              {a.key} <span class="hint">{a.isBaseline ? 'baseline' : a.treatment}</span>
            </th>
            <td class="num">{formatCount(a.units)}</td>
            <td class="num">{rateText(a.conversion)}</td>
            <td class="num">{money(a.revenuePerUnit.mean)}</td>
            <td class="num">{percent(a.ctr.rate)}</td>
            <td class="num">{money(a.discountPerUnit)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Comparison(props: { readonly c: ArmComparison }) {
  const { c } = props;
  const av = c.revenuePerUnit?.alwaysValid ?? null;
  const guard: IntervalEstimate | null = c.guardrail?.refunds ?? null;
  return (
    <article class="model-card" aria-labelledby={`cmp-${c.arm}`} data-testid={`comparison-${c.arm}`}>
      <h4 id={`cmp-${c.arm}`}>
        {c.arm} vs {c.baseline}
      </h4>
      <p class={c.verdict.verdict === 'inconclusive' ? 'verdict warn' : 'verdict'} data-testid="verdict">
        <strong>Verdict: {c.verdict.verdict}.</strong> {c.verdict.reason}
      </p>
      <dl class="facts">
        <dt>Revenue per customer, difference (always valid)</dt>
        <dd>{av === null ? 'not enough customers yet' : `${intervalText(av, money)}, p ${pText(av.pValue)} after ${av.looks} look${av.looks === 1 ? '' : 's'}${av.significant ? ' (significant)' : ''}`}</dd>
        <dt>ROI per customer</dt>
        <dd>{c.roi === null ? 'not enough customers yet' : `${intervalText(c.roi.roiPerUnit, money)} at a ${percent(c.roi.marginRate)} margin; ${money(c.roi.totals.roi)} over ${formatCount(c.roi.totals.units)} customers`}</dd>
        <dt>Refund guardrail</dt>
        <dd>{c.guardrail === null || guard === null ? 'not enough customers yet' : `${c.guardrail.breached ? 'breached: this arm refunds significantly more' : 'not breached'} (refund rate difference ${intervalText(guard, percent)})`}</dd>
      </dl>
    </article>
  );
}

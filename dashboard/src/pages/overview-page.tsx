import { LoadStatus } from '../components/load-status.js';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from '../api.js';
import type { HistoryResponse, OverviewResponse, SegmentResponse } from '../api-types.js';
import { TimeSeriesChart } from '../components/time-series-chart.js';
import { formatCount, formatInstant, formatRate } from '../format.js';
import { alignHistories } from '../segment-history.js';

type Load<T> = { readonly kind: 'loading' } | { readonly kind: 'error'; readonly message: string } | { readonly kind: 'ready'; readonly value: T };

const CHART_SEGMENTS = 5;

function messageOf(e: unknown): string {
  return e instanceof ApiError ? `${e.message} (${e.code})` : 'The server could not be reached.';
}

/** The five largest segments by current size, with their size history (one request each). */
async function loadLargestHistories(signal: AbortSignal): Promise<ReturnType<typeof alignHistories> & { readonly count: number }> {
  const { segments } = await getJson<{ segments: SegmentResponse[] }>('/v1/segments', signal);
  const largest = [...segments].sort((a, b) => b.size - a.size || a.key.localeCompare(b.key)).slice(0, CHART_SEGMENTS);
  const histories = await Promise.all(
    largest.map(async (s) => ({
      label: s.name === s.key ? s.key : `${s.name} (${s.key})`,
      size: s.size,
      history: await getJson<HistoryResponse>(`/v1/segments/${encodeURIComponent(s.key)}/history`, signal),
    })),
  );
  return { ...alignHistories(histories, Date.now()), count: largest.length };
}

function Card(props: { readonly label: string; readonly value: string; readonly testId: string }) {
  return (
    <div class="card" data-testid={props.testId}>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

export function OverviewPage() {
  const [overview, setOverview] = useState<Load<OverviewResponse>>({ kind: 'loading' });
  const [chart, setChart] = useState<Load<Awaited<ReturnType<typeof loadLargestHistories>>>>({ kind: 'loading' });

  useEffect(() => {
    const abort = new AbortController();
    getJson<OverviewResponse>('/v1/overview', abort.signal)
      .then((value) => setOverview({ kind: 'ready', value }))
      .catch((e: unknown) => abort.signal.aborted || setOverview({ kind: 'error', message: messageOf(e) }));
    loadLargestHistories(abort.signal)
      .then((value) => setChart({ kind: 'ready', value }))
      .catch((e: unknown) => abort.signal.aborted || setChart({ kind: 'error', message: messageOf(e) }));
    return () => abort.abort();
  }, []);

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <LoadStatus load={overview} loading="Loading the numbers…" failed="Could not load the overview" />
      {overview.kind === 'ready' ? <OverviewNumbers o={overview.value} /> : null}

      <h2 id="sizes-title">Largest segments over time</h2>
      <LoadStatus load={chart} loading="Loading segment history…" failed="Could not load segment history" />
      {chart.kind === 'ready' && chart.value.count === 0 ? <p>No segments yet.</p> : null}
      {chart.kind === 'ready' && chart.value.count > 0 ? (
        <TimeSeriesChart title={`Members per day of the ${chart.value.count} largest segments`} xSeconds={chart.value.xSeconds} series={chart.value.series} />
      ) : null}
    </section>
  );
}

function OverviewNumbers(props: { readonly o: OverviewResponse }) {
  const { o } = props;
  return (
    <>
      <dl class="cards" aria-label="Totals">
        <Card testId="profiles" label="Profiles" value={formatCount(o.profiles)} />
        <Card testId="events" label="Events" value={formatCount(o.events)} />
        <Card testId="identities-merged" label="Identities merged" value={formatCount(o.identitiesMerged)} />
        <Card testId="eps-1m" label="Events/s (last minute)" value={formatRate(o.eventsPerSecond.last1m)} />
        <Card testId="eps-1h" label="Events/s (last hour)" value={formatRate(o.eventsPerSecond.last1h)} />
        <Card testId="decisions-24h" label="Decisions (24 h)" value={formatCount(o.decisionsLast24h)} />
        <Card testId="segments-count" label="Segments" value={formatCount(o.segments.length)} />
      </dl>
      <div class="columns">
        <div>
          <h2>Models</h2>
          {o.models.length === 0 ? (
            <p>No models trained yet.</p>
          ) : (
            <table>
              <caption class="visually-hidden">Models</caption>
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Version</th>
                  <th scope="col">Trained</th>
                  <th scope="col" class="num">AUC</th>
                </tr>
              </thead>
              <tbody>
                {o.models.map((m) => (
                  <tr key={m.key}>
                    <th scope="row">{m.key}</th>
                    <td>{m.kind}</td>
                    <td>{m.version}</td>
                    <td>{formatInstant(m.trainedAt)}</td>
                    <td class="num">{m.auc === null ? 'n/a' : m.auc.toFixed(3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p>
            Recommender: {o.recommender === null ? 'not trained' : `version ${o.recommender.version}, trained ${formatInstant(o.recommender.trainedAt)}`}
          </p>
        </div>
        <div>
          <h2>Experiments</h2>
          {o.experiments.length === 0 ? (
            <p>No experiments.</p>
          ) : (
            <table>
              <caption class="visually-hidden">Experiments</caption>
              <thead>
                <tr>
                  <th scope="col">Experiment</th>
                  <th scope="col">Placement</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">Arms</th>
                </tr>
              </thead>
              <tbody>
                {o.experiments.map((x) => (
                  <tr key={x.key}>
                    <th scope="row">{x.key}</th>
                    <td>{x.placement}</td>
                    <td>{x.status}</td>
                    <td class="num">{x.arms}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </>
  );
}

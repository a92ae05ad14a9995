import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from '../api.js';
import type { ModelVersionResponse, RecsStatusResponse, RecsVersion } from '../api-types.js';
import { AucBarChart } from '../components/auc-bar-chart.js';
import { formatCount, formatInstant, formatRate } from '../format.js';
import { LoadStatus } from '../components/load-status.js';
import { type Load, messageOf } from '../load.js';

type Metrics = NonNullable<ModelVersionResponse['metrics']>;

/** The recommender answers 404 until it is first trained: that is a state, not an error. */
type Recommender = { readonly kind: 'untrained' } | { readonly kind: 'trained'; readonly status: RecsStatusResponse };

function targetText(t: ModelVersionResponse['target']): string {
  switch (t.kind) {
    case 'purchase':
      return `buys within ${t.withinDays} days`;
    case 'churn':
      return `no order within ${t.withinDays} days (churn)`;
    case 'event':
      return `“${t.event}” within ${t.withinDays} days`;
    case 'clv':
      return `customer lifetime value over ${t.withinDays} days`;
  }
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${formatRate(ms / 1000)} s`;
}

export function ModelsPage() {
  const [models, setModels] = useState<Load<readonly ModelVersionResponse[]>>({ kind: 'loading' });
  const [recs, setRecs] = useState<Load<Recommender>>({ kind: 'loading' });

  useEffect(() => {
    const abort = new AbortController();
    getJson<{ models: ModelVersionResponse[] }>('/v1/models', abort.signal)
      .then(({ models: value }) => setModels({ kind: 'ready', value }))
      .catch((e: unknown) => abort.signal.aborted || setModels({ kind: 'error', message: messageOf(e) }));
    getJson<RecsStatusResponse>('/v1/recommendations/model', abort.signal)
      .then((status) => setRecs({ kind: 'ready', value: { kind: 'trained', status } }))
      .catch((e: unknown) => {
        if (abort.signal.aborted) return;
        if (e instanceof ApiError && e.status === 404) setRecs({ kind: 'ready', value: { kind: 'untrained' } });
        else setRecs({ kind: 'error', message: messageOf(e) });
      });
    return () => abort.abort();
  }, []);

  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">Models</h1>
      <h2>Prediction models</h2>
      <LoadStatus load={models} loading="Loading models…" failed="Could not load the models" />
      {models.kind === 'ready' ? <PredictionModels models={models.value} /> : null}

      <h2>Recommender</h2>
      <LoadStatus load={recs} loading="Loading the recommender…" failed="Could not load the recommender" />
      {recs.kind === 'ready' && recs.value.kind === 'untrained' ? (
        <p data-testid="recommender-untrained">
          The recommender has not been trained yet. It trains on schedule once product events (views, cart adds, orders) exist, or with <code>POST /v1/recommendations/train</code>.
        </p>
      ) : null}
      {recs.kind === 'ready' && recs.value.kind === 'trained' ? <RecommenderReport v={recs.value.status.current} versions={recs.value.status.history.length} /> : null}
    </section>
  );
}

function PredictionModels(props: { readonly models: readonly ModelVersionResponse[] }) {
  const { models } = props;
  if (models.length === 0)
    return (
      <p data-testid="no-models">
        No prediction models yet. An admin trains one with <code>POST /v1/models</code>, e.g. <code>{'{"key": "buy_30d", "target": {"kind": "purchase", "withinDays": 30}}'}</code>.
      </p>
    );
  const measured = models.filter((m) => m.metrics !== null || m.heuristicMetrics !== null || m.baselineMetrics !== null);
  return (
    <>
      {measured.length === 0 ? (
        <p>No model has held-out figures yet, so there is nothing to chart.</p>
      ) : (
        <AucBarChart groups={measured.map((m) => ({ label: m.key, model: m.metrics?.auc ?? null, heuristic: m.heuristicMetrics?.auc ?? null, baseline: m.baselineMetrics?.auc ?? null }))} />
      )}
      {models.map((m) => (
        <ModelCard key={m.key} m={m} />
      ))}
    </>
  );
}

function MetricsRow(props: { readonly label: string; readonly m: Metrics | null }) {
  const { m } = props;
  return (
    <tr>
      <th scope="row">{props.label}</th>
      {m === null ? (
        <td colSpan={5}>not measured</td>
      ) : (
        <>
          <td class="num">{m.auc.toFixed(3)}</td>
          <td class="num">{m.prAuc.toFixed(3)}</td>
          <td class="num">{m.topDecileLift.toFixed(2)}×</td>
          <td class="num">{formatCount(m.rows)}</td>
          <td class="num">{formatCount(m.positives)}</td>
        </>
      )}
    </tr>
  );
}

function ModelCard(props: { readonly m: ModelVersionResponse }) {
  const { m } = props;
  const fallback = m.kind === 'rfm-heuristic';
  return (
    <article class="model-card" aria-labelledby={`model-${m.key}`} data-testid={`model-${m.key}`}>
      <h3 id={`model-${m.key}`}>
        predicted.{m.key} <span class="hint">version {m.version}</span>
      </h3>
      <p>
        Predicts: {targetText(m.target)}. Kind: <strong>{m.kind}</strong>
        {m.trees === null ? '' : ` (${m.trees} trees)`}. Trained {formatInstant(m.trainedAt)} in {formatMs(m.trainMs)} on {formatCount(m.train.rows)} profiles ({formatCount(m.train.positives)} positive), seed {m.seed}.
      </p>
      {m.fallbackReason !== null ? (
        <p class="verdict warn" data-testid="fallback-reason">
          <strong>Not enough data{fallback ? '; the RFM heuristic is served instead' : ''}.</strong> {m.fallbackReason}
        </p>
      ) : null}
      {m.clvHoldout === undefined ? null : <p class="verdict">{m.clvHoldout.message}</p>}
      <table>
        <caption class="hint">
          Held out: profiles at {formatInstant(m.testCutoff)}, which training never saw (trained on features at {formatInstant(m.trainCutoff)}).
        </caption>
        <thead>
          <tr>
            <th scope="col">Scorer</th>
            <th scope="col" class="num">AUC</th>
            <th scope="col" class="num">PR-AUC</th>
            <th scope="col" class="num">Top-decile lift</th>
            <th scope="col" class="num">Rows</th>
            <th scope="col" class="num">Positives</th>
          </tr>
        </thead>
        <tbody>
          <MetricsRow label={fallback ? 'Served (RFM heuristic)' : 'This model'} m={m.metrics} />
          <MetricsRow label="RFM heuristic" m={m.heuristicMetrics} />
          <MetricsRow label="Logistic baseline" m={m.baselineMetrics} />
        </tbody>
      </table>
    </article>
  );
}

function RecommenderReport(props: { readonly v: RecsVersion; readonly versions: number }) {
  const { v } = props;
  const r = v.report;
  const weights = Object.entries(r.weights).sort(([, a], [, b]) => b - a);
  const contexts = Object.entries(r.timeContext);
  return (
    <article class="model-card" aria-labelledby="recs-title" data-testid="recommender">
      <h3 id="recs-title">
        Recommender <span class="hint">version {v.version}</span>
      </h3>
      <p>
        Trained {formatInstant(v.trainedAt)} in {formatMs(v.trainMs)} on {formatCount(v.events)} events up to {formatInstant(v.dataUntil)}: {formatCount(r.users)} customers, {formatCount(r.items)} items ({formatCount(r.interactions.views)} views,{' '}
        {formatCount(r.interactions.carts)} cart adds, {formatCount(r.interactions.purchases)} purchases). Personal part: {r.personal.algorithm} ({r.personal.reason}).
        {props.versions > 1 ? ` ${props.versions} versions kept.` : ''}
      </p>
      <div class="columns">
        <div>
          <h3>Validation against popularity</h3>
          {r.validation === null ? (
            <p data-testid="recs-validation">Not validated: {r.weightsReason}</p>
          ) : (
            <table data-testid="recs-validation">
              <caption class="hint">
                Next purchases of {formatCount(r.validation.users)} customers from {formatInstant(r.validation.from)}, top {r.validation.k}.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Ranking</th>
                  <th scope="col" class="num">Hit rate@{r.validation.k}</th>
                  <th scope="col" class="num">NDCG@{r.validation.k}</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">Blend (served)</th>
                  <td class="num">{r.validation.blend.hitRate.toFixed(3)}</td>
                  <td class="num">{r.validation.blend.ndcg.toFixed(3)}</td>
                </tr>
                <tr>
                  <th scope="row">Popularity</th>
                  <td class="num">{r.validation.popularity.hitRate.toFixed(3)}</td>
                  <td class="num">{r.validation.popularity.ndcg.toFixed(3)}</td>
                </tr>
              </tbody>
            </table>
          )}
          <h3>Time context</h3>
          {contexts.length === 0 ? (
            <p>No time-of-day or day-of-week test was run.</p>
          ) : (
            <ul class="reasons" data-testid="time-context">
              {contexts.map(([k, c]) => (
                <li key={k}>
                  <strong>{k === 'hour' ? 'Hour of day' : k === 'day' ? 'Day of week' : k}</strong>: {c.used ? 'used' : 'not used'}. {c.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Blend weights ({r.weightsSource})</h3>
          <p class="hint">{r.weightsReason}</p>
          <table data-testid="recs-weights">
            <caption class="visually-hidden">Blend weights</caption>
            <tbody>
              {weights.map(([k, w]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td class="num">{w.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </article>
  );
}

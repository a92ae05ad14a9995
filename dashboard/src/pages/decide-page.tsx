import { useEffect, useState } from 'preact/hooks';
import { getJson, postJson } from '../api.js';
import type { ConfigListResponse, DecisionResponse } from '../api-types.js';
import { formatInstant, formatRate } from '../format.js';
import { LoadStatus } from '../components/load-status.js';
import { type Load, messageOf } from '../load.js';

const PUT_EXAMPLE = `PUT /v1/placements/home
{"channel": "web",
 "recommendations": {"count": 4},
 "content": {"variants": [{"key": "greeting", "subject": "Hi {{ traits.first_name | default: \\"there\\" }}"}]}}`;

type Preview = { readonly kind: 'idle' } | Load<DecisionResponse>;

export function DecidePage() {
  const [placements, setPlacements] = useState<Load<readonly string[]>>({ kind: 'loading' });
  const [placement, setPlacement] = useState('');
  const [userId, setUserId] = useState('');
  const [preview, setPreview] = useState<Preview>({ kind: 'idle' });

  useEffect(() => {
    const abort = new AbortController();
    getJson<ConfigListResponse>('/v1/placements', abort.signal)
      .then(({ items }) => {
        const keys = items.map((i) => i.key);
        setPlacements({ kind: 'ready', value: keys });
        setPlacement(keys[0] ?? '');
      })
      .catch((e: unknown) => abort.signal.aborted || setPlacements({ kind: 'error', message: messageOf(e) }));
    return () => abort.abort();
  }, []);

  function decide(): void {
    const body = userId.trim() === '' ? { placement } : { placement, userId: userId.trim() };
    setPreview({ kind: 'loading' });
    postJson<DecisionResponse>('/v1/decide', body)
      .then((value) => setPreview({ kind: 'ready', value }))
      .catch((e: unknown) => setPreview({ kind: 'error', message: messageOf(e) }));
  }

  return (
    <section aria-labelledby="decide-title">
      <h1 id="decide-title">Decide preview</h1>
      <p class="hint" data-testid="decide-note">
        What a customer would get on a decision placement, and why. Previewing makes a real decision: it is logged like any other (an exposure in experiments and bandits, and it counts toward frequency caps and offer
        budgets).
      </p>
      <LoadStatus load={placements} loading="Loading placements…" failed="Could not load the placements" />
      {placements.kind === 'ready' && placements.value.length === 0 ? (
        <div data-testid="no-placements">
          <p>No decision placements yet. An admin defines one, e.g.:</p>
          <pre>
            <code>{PUT_EXAMPLE}</code>
          </pre>
        </div>
      ) : null}
      {placements.kind === 'ready' && placements.value.length > 0 ? (
        <form
          class="lookup"
          aria-label="Preview a decision"
          onSubmit={(e) => {
            e.preventDefault();
            decide();
          }}
        >
          <div>
            <label for="decide-placement">Placement</label>
            <select id="decide-placement" value={placement} onChange={(e) => setPlacement(e.currentTarget.value)}>
              {placements.value.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </div>
          <div class="grow">
            <label for="decide-user">User id</label>
            <input id="decide-user" value={userId} placeholder="empty: an anonymous visitor" onInput={(e) => setUserId(e.currentTarget.value)} />
          </div>
          <button type="submit" disabled={preview.kind === 'loading'}>
            Preview
          </button>
        </form>
      ) : null}
      {preview.kind === 'loading' ? <p role="status">Deciding…</p> : null}
      {preview.kind === 'error' ? (
        <p class="error" role="alert" data-testid="decide-error">
          Could not decide: {preview.message}
        </p>
      ) : null}
      {preview.kind === 'ready' ? <DecisionView d={preview.value} /> : null}
    </section>
  );
}

function DecisionView(props: { readonly d: DecisionResponse }) {
  const { d } = props;
  const recs = d.recommendations;
  return (
    <article aria-labelledby="decision-title" data-testid="decision">
      <h2 id="decision-title">
        {d.placement} <span class="hint">({d.channel})</span>
      </h2>
      <dl class="facts">
        <dt>Decision id</dt>
        <dd>
          <code data-testid="decision-id">{d.decisionId}</code> <span class="hint">at {formatInstant(d.at)}</span>
        </dd>
        <dt>Personalized</dt>
        <dd data-testid="personalized">{d.personalized ? 'yes' : `no: ${d.notPersonalizedReason ?? 'no reason given'}`}</dd>
        <dt>Experiment</dt>
        <dd data-testid="decision-experiment">{d.experiment === null ? 'none' : `${d.experiment.key} (version ${d.experiment.version}): arm ${d.experiment.arm}, ${d.experiment.treatment}`}</dd>
      </dl>

      <h3>Offer</h3>
      {d.offer === null ? (
        <p data-testid="offer">No offer: {d.noOfferReason ?? 'no reason given'}</p>
      ) : (
        <p data-testid="offer">
          <strong>{d.offer.name}</strong> ({d.offer.kind}
          {d.offer.discountPercent > 0 ? `, ${formatRate(d.offer.discountPercent)}% off` : ''}
          {d.offer.discountValue === null ? '' : `, worth ${formatRate(d.offer.discountValue)}`}){d.offer.headline === null ? '' : `, “${d.offer.headline}”`}: {d.offer.reason}
        </p>
      )}

      <h3>Content</h3>
      {d.content === null ? <p data-testid="content">No content on this placement.</p> : <ContentView c={d.content} />}

      <h3>Items</h3>
      {recs === null ? <p>No items on this placement.</p> : null}
      {recs !== null && recs.items.length === 0 ? <p>No items: {recs.reason}</p> : null}
      {recs !== null && recs.items.length > 0 ? (
        <table data-testid="decision-items">
          <caption class="hint">{recs.reason}</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col" class="num">Price</th>
              <th scope="col">Strategy</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {recs.items.map((i) => (
              <tr key={i.itemId}>
                <th scope="row">
                  {i.name ?? i.itemId} <span class="hint">{i.category ?? ''}</span>
                </th>
                <td class="num">{i.price === null ? '—' : formatRate(i.price)}</td>
                <td>
                  {i.strategy}
                  {i.fallback ? ' (fallback)' : ''}
                </td>
                <td>{i.reasons.map((r) => r.text).join('; ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </article>
  );
}

/**
 * The rendered variant. Subject and text are shown as text; the body is HTML from the placement's
 * templates, so it never enters the dashboard's DOM: it is shown in a sandboxed frame (no scripts,
 * no same origin, no forms; the page's CSP applies to it as well) and as escaped source.
 */
function ContentView(props: { readonly c: NonNullable<DecisionResponse['content']> }) {
  const { c } = props;
  return (
    <div data-testid="content">
      <p>
        Variant <strong>{c.variant}</strong>, chosen by {c.policy}: {c.reason}
      </p>
      <dl class="facts">
        {c.subject === null ? null : (
          <>
            <dt>Subject</dt>
            <dd data-testid="content-subject">{c.subject}</dd>
          </>
        )}
        {c.text === null ? null : (
          <>
            <dt>Text</dt>
            <dd data-testid="content-text">{c.text}</dd>
          </>
        )}
      </dl>
      {c.body === null ? null : (
        <>
          <iframe class="content-body" title={`Rendered body of ${c.variant}`} sandbox="" srcdoc={c.body} referrerpolicy="no-referrer" data-testid="content-body" />
          <details>
            <summary>HTML source</summary>
            <pre>
              <code>{c.body}</code>
            </pre>
          </details>
        </>
      )}
    </div>
  );
}

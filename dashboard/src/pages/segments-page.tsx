import { LoadStatus } from '../components/load-status.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getJson, postJson } from '../api.js';
import type { SegmentPreviewResponse, SegmentResponse } from '../api-types.js';
import { formatCount } from '../format.js';

const PREVIEW_DEBOUNCE_MS = 300;
const EXAMPLE_RULE = 'features.frequency >= 2';

type Preview =
  | { readonly kind: 'empty' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'ready'; readonly value: SegmentPreviewResponse }
  | { readonly kind: 'invalid'; readonly message: string; readonly line: number | null; readonly column: number | null }
  | { readonly kind: 'failed'; readonly message: string };

function toInvalid(e: ApiError): Preview {
  const detail = e.details.find((d) => d.position !== null) ?? e.details[0];
  return {
    kind: 'invalid',
    // The position is shown apart; the server's message repeats it at its end.
    message: (detail?.message ?? e.message).replace(/ at line \d+, column \d+$/, ''),
    line: detail?.position?.line ?? null,
    column: detail?.position?.column ?? null,
  };
}

/**
 * A draft rule is sent to POST /v1/segments/preview 300 ms after the last keystroke. Only the
 * answer to the latest draft is shown: earlier requests are aborted.
 */
function useRulePreview(text: string): Preview {
  const [preview, setPreview] = useState<Preview>({ kind: 'empty' });
  const inFlight = useRef<AbortController | null>(null);

  useEffect(() => {
    inFlight.current?.abort();
    if (text.trim() === '') {
      setPreview({ kind: 'empty' });
      return undefined;
    }
    setPreview((p) => (p.kind === 'empty' ? { kind: 'pending' } : p));
    const abort = new AbortController();
    inFlight.current = abort;
    const timer = window.setTimeout(() => {
      postJson<SegmentPreviewResponse>('/v1/segments/preview', { text }, abort.signal)
        .then((value) => setPreview({ kind: 'ready', value }))
        .catch((e: unknown) => {
          if (abort.signal.aborted) return;
          if (e instanceof ApiError && e.status === 422) setPreview(toInvalid(e));
          else setPreview({ kind: 'failed', message: e instanceof ApiError ? e.message : 'The server could not be reached.' });
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [text]);

  return preview;
}

function PreviewOutput(props: { readonly preview: Preview }) {
  const { preview } = props;
  switch (preview.kind) {
    case 'empty':
      return <p class="hint">Type a rule to see how many profiles it matches.</p>;
    case 'pending':
      return <p class="hint">Estimating…</p>;
    case 'failed':
      return (
        <p class="error" data-testid="preview-error">
          Preview failed: {preview.message}
        </p>
      );
    case 'invalid':
      return (
        <p class="error" data-testid="preview-error">
          {preview.line !== null && preview.column !== null ? (
            <strong>
              Line {preview.line}, column {preview.column}:{' '}
            </strong>
          ) : null}
          {preview.message}
        </p>
      );
    case 'ready': {
      const p = preview.value;
      return (
        <div data-testid="preview-estimate">
          <p class="estimate">
            {p.exact ? (
              <>
                <strong>{formatCount(p.estimatedSize)}</strong> of {formatCount(p.population)} profiles match (exact).
              </>
            ) : (
              <>
                About <strong>{formatCount(p.estimatedSize)}</strong> of {formatCount(p.population)} profiles (95% interval {formatCount(p.low)}–{formatCount(p.high)}), from{' '}
                {formatCount(p.matchedInSample)} matches in a sample of {formatCount(p.sampleSize)}.
              </>
            )}{' '}
            <span class="hint">{p.tookMs.toFixed(1)} ms</span>
          </p>
          {p.examples.length > 0 ? (
            <details>
              <summary>Examples ({p.examples.length})</summary>
              <ul class="examples">
                {p.examples.map((ex) => (
                  <li key={ex.profileId}>
                    <code>{ex.profileId}</code>: {ex.reasons.join('; ')}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      );
    }
  }
}

export function SegmentsPage() {
  const [segments, setSegments] = useState<{ kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; list: SegmentResponse[] }>({ kind: 'loading' });
  const [text, setText] = useState(EXAMPLE_RULE);
  const preview = useRulePreview(text);

  useEffect(() => {
    const abort = new AbortController();
    getJson<{ segments: SegmentResponse[] }>('/v1/segments', abort.signal)
      .then(({ segments: list }) => setSegments({ kind: 'ready', list: [...list].sort((a, b) => b.size - a.size || a.key.localeCompare(b.key)) }))
      .catch((e: unknown) => abort.signal.aborted || setSegments({ kind: 'error', message: e instanceof ApiError ? e.message : 'The server could not be reached.' }));
    return () => abort.abort();
  }, []);

  return (
    <section aria-labelledby="segments-title">
      <h1 id="segments-title">Segments</h1>
      <div class="columns">
        <div>
          <h2 id="builder-title">Rule builder</h2>
          <label for="rule-text">Rule</label>
          <textarea
            id="rule-text"
            rows={6}
            spellcheck={false}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            aria-describedby="rule-help rule-preview"
            aria-invalid={preview.kind === 'invalid' ? 'true' : undefined}
          />
          <p id="rule-help" class="hint">
            e.g. <code>traits.country = "UK" and did "Order Completed" at least 2 times within 30 days</code>. The size is estimated on a sample as you type.
          </p>
          <div id="rule-preview" class="preview" role="status" aria-live="polite">
            <PreviewOutput preview={preview} />
          </div>
        </div>
        <div>
          <h2>All segments</h2>
          <LoadStatus load={segments} loading="Loading…" failed="Could not load segments" />
          {segments.kind === 'ready' && segments.list.length === 0 ? <p>No segments yet.</p> : null}
          {segments.kind === 'ready' && segments.list.length > 0 ? (
            <table data-testid="segment-list">
              <caption class="visually-hidden">Segments by size</caption>
              <thead>
                <tr>
                  <th scope="col">Segment</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Rule</th>
                  <th scope="col" class="num">Members</th>
                </tr>
              </thead>
              <tbody>
                {segments.list.map((s) => (
                  <tr key={s.key}>
                    <th scope="row">
                      {s.name}
                      {s.name === s.key ? null : <span class="hint"> ({s.key})</span>}
                    </th>
                    <td>{s.kind}</td>
                    <td>
                      <code class="rule">{s.text}</code>
                    </td>
                    <td class="num">{formatCount(s.size)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      </div>
    </section>
  );
}

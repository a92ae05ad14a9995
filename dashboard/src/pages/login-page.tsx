import { useState } from 'preact/hooks';
import { ApiError, createSession } from '../api.js';
import type { SessionResponse } from '../api-types.js';

/**
 * The key is typed once, sent to POST /v1/session and dropped: the input is cleared and nothing is
 * stored. The server answers with an HttpOnly cookie and a CSRF token (kept in memory by api.ts).
 */
export function LoginPage(props: { readonly reason: string | null; readonly onSignedIn: (s: SessionResponse) => void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    if (key.trim() === '') {
      setError('Enter a key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await createSession(key.trim());
      setKey('');
      props.onSignedIn(session);
    } catch (err) {
      setKey('');
      setError(err instanceof ApiError ? err.message : 'The server could not be reached.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <h1>Attune</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby="login-help">
        <label for="login-key">API key</label>
        <input
          id="login-key"
          name="key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-invalid={error === null ? undefined : 'true'}
          aria-errormessage={error === null ? undefined : 'login-error'}
        />
        <p id="login-help" class="hint">
          The admin key (or a read key). It is exchanged for a session cookie and not kept in the browser.
        </p>
        {props.reason !== null && error === null ? <p class="notice">{props.reason}</p> : null}
        {error !== null ? (
          <p id="login-error" class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getJson, postJson, request } from '../api.js';
import type { CreatedKeyResponse, KeyResponse, SessionResponse } from '../api-types.js';
import { formatInstant } from '../format.js';
import { LoadStatus } from '../components/load-status.js';
import { type Load, messageOf } from '../load.js';

type KeyScope = KeyResponse['scope'];
const SCOPES: readonly { readonly scope: KeyScope; readonly label: string }[] = [
  { scope: 'write', label: 'write (send events)' },
  { scope: 'read', label: 'read (dashboard, decisions)' },
  { scope: 'admin', label: 'admin (everything)' },
];

/** GET /v1/keys answers 403 to a read session: that is a state of the page, not an error. */
type KeyList = { readonly kind: 'forbidden' } | { readonly kind: 'listed'; readonly keys: readonly KeyResponse[] };

/** The one moment a secret exists in the browser: in this state, until "Done" or leaving the page. */
interface NewKey {
  readonly name: string;
  readonly scope: KeyScope;
  readonly secret: string;
}

const NEEDS_ADMIN = 'Managing keys needs an admin session.';

export function SettingsPage(props: { readonly session: SessionResponse }) {
  const { session } = props;
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <h2>This session</h2>
      <dl class="facts" data-testid="session-facts">
        <dt>User</dt>
        <dd>{session.user}</dd>
        <dt>Scope</dt>
        <dd>{session.scope}</dd>
        <dt>Workspace</dt>
        <dd>{session.workspace}</dd>
        <dt>Expires</dt>
        <dd>{formatInstant(session.expiresAt)}</dd>
      </dl>

      <h2>API keys of {session.workspace}</h2>
      {session.scope === 'admin' ? (
        <KeyManager />
      ) : (
        <p data-testid="keys-need-admin">{NEEDS_ADMIN}</p>
      )}
    </section>
  );
}

function KeyManager() {
  const [list, setList] = useState<Load<KeyList>>({ kind: 'loading' });
  const [reloads, setReloads] = useState(0);
  const [newKey, setNewKey] = useState<NewKey | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    getJson<{ keys: KeyResponse[] }>('/v1/keys', abort.signal)
      .then(({ keys }) => setList({ kind: 'ready', value: { kind: 'listed', keys } }))
      .catch((e: unknown) => {
        if (abort.signal.aborted) return;
        if (e instanceof ApiError && e.status === 403) setList({ kind: 'ready', value: { kind: 'forbidden' } });
        else setList({ kind: 'error', message: messageOf(e) });
      });
    return () => abort.abort();
  }, [reloads]);

  function reload(): void {
    setReloads((n) => n + 1);
  }

  if (list.kind === 'ready' && list.value.kind === 'forbidden') return <p data-testid="keys-need-admin">{NEEDS_ADMIN}</p>;
  return (
    <>
      <CreateKeyForm
        onCreated={(created) => {
          setNewKey(created);
          reload();
        }}
      />
      {newKey === null ? null : <NewKeySecret created={newKey} onDone={() => setNewKey(null)} />}
      <LoadStatus load={list} loading="Loading the keys…" failed="Could not load the keys" />
      {list.kind === 'ready' && list.value.kind === 'listed' ? <KeyTable keys={list.value.keys} onChanged={reload} /> : null}
    </>
  );
}

function CreateKeyForm(props: { readonly onCreated: (created: NewKey) => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<KeyScope>('write');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') {
      setError('Give the key a name, e.g. the system that will use it.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await postJson<CreatedKeyResponse>('/v1/keys', { name: trimmed, scope });
      setName('');
      props.onCreated({ name: created.name, scope: created.scope, secret: created.secret });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="key-form" onSubmit={(e) => void submit(e)} aria-label="Create an API key">
      <div class="grow">
        <label for="key-name">Key name</label>
        <input
          id="key-name"
          value={name}
          maxLength={200}
          autoComplete="off"
          aria-invalid={error === null ? undefined : 'true'}
          aria-describedby={error === null ? undefined : 'key-create-error'}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </div>
      <div>
        <label for="key-scope">Scope</label>
        <select id="key-scope" value={scope} onChange={(e) => setScope(toScope(e.currentTarget.value))}>
          {SCOPES.map((s) => (
            <option key={s.scope} value={s.scope}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={busy}>
        {busy ? 'Creating…' : 'Create key'}
      </button>
      {error === null ? null : (
        <p id="key-create-error" class="error" role="alert">
          Could not create the key: {error}
        </p>
      )}
    </form>
  );
}

function toScope(value: string): KeyScope {
  return value === 'read' || value === 'admin' ? value : 'write';
}

function NewKeySecret(props: { readonly created: NewKey; readonly onDone: () => void }) {
  const { created } = props;
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [created.secret]);

  function copy(): void {
    field.current?.select();
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (clipboard === undefined) {
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
      return;
    }
    clipboard.writeText(created.secret).then(
      () => setCopied('Copied to the clipboard.'),
      () => setCopied('The browser refused the clipboard; the secret is selected: press Ctrl+C (⌘C).'),
    );
  }

  return (
    <div class="new-key" role="region" aria-labelledby="new-key-title" data-testid="new-key">
      <h3 id="new-key-title">
        New {created.scope} key “{created.name}”
      </h3>
      <p>
        <strong>Copy the secret now: it will not be shown again.</strong> The dashboard does not keep it; if it is lost, revoke the key and create another.
      </p>
      <label for="new-key-secret">Secret of {created.name}</label>
      <div class="secret-row">
        <input id="new-key-secret" ref={field} readOnly value={created.secret} spellcheck={false} autoComplete="off" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="secondary" onClick={copy}>
          Copy
        </button>
        <button type="button" onClick={props.onDone}>
          Done
        </button>
      </div>
      <p class="hint" role="status">
        {copied ?? ''}
      </p>
    </div>
  );
}

function KeyTable(props: { readonly keys: readonly KeyResponse[]; readonly onChanged: () => void }) {
  const { keys } = props;
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const showLastUsed = keys.some((k) => k.lastUsedAt !== undefined);

  async function revoke(key: KeyResponse): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await request<void>('DELETE', `/v1/keys/${encodeURIComponent(key.id)}`);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? `“${key.name}” was already revoked or no longer exists.` : `Could not revoke “${key.name}”: ${messageOf(err)}`);
    } finally {
      setBusy(false);
      setConfirming(null);
      props.onChanged();
    }
  }

  if (keys.length === 0) return <p data-testid="no-keys">This workspace has no API keys.</p>;
  return (
    <>
      {error === null ? null : (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table data-testid="key-list">
        <caption class="visually-hidden">API keys</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Scope</th>
            <th scope="col">Starts with</th>
            <th scope="col">Created</th>
            {showLastUsed ? <th scope="col">Last used</th> : null}
            <th scope="col">Status</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} class={k.revokedAt === null ? undefined : 'revoked'} data-testid="key-row">
              <th scope="row">{k.name}</th>
              <td>{k.scope}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td class="when">{formatInstant(k.createdAt)}</td>
              {showLastUsed ? <td class="when">{formatInstant(k.lastUsedAt ?? null)}</td> : null}
              <td data-testid="key-status">{k.revokedAt === null ? 'Active' : `Revoked ${formatInstant(k.revokedAt)}`}</td>
              <td>
                {k.revokedAt !== null ? null : confirming === k.id ? (
                  <ConfirmRevoke name={k.name} busy={busy} onRevoke={() => void revoke(k)} onCancel={() => setConfirming(null)} />
                ) : (
                  <button type="button" class="secondary" aria-label={`Revoke ${k.name}`} disabled={busy} onClick={() => setConfirming(k.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ConfirmRevoke(props: { readonly name: string; readonly busy: boolean; readonly onRevoke: () => void; readonly onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  // Focus the safe choice: Enter right after "Revoke" must not revoke.
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div class="confirm" role="group" aria-label={`Confirm revoking ${props.name}`}>
      <span>Really revoke {props.name}? Anything using it stops working.</span>
      <button type="button" class="danger" disabled={props.busy} onClick={props.onRevoke}>
        Revoke
      </button>
      <button type="button" class="secondary" ref={cancel} disabled={props.busy} onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}

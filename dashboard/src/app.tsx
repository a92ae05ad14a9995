import { useEffect, useState } from 'preact/hooks';
import { ApiError, deleteSession, fetchSession, setCsrfToken, setUnauthorizedHandler } from './api.js';
import type { SessionResponse } from './api-types.js';
import { DecidePage } from './pages/decide-page.js';
import { ExperimentsPage } from './pages/experiments-page.js';
import { LoginPage } from './pages/login-page.js';
import { ModelsPage } from './pages/models-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { ProfilesPage } from './pages/profiles-page.js';
import { SegmentsPage } from './pages/segments-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { hrefOf, type Route, useRoute } from './router.js';

type SessionState = { readonly kind: 'loading' } | { readonly kind: 'anonymous'; readonly reason: string | null } | { readonly kind: 'signed-in'; readonly session: SessionResponse };

const NAV: readonly { readonly route: Route; readonly label: string }[] = [
  { route: 'overview', label: 'Overview' },
  { route: 'segments', label: 'Segments' },
  { route: 'profiles', label: 'Profiles' },
  { route: 'models', label: 'Models' },
  { route: 'experiments', label: 'Experiments' },
  { route: 'decide', label: 'Decide preview' },
  { route: 'settings', label: 'Settings' },
];

export function App() {
  const route = useRoute();
  const [state, setState] = useState<SessionState>({ kind: 'loading' });

  function signIn(session: SessionResponse): void {
    setCsrfToken(session.csrfToken);
    setState({ kind: 'signed-in', session });
  }

  function signOut(reason: string | null): void {
    setCsrfToken(null);
    setState({ kind: 'anonymous', reason });
  }

  useEffect(() => {
    setUnauthorizedHandler(() => signOut('Your session has ended; sign in again.'));
    fetchSession()
      .then((s) => (s === null ? signOut(null) : signIn(s)))
      .catch((e: unknown) => signOut(e instanceof ApiError ? e.message : 'The server could not be reached.'));
  }, []);

  if (state.kind === 'loading') return <p class="loading" role="status">Loading…</p>;
  if (state.kind === 'anonymous') return <LoginPage reason={state.reason} onSignedIn={signIn} />;

  const { session } = state;
  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">Attune</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.route}>
                <a href={hrefOf(item.route)} aria-current={route === item.route ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who" title={`expires ${session.expiresAt}`}>
          {session.user} · {session.workspace}
        </span>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            deleteSession()
              .catch(() => undefined)
              .finally(() => signOut(null));
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">
        <Page route={route} session={session} />
      </main>
    </div>
  );
}

function Page(props: { readonly route: Route; readonly session: SessionResponse }) {
  switch (props.route) {
    case 'overview':
      return <OverviewPage />;
    case 'segments':
      return <SegmentsPage />;
    case 'profiles':
      return <ProfilesPage />;
    case 'models':
      return <ModelsPage />;
    case 'experiments':
      return <ExperimentsPage />;
    case 'decide':
      return <DecidePage />;
    case 'settings':
      return <SettingsPage session={props.session} />;
  }
}

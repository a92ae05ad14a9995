import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from '../api.js';
import type { ProfileFeatures, ProfileListResponse, ProfileResponse, TimelineResponse } from '../api-types.js';
import { formatCount, formatInstant, formatRate } from '../format.js';
import { formatValue, type Load, messageOf } from '../load.js';

const LIST_LIMIT = 20;
const TIMELINE_LIMIT = 20;

type LookupKind = 'user_id' | 'anonymous_id';

/** Which profile is shown: typed in the form, or picked from the list. */
type Lookup = { readonly kind: LookupKind | 'profile_id'; readonly value: string };

type Detail =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading'; readonly lookup: Lookup }
  | { readonly kind: 'not-found'; readonly lookup: Lookup }
  | { readonly kind: 'error'; readonly lookup: Lookup; readonly message: string }
  | { readonly kind: 'ready'; readonly lookup: Lookup; readonly profile: ProfileResponse; readonly timeline: Load<TimelineResponse> };

const LOOKUP_LABEL: Record<Lookup['kind'], string> = { user_id: 'user id', anonymous_id: 'anonymous id', profile_id: 'profile id' };

function profilePath(lookup: Lookup): string {
  const id = encodeURIComponent(lookup.value);
  switch (lookup.kind) {
    case 'user_id':
      return `/v1/profiles/${id}`;
    case 'anonymous_id':
      return `/v1/profiles/anonymous/${id}`;
    case 'profile_id':
      return `/v1/profiles/id/${id}`;
  }
}

/** Look up one customer, or pick one from the first page of profiles (never all of them). */
export function ProfilesPage() {
  const [list, setList] = useState<Load<ProfileListResponse>>({ kind: 'loading' });
  const [detail, setDetail] = useState<Detail>({ kind: 'idle' });
  const [lookupKind, setLookupKind] = useState<LookupKind>('user_id');
  const [lookupValue, setLookupValue] = useState('');

  useEffect(() => {
    const abort = new AbortController();
    getJson<ProfileListResponse>(`/v1/profiles?limit=${LIST_LIMIT}`, abort.signal)
      .then((value) => setList({ kind: 'ready', value }))
      .catch((e: unknown) => abort.signal.aborted || setList({ kind: 'error', message: messageOf(e) }));
    return () => abort.abort();
  }, []);

  async function show(lookup: Lookup): Promise<void> {
    setDetail({ kind: 'loading', lookup });
    let profile: ProfileResponse;
    try {
      profile = await getJson<ProfileResponse>(profilePath(lookup));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setDetail({ kind: 'not-found', lookup });
      else setDetail({ kind: 'error', lookup, message: messageOf(e) });
      return;
    }
    setDetail({ kind: 'ready', lookup, profile, timeline: { kind: 'loading' } });
    const timeline = await getJson<TimelineResponse>(`${profile.links.timeline}?limit=${TIMELINE_LIMIT}`).then(
      (value): Load<TimelineResponse> => ({ kind: 'ready', value }),
      (e: unknown): Load<TimelineResponse> => ({ kind: 'error', message: messageOf(e) }),
    );
    setDetail((d) => (d.kind === 'ready' && d.profile.profileId === profile.profileId ? { ...d, timeline } : d));
  }

  return (
    <section aria-labelledby="profiles-title">
      <h1 id="profiles-title">Profiles</h1>
      <form
        class="lookup"
        role="search"
        aria-label="Find a customer"
        onSubmit={(e) => {
          e.preventDefault();
          const value = lookupValue.trim();
          if (value !== '') void show({ kind: lookupKind, value });
        }}
      >
        <div>
          <label for="lookup-kind">Look up by</label>
          <select id="lookup-kind" value={lookupKind} onChange={(e) => setLookupKind(e.currentTarget.value === 'anonymous_id' ? 'anonymous_id' : 'user_id')}>
            <option value="user_id">User id</option>
            <option value="anonymous_id">Anonymous id</option>
          </select>
        </div>
        <div class="grow">
          <label for="lookup-value">Customer id</label>
          <input id="lookup-value" value={lookupValue} onInput={(e) => setLookupValue(e.currentTarget.value)} autocomplete="off" spellcheck={false} />
        </div>
        <button type="submit" disabled={lookupValue.trim() === ''}>
          Look up
        </button>
      </form>

      <div class="split">
        <aside aria-labelledby="recent-title">
          <h2 id="recent-title">First {LIST_LIMIT} profiles</h2>
          <ProfileList list={list} selected={detail.kind === 'ready' ? detail.profile.profileId : null} onPick={(profileId) => void show({ kind: 'profile_id', value: profileId })} />
        </aside>
        <div aria-live="polite">
          <ProfileDetail detail={detail} />
        </div>
      </div>
    </section>
  );
}

function displayName(p: { readonly traits: Readonly<Record<string, unknown>>; readonly profileId: string }): string {
  for (const key of ['name', 'email']) {
    const v = p.traits[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return p.profileId;
}

/** The detail's heading: a name or e-mail trait, else the user id, else the profile id. */
function headingOf(profile: ProfileResponse): string {
  const name = displayName(profile);
  if (name !== profile.profileId) return name;
  return profile.identities.find((i) => i.kind === 'user_id')?.value ?? profile.profileId;
}

/** A line under each listed profile: its first traits, since the list has no identities. */
function traitsLine(traits: Readonly<Record<string, unknown>>): string {
  return Object.entries(traits)
    .filter(([k]) => k !== 'name' && k !== 'email')
    .slice(0, 2)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(' · ');
}

function ProfileList(props: { readonly list: Load<ProfileListResponse>; readonly selected: string | null; readonly onPick: (profileId: string) => void }) {
  const { list } = props;
  if (list.kind === 'loading') return <p role="status">Loading profiles…</p>;
  if (list.kind === 'error')
    return (
      <p class="error" role="alert">
        Could not load profiles: {list.message}
      </p>
    );
  if (list.value.profiles.length === 0) return <p>No profiles yet: nothing has been ingested.</p>;
  return (
    <>
      <ul class="pick-list" data-testid="profile-list">
        {list.value.profiles.map((p) => (
          <li key={p.profileId}>
            <button type="button" class="link" aria-current={props.selected === p.profileId ? 'true' : undefined} onClick={() => props.onPick(p.profileId)}>
              <span>{displayName(p)}</span>
              {traitsLine(p.traits) === '' ? null : <span class="hint">{traitsLine(p.traits)}</span>}
              <span class="hint">
                {formatCount(p.eventCount)} events · last seen {formatInstant(p.lastSeenAt)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {list.value.next === null ? null : <p class="hint">More profiles exist; look one up by id.</p>}
    </>
  );
}

function ProfileDetail(props: { readonly detail: Detail }) {
  const { detail } = props;
  switch (detail.kind) {
    case 'idle':
      return <p class="hint">Look up a customer by id, or pick one from the list.</p>;
    case 'loading':
      return <p role="status">Loading {detail.lookup.value}…</p>;
    case 'not-found':
      return (
        <p class="notice" data-testid="profile-not-found">
          No profile has the {LOOKUP_LABEL[detail.lookup.kind]} <code>{detail.lookup.value}</code> in this workspace.
        </p>
      );
    case 'error':
      return (
        <p class="error" role="alert">
          Could not load the profile: {detail.message}
        </p>
      );
    case 'ready':
      return <ProfileView profile={detail.profile} timeline={detail.timeline} />;
  }
}

function num(f: Readonly<Record<string, unknown>>, key: keyof ProfileFeatures): number | null {
  const v = f[key];
  return typeof v === 'number' ? v : null;
}

function buyingStageOf(f: Readonly<Record<string, unknown>>): { readonly stage: string; readonly reason: string } | null {
  const v = f['buyingStage'];
  if (typeof v !== 'object' || v === null) return null;
  const { stage, reason } = v as Record<string, unknown>;
  return typeof stage === 'string' && typeof reason === 'string' ? { stage, reason } : null;
}

function ProfileView(props: { readonly profile: ProfileResponse; readonly timeline: Load<TimelineResponse> }) {
  const { profile } = props;
  const f = profile.features;
  const stage = buyingStageOf(f);
  const recency = num(f, 'recencyDays');
  const topCategory = f['topCategory'];
  const traits = Object.entries(profile.traits);
  const predictions = Object.entries(profile.predicted).sort(([a], [b]) => a.localeCompare(b));

  return (
    <article aria-labelledby="profile-title" data-testid="profile-detail">
      <h2 id="profile-title">{headingOf(profile)}</h2>
      <p class="hint">
        <code>{profile.profileId}</code>
        {profile.identities.map((i) => (
          <span key={`${i.kind}:${i.value}`}>
            {' · '}
            {i.kind === 'user_id' ? 'user' : 'anonymous'} <code>{i.value}</code>
          </span>
        ))}
      </p>

      <dl class="cards" aria-label="Key features">
        <div class="card wide" data-testid="buying-stage">
          <dt>Buying stage</dt>
          <dd>{stage === null ? 'unknown' : stage.stage.replace(/_/g, ' ')}</dd>
          {stage === null ? null : <dd class="reason">{stage.reason}</dd>}
        </div>
        <div class="card" data-testid="frequency">
          <dt>Orders (frequency)</dt>
          <dd>{formatCount(num(f, 'frequency') ?? 0)}</dd>
        </div>
        <div class="card" data-testid="monetary">
          <dt>Net revenue (monetary)</dt>
          <dd>{formatRate(num(f, 'monetary') ?? 0)}</dd>
        </div>
        <div class="card" data-testid="recency">
          <dt>Days since last order</dt>
          <dd>{recency === null ? 'no orders' : formatRate(recency)}</dd>
        </div>
        <div class="card" data-testid="top-category">
          <dt>Top category</dt>
          <dd>{typeof topCategory === 'string' ? topCategory : 'none'}</dd>
        </div>
      </dl>

      <div class="columns">
        <div>
          <h3>Traits</h3>
          {traits.length === 0 ? (
            <p>No traits.</p>
          ) : (
            <table data-testid="traits">
              <caption class="visually-hidden">Traits</caption>
              <tbody>
                {traits.map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td>{formatValue(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Predictions</h3>
          {predictions.length === 0 ? (
            <p data-testid="predictions">No prediction models are trained, so there are no scores.</p>
          ) : (
            <table data-testid="predictions">
              <caption class="visually-hidden">Predictions</caption>
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col" class="num">Score</th>
                </tr>
              </thead>
              <tbody>
                {predictions.map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">predicted.{k}</th>
                    <td class="num">{v.toFixed(3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h3>Segments</h3>
          {profile.segments.length === 0 ? (
            <p>In no segment.</p>
          ) : (
            <table data-testid="profile-segments">
              <caption class="visually-hidden">Segments and why</caption>
              <thead>
                <tr>
                  <th scope="col">Segment</th>
                  <th scope="col">Since</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {profile.segments.map((s) => (
                  <tr key={s.key}>
                    <th scope="row">{s.name}</th>
                    <td>{formatInstant(s.enteredAt)}</td>
                    <td>
                      <ul class="reasons">
                        {s.reasons.map((r) => (
                          <li key={r}>{r}</li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>

      <h3>Latest events</h3>
      <Timeline timeline={props.timeline} />
    </article>
  );
}

function summarize(properties: Readonly<Record<string, unknown>>): string {
  return Object.entries(properties)
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(', ');
}

function Timeline(props: { readonly timeline: Load<TimelineResponse> }) {
  const { timeline } = props;
  if (timeline.kind === 'loading') return <p role="status">Loading events…</p>;
  if (timeline.kind === 'error')
    return (
      <p class="error" role="alert">
        Could not load the events: {timeline.message}
      </p>
    );
  if (timeline.value.events.length === 0) return <p>No events.</p>;
  return (
    <table data-testid="timeline">
      <caption class="visually-hidden">Latest {TIMELINE_LIMIT} events, newest first</caption>
      <thead>
        <tr>
          <th scope="col" class="when">When</th>
          <th scope="col">Type</th>
          <th scope="col">Event</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {timeline.value.events.map((e) => (
          <tr key={e.messageId}>
            <td class="when">{formatInstant(e.timestamp)}</td>
            <td>{e.type}</td>
            <td>{e.event ?? e.name ?? ''}</td>
            <td class="details">{summarize(e.properties)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

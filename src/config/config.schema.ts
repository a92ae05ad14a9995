import { z } from 'zod';

/**
 * Where a setting can come from besides the config file. `docs/config.md` is generated from this
 * schema (scripts/gen-config-doc.ts) and a test fails when it is stale.
 */
export interface SettingSource {
  /** Environment variable, e.g. ATTUNE_PORT. */
  readonly env: string;
  /** Command-line flag, e.g. --port; null when there is none. */
  readonly flag: string | null;
  /** A secret: never printed, never echoed in problems. */
  readonly secret?: boolean;
}

/** Attaches the doc text and its sources to a schema, as zod metadata (read by the doc generator and loadConfig). */
function setting<T extends z.ZodType>(schema: T, meta: { description: string } & SettingSource): T {
  return schema.meta({ description: meta.description, env: meta.env, flag: meta.flag, secret: meta.secret === true });
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `sqlite:///abs/path.db`, `sqlite://./rel.db` (relative to the working directory) or `memory://`. */
export const STORAGE_URL_PATTERN = /^(sqlite:\/\/.+|memory:\/\/)$/;

/**
 * The whole configuration, nested by area. Defaults live here; units live in key names.
 * Precedence: command-line flags > environment > config file > defaults.
 */
export const ConfigSchema = z.strictObject({
  server: z
    .strictObject({
      /** Interface the HTTP server binds to. Default "127.0.0.1" (local only); "0.0.0.0" to expose it. */
      host: setting(z.string().min(1).default('127.0.0.1'), {
        description: 'Interface the HTTP server binds to; "0.0.0.0" listens on every interface.',
        env: 'ATTUNE_HOST',
        flag: '--host',
      }),
      /** TCP port of the HTTP server. Default 4680; 0 picks a free port. */
      port: setting(z.int().min(0).max(65_535).default(4680), {
        description: 'TCP port of the HTTP server; 0 picks a free port (printed at start).',
        env: 'ATTUNE_PORT',
        flag: '--port',
      }),
      /** Largest request body on /v1/batch and catalog uploads, in bytes. Default 512000 (Segment: 500 KB). */
      maxBatchBytes: setting(z.int().min(1024).default(512_000), {
        description: 'Largest batch request body, in bytes (Segment: 500 KB). Larger bodies get 413.',
        env: 'ATTUNE_MAX_BATCH_BYTES',
        flag: null,
      }),
      /** Largest single event, in bytes of JSON. Default 32768 (Segment: 32 KB). */
      maxEventBytes: setting(z.int().min(256).default(32_768), {
        description: 'Largest single event, in bytes of JSON (Segment: 32 KB). Larger events are rejected with ERR_EVENT_TOO_LARGE.',
        env: 'ATTUNE_MAX_EVENT_BYTES',
        flag: null,
      }),
      /** Largest request body on single-event routes (/v1/track, /v1/identify, ...), in bytes. Default 65536. */
      maxSingleEventBodyBytes: setting(z.int().min(256).default(65_536), {
        description:
          'Largest request body on single-event routes (/v1/track, /v1/identify, ...), in bytes. Kept above maxEventBytes so an oversized event gets a per-event rejection rather than a bare 413.',
        env: 'ATTUNE_MAX_SINGLE_EVENT_BODY_BYTES',
        flag: null,
      }),
    })
    .prefault({}),
  storage: z
    .strictObject({
      /** Directory for Attune's files. Default "./data" (relative to the working directory). */
      dataDir: setting(z.string().min(1).default('./data'), {
        description: 'Directory for Attune\'s files; the default SQLite database is "attune.db" inside it.',
        env: 'ATTUNE_DATA_DIR',
        flag: '--data',
      }),
      /** Storage engine and location. Default: sqlite file attune.db inside dataDir. */
      url: setting(z.string().regex(STORAGE_URL_PATTERN, 'must be sqlite:///abs/path.db, sqlite://./rel.db or memory://').optional(), {
        description:
          'Storage engine and location: "sqlite:///abs/path.db", "sqlite://./rel.db" (relative to the working directory) or "memory://" (lost at exit). Default: SQLite file "attune.db" inside dataDir.',
        env: 'ATTUNE_STORAGE_URL',
        flag: '--storage',
      }),
      /** SQLite durability: "normal" (WAL, fsync at checkpoints) or "full" (fsync every commit). Default "normal". */
      synchronous: setting(z.enum(['normal', 'full']).default('normal'), {
        description:
          'SQLite durability: "normal" (WAL; a power cut may lose the last commits, never corrupts) or "full" (fsync on every commit, slower).',
        env: 'ATTUNE_STORAGE_SYNCHRONOUS',
        flag: null,
      }),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      /** Events waiting for a commit before new requests get 503 + Retry-After. Default 50000. */
      maxQueuedEvents: setting(z.int().min(1).default(50_000), {
        description: 'Events waiting for a commit before new requests get 503 with Retry-After (backpressure).',
        env: 'ATTUNE_INGEST_MAX_QUEUED_EVENTS',
        flag: null,
      }),
      /** Most events written in one transaction (group commit). Default 5000. */
      maxEventsPerCommit: setting(z.int().min(1).default(5000), {
        description: 'Most events written in one transaction (group commit).',
        env: 'ATTUNE_INGEST_MAX_EVENTS_PER_COMMIT',
        flag: null,
      }),
      /** What to keep of context.ip: "keep", "reduce" (IPv4 /24, IPv6 /48) or "drop". Default "reduce". */
      ip: setting(z.enum(['keep', 'reduce', 'drop']).default('reduce'), {
        description: 'What to keep of context.ip: "keep", "reduce" (IPv4 /24, IPv6 /48) or "drop".',
        env: 'ATTUNE_INGEST_IP',
        flag: null,
      }),
    })
    .prefault({}),
  profiles: z
    .strictObject({
      /** Profiles kept in memory by the ingest writer. Default 100000. */
      cacheSize: setting(z.int().min(0).default(100_000), {
        description: 'Profiles kept in memory by the ingest writer, to avoid reading them back on every batch.',
        env: 'ATTUNE_PROFILES_CACHE_SIZE',
        flag: null,
      }),
      /** Write-behind interval of changed profiles, in ms. Default 5000. */
      flushIntervalMs: setting(z.int().min(10).max(3_600_000).default(5_000), {
        description:
          'Changed profiles are written to the store at least this often (ms). Events are durable at the ack either way; after a crash, profiles changed since the last flush are re-derived from the event log at start.',
        env: 'ATTUNE_PROFILES_FLUSH_INTERVAL_MS',
        flag: null,
      }),
      /** Flush as soon as this many profiles are unflushed. Default 50000. */
      maxDirtyProfiles: setting(z.int().min(1).default(50_000), {
        description: 'Write changed profiles as soon as this many have unflushed changes (bounds memory and recovery work).',
        env: 'ATTUNE_PROFILES_MAX_DIRTY',
        flag: null,
      }),
      /** Profiles written per flush transaction. Default 2000. */
      flushChunkProfiles: setting(z.int().min(1).default(2_000), {
        description: 'Profiles written per flush transaction; flushes proceed in such chunks between ingest commits, so a large flush never stalls ingestion.',
        env: 'ATTUNE_PROFILES_FLUSH_CHUNK',
        flag: null,
      }),
    })
    .prefault({}),
  segments: z
    .strictObject({
      /** Profiles evaluated per backfill step. Default 5000. */
      backfillChunkProfiles: setting(z.int().min(1).default(5_000), {
        description: 'Profiles evaluated per backfill step when a segment is created or edited; ingestion runs between steps.',
        env: 'ATTUNE_SEGMENTS_BACKFILL_CHUNK',
        flag: null,
      }),
      /** How often time-window expiries are checked, in ms. Default 1000. */
      dueCheckIntervalMs: setting(z.int().min(10).max(60_000).default(1_000), {
        description: 'How often profiles whose time windows expire are re-evaluated (ms): memberships change on time, without a new event, within this delay.',
        env: 'ATTUNE_SEGMENTS_DUE_CHECK_MS',
        flag: null,
      }),
      /** Re-evaluation sweep of segments reading decaying features, in ms. Default 900000. */
      sweepIntervalMs: setting(z.int().min(1_000).default(900_000), {
        description:
          'Segments that read features whose change with time cannot be scheduled (affinity decay, cart abandonment, RFM scores, clusters) are re-evaluated over all profiles this often (ms).',
        env: 'ATTUNE_SEGMENTS_SWEEP_MS',
        flag: null,
      }),
      /** Profiles in the preview sample. Default 2000. */
      previewSampleSize: setting(z.int().min(100).max(100_000).default(2_000), {
        description: 'Profiles in the random sample a draft rule is previewed on (sizes are estimated with a 95% interval; exact below this many profiles).',
        env: 'ATTUNE_SEGMENTS_PREVIEW_SAMPLE',
        flag: null,
      }),
    })
    .prefault({}),
  recommendations: z
    .strictObject({
      /** Hours between scheduled retrainings of the recommender. Default 24. */
      retrainIntervalHours: setting(z.number().min(0.1).max(24 * 30).default(24), {
        description:
          'The recommender is retrained on the latest history this often (hours), in a worker thread while the current version keeps serving, and swapped in atomically. It is also trained on schedule once the first product events arrive.',
        env: 'ATTUNE_RECS_RETRAIN_HOURS',
        flag: null,
      }),
      /** Personalize only with explicit consent. Default false. */
      requireConsent: setting(z.boolean().default(false), {
        description:
          'When true, recommendations are personalized only for visitors whose events granted the "personalization" consent purpose; otherwise only for those who did not refuse it. Without it the answer is non-personal (popular items) and says why.',
        env: 'ATTUNE_RECS_REQUIRE_CONSENT',
        flag: null,
      }),
    })
    .prefault({}),
  decisions: z
    .strictObject({
      /** Minutes after which a decision without a positive outcome teaches its bandits reward 0. Default 60. */
      rewardWindowMinutes: setting(z.number().min(1).max(60 * 24 * 30).default(60), {
        description:
          'A decision whose offer or content got no click or order within this many minutes counts as reward 0 for the bandits that chose it (outcomes arriving later are still recorded on the decision).',
        env: 'ATTUNE_DECISIONS_REWARD_WINDOW_MIN',
        flag: null,
      }),
      /** The prediction model read as purchase propensity. Default "buy_30d". */
      propensityModel: setting(z.string().max(40).default('buy_30d'), {
        description:
          'The prediction model (POST /v1/models key) whose score is the purchase propensity the stage-aware discount policy reads; when the workspace has no such model the policy works without it. Empty: never read one.',
        env: 'ATTUNE_DECISIONS_PROPENSITY_MODEL',
        flag: null,
      }),
      /** Share of customers in the global holdout. Default 0. */
      holdoutShare: setting(z.number().min(0).max(0.5).default(0), {
        description:
          'Share of customers (by a stable hash of the profile) that never get a personalized decision on any placement: the global holdout that measures what personalization adds overall. 0 turns it off.',
        env: 'ATTUNE_DECISIONS_HOLDOUT_SHARE',
        flag: null,
      }),
    })
    .prefault({}),
  auth: z
    .strictObject({
      /** Secret of the admin key created on first start. Default: none (a key is generated and printed once). */
      adminKey: setting(z.string().min(16, 'must be at least 16 characters').optional(), {
        description:
          'Secret to use for the admin key created on first start (secret; prefer the environment). Without it a key is generated and printed once.',
        env: 'ATTUNE_ADMIN_KEY',
        flag: null,
        secret: true,
      }),
      /** Secret of the write key created on first start. Default: none (a key is generated and printed once). */
      writeKey: setting(z.string().min(16, 'must be at least 16 characters').optional(), {
        description:
          'Secret to use for the write key (SDK write key) created on first start (secret; prefer the environment). Without it a key is generated and printed once.',
        env: 'ATTUNE_WRITE_KEY',
        flag: null,
        secret: true,
      }),
    })
    .prefault({}),
  dashboard: z
    .strictObject({
      /** Hours a dashboard session lasts after login. Default 8. */
      sessionHours: setting(z.number().min(0.05).max(24 * 30).default(8), {
        description:
          'Hours a dashboard session (POST /v1/session, the attune_session cookie) lasts after login; then the user logs in again.',
        env: 'ATTUNE_DASHBOARD_SESSION_HOURS',
        flag: null,
      }),
    })
    .prefault({}),
  log: z
    .strictObject({
      /** Least severe level written to stderr (JSON lines). Default "info". */
      level: setting(z.enum(LOG_LEVELS).default('info'), {
        description: 'Least severe log level written to stderr as JSON lines: debug, info, warn, error or silent.',
        env: 'ATTUNE_LOG_LEVEL',
        flag: '--log-level',
      }),
    })
    .prefault({}),
});

/** The configuration as validated (storage.url may still be absent; see Config). */
export type ConfigInput = z.output<typeof ConfigSchema>;

/** The configuration the program runs with: like the schema's output, with storage.url resolved. */
export type Config = Omit<ConfigInput, 'storage'> & {
  readonly storage: Omit<ConfigInput['storage'], 'url'> & { readonly url: string };
};

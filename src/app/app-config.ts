/** The slice of configuration the use cases need (main.ts maps the full config onto it). */
export interface AppConfig {
  readonly ingest: {
    /** Largest accepted event, in bytes of UTF-8 JSON (Segment: 32 KB). */
    readonly maxEventBytes: number;
    /** Events waiting for a commit before new requests get 503 + Retry-After. */
    readonly maxQueuedEvents: number;
    /** Most events written in one transaction (group commit). */
    readonly maxEventsPerCommit: number;
    /** What to keep of `context.ip`: keep, reduce (IPv4 /24, IPv6 /48) or drop. */
    readonly ip: 'keep' | 'reduce' | 'drop';
  };
  readonly profiles: {
    /** Profiles kept in memory by the ingest writer to avoid reading them back on every batch. */
    readonly cacheSize: number;
    /**
     * Write-behind: changed profiles are stored at least this often (ms). The event log is durable at
     * the ack; profiles are derived and recovered from it after a crash, so this bounds recovery work.
     */
    readonly flushIntervalMs: number;
    /** ... or as soon as this many profiles have unflushed changes. */
    readonly maxDirtyProfiles: number;
    /** Profiles written per flush transaction, interleaved with ingest commits (bounds the stall). */
    readonly flushChunkProfiles: number;
  };
  readonly segments: {
    readonly backfillChunkProfiles: number;
    /** Interval of the time-window expiry check (ms). */
    readonly dueCheckIntervalMs: number;
    /** Interval of the sweep of segments with unschedulable time dependence (ms). */
    readonly sweepIntervalMs: number;
    readonly previewSampleSize: number;
  };
  readonly recommendations: {
    /** Scheduled retraining interval (ms). */
    readonly retrainIntervalMs: number;
    /** Personalize only with explicit consent to "personalization". */
    readonly requireConsent: boolean;
  };
  readonly decisions: {
    /** A decision with no positive outcome after this long teaches its bandits reward 0 (ms). */
    readonly rewardWindowMs: number;
    /** The exposure log is written this often (ms). */
    readonly logFlushIntervalMs: number;
    /** The prediction model (`predicted.<key>`) read as purchase propensity by the discount policy. */
    readonly propensityModel: string | null;
    /** Share of customers never personalized anywhere (the global holdout), 0..0.5. */
    readonly holdoutShare: number;
  };
  readonly dashboard: {
    /** Dashboard sessions expire this long after login (ms). */
    readonly sessionTtlMs: number;
  };
}

export const DEFAULT_APP_CONFIG: AppConfig = {
  ingest: { maxEventBytes: 32 * 1024, maxQueuedEvents: 50_000, maxEventsPerCommit: 5_000, ip: 'reduce' },
  profiles: { cacheSize: 100_000, flushIntervalMs: 5_000, maxDirtyProfiles: 50_000, flushChunkProfiles: 2_000 },
  segments: { backfillChunkProfiles: 5_000, dueCheckIntervalMs: 1_000, sweepIntervalMs: 900_000, previewSampleSize: 2_000 },
  recommendations: { retrainIntervalMs: 24 * 3_600_000, requireConsent: false },
  decisions: { rewardWindowMs: 3_600_000, logFlushIntervalMs: 20, propensityModel: 'buy_30d', holdoutShare: 0 },
  dashboard: { sessionTtlMs: 8 * 3_600_000 },
};

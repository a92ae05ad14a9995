import { describe, expect, it } from 'vitest';
import { listConfigSettings } from './config-settings.js';
import { loadConfig } from './load-config.js';
import { defaultStorageUrl, parseStorageUrl } from './storage-url.js';

describe('loadConfig', () => {
  it('gives the schema defaults, with the default store inside the data dir', () => {
    const result = loadConfig({ env: {}, argv: {} });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.server).toEqual({ host: '127.0.0.1', port: 4680, maxBatchBytes: 512_000, maxEventBytes: 32_768, maxSingleEventBodyBytes: 65_536 });
    expect(result.value.storage).toEqual({ dataDir: './data', url: 'sqlite://./data/attune.db', synchronous: 'normal' });
    expect(result.value.ingest).toEqual({ maxQueuedEvents: 50_000, maxEventsPerCommit: 5000, ip: 'reduce' });
    expect(result.value.profiles).toEqual({ cacheSize: 100_000, flushIntervalMs: 5_000, maxDirtyProfiles: 50_000, flushChunkProfiles: 2_000 });
    expect(result.value.auth).toEqual({});
    expect(result.value.log).toEqual({ level: 'info' });
  });

  it('applies flags over env over file over command defaults', () => {
    const layers = {
      commandDefaults: { storage: { dataDir: '/cmd' }, server: { host: 'cmd-host', port: 1 } },
      file: { server: { host: 'file-host', port: 2 }, storage: { dataDir: '/file' } },
      env: { ATTUNE_PORT: '3', ATTUNE_DATA_DIR: '/env' },
      argv: { port: '4' },
    };
    const result = loadConfig(layers);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.server.host).toBe('file-host');
    expect(result.value.server.port).toBe(4);
    expect(result.value.storage.dataDir).toBe('/env');
    expect(result.value.storage.url).toBe('sqlite:///env/attune.db');
    const withoutFlag = loadConfig({ ...layers, argv: {} });
    expect(withoutFlag.ok && withoutFlag.value.server.port).toBe(3);
    const onlyCommand = loadConfig({ commandDefaults: layers.commandDefaults, env: {}, argv: {} });
    expect(onlyCommand.ok && onlyCommand.value.storage.dataDir).toBe('/cmd');
  });

  it('treats an empty variable as unset', () => {
    const result = loadConfig({ env: { ATTUNE_PORT: '', ATTUNE_HOST: '' }, argv: {} });
    expect(result.ok && result.value.server.port).toBe(4680);
  });

  it('reads every documented environment variable', () => {
    const env: Record<string, string> = {
      ATTUNE_HOST: '0.0.0.0',
      ATTUNE_PORT: '8080',
      ATTUNE_MAX_BATCH_BYTES: '100000',
      ATTUNE_MAX_EVENT_BYTES: '1000',
      ATTUNE_MAX_SINGLE_EVENT_BODY_BYTES: '2000',
      ATTUNE_DATA_DIR: '/var/lib/attune',
      ATTUNE_STORAGE_URL: 'memory://',
      ATTUNE_STORAGE_SYNCHRONOUS: 'full',
      ATTUNE_INGEST_MAX_QUEUED_EVENTS: '10',
      ATTUNE_INGEST_MAX_EVENTS_PER_COMMIT: '5',
      ATTUNE_INGEST_IP: 'drop',
      ATTUNE_PROFILES_CACHE_SIZE: '0',
      ATTUNE_PROFILES_FLUSH_INTERVAL_MS: '250',
      ATTUNE_PROFILES_MAX_DIRTY: '7',
      ATTUNE_PROFILES_FLUSH_CHUNK: '3',
      ATTUNE_SEGMENTS_BACKFILL_CHUNK: '100',
      ATTUNE_SEGMENTS_DUE_CHECK_MS: '50',
      ATTUNE_SEGMENTS_SWEEP_MS: '60000',
      ATTUNE_SEGMENTS_PREVIEW_SAMPLE: '500',
      ATTUNE_RECS_RETRAIN_HOURS: '6',
      ATTUNE_RECS_REQUIRE_CONSENT: 'true',
      ATTUNE_DECISIONS_REWARD_WINDOW_MIN: '30',
      ATTUNE_DECISIONS_PROPENSITY_MODEL: 'buy_7d',
      ATTUNE_DECISIONS_HOLDOUT_SHARE: '0.05',
      ATTUNE_ADMIN_KEY: 'a'.repeat(20),
      ATTUNE_WRITE_KEY: 'w'.repeat(20),
      ATTUNE_DASHBOARD_SESSION_HOURS: '2',
      ATTUNE_LOG_LEVEL: 'error',
    };
    expect(Object.keys(env).sort()).toEqual(listConfigSettings().map((s) => s.env).sort());
    const result = loadConfig({ env, argv: {} });
    expect(result).toEqual({
      ok: true,
      value: {
        server: { host: '0.0.0.0', port: 8080, maxBatchBytes: 100_000, maxEventBytes: 1000, maxSingleEventBodyBytes: 2000 },
        storage: { dataDir: '/var/lib/attune', url: 'memory://', synchronous: 'full' },
        ingest: { maxQueuedEvents: 10, maxEventsPerCommit: 5, ip: 'drop' },
        profiles: { cacheSize: 0, flushIntervalMs: 250, maxDirtyProfiles: 7, flushChunkProfiles: 3 },
        segments: { backfillChunkProfiles: 100, dueCheckIntervalMs: 50, sweepIntervalMs: 60_000, previewSampleSize: 500 },
        recommendations: { retrainIntervalHours: 6, requireConsent: true },
        decisions: { rewardWindowMinutes: 30, propensityModel: 'buy_7d', holdoutShare: 0.05 },
        auth: { adminKey: 'a'.repeat(20), writeKey: 'w'.repeat(20) },
        dashboard: { sessionHours: 2 },
        log: { level: 'error' },
      },
    });
  });

  it('returns every problem at once, naming where each value came from, never echoing secrets', () => {
    const result = loadConfig({
      env: { ATTUNE_PORT: 'eighty', ATTUNE_INGEST_IP: 'maybe', ATTUNE_ADMIN_KEY: 'hunter2' },
      argv: { 'log-level': 'loud', storage: 'postgres://db' },
      file: { server: { maxBatchBytes: 10, prot: 1 }, extra: {} },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([
      'server.port: ATTUNE_PORT must be an integer',
      'server.maxBatchBytes: Too small: expected number to be >=1024 (from config file)',
      'server: Unrecognized key: "prot" (from config file)',
      'storage.url: must be sqlite:///abs/path.db, sqlite://./rel.db or memory:// (from flag --storage)',
      'ingest.ip: Invalid option: expected one of "keep"|"reduce"|"drop" (from ATTUNE_INGEST_IP)',
      'auth.adminKey: must be at least 16 characters (from ATTUNE_ADMIN_KEY)',
      'log.level: Invalid option: expected one of "debug"|"info"|"warn"|"error"|"silent" (from flag --log-level)',
      '(config): Unrecognized key: "extra" (from config file)',
    ]);
    expect(result.error.join('\n')).not.toContain('hunter2');
  });

  it('reads the file named by ATTUNE_CONFIG, and reports one that is missing', () => {
    const missing = loadConfig({ env: { ATTUNE_CONFIG: '/definitely/not/here.json' }, argv: {} });
    expect(missing).toEqual({ ok: false, error: ['config file /definitely/not/here.json: cannot be read (ENOENT)'] });
  });
});

describe('storage URLs', () => {
  it('parses the three forms and refuses others', () => {
    expect(parseStorageUrl('memory://')).toEqual({ ok: true, value: { kind: 'memory' } });
    expect(parseStorageUrl('sqlite:///var/db/a.db')).toEqual({ ok: true, value: { kind: 'sqlite', path: '/var/db/a.db' } });
    expect(parseStorageUrl('sqlite://./a.db')).toEqual({ ok: true, value: { kind: 'sqlite', path: './a.db' } });
    expect(parseStorageUrl('sqlite://').ok).toBe(false);
    expect(parseStorageUrl('postgres://x').ok).toBe(false);
  });

  it('puts the default database inside the data dir', () => {
    expect(defaultStorageUrl('./data')).toBe('sqlite://./data/attune.db');
    expect(defaultStorageUrl('data/')).toBe('sqlite://./data/attune.db');
    expect(defaultStorageUrl('/srv/attune')).toBe('sqlite:///srv/attune/attune.db');
  });
});

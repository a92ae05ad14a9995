import { AppError } from '../../app/app-error.js';
import type { AttuneApp, IngestOutcome } from '../../app/attune-app.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { ImportItem } from './import-sources.js';

/** Rejections of one kind: before sending (`file`, counted in rows) or by ingest validation (`ingest`, in events). */
export interface RejectionGroup {
  readonly stage: 'file' | 'ingest';
  /** The reason: a stable phrase for file rejections, the first message for ingest ones. */
  readonly reason: string;
  /** Ingest rejection code (ERR_EVENT_*); null for file rejections. */
  readonly code: string | null;
  /** Field at fault (a JSON path such as "properties.revenue"), when known. */
  readonly field: string | null;
  count: number;
}

export interface ImportTally {
  eventsSent: number;
  accepted: number;
  duplicates: number;
  readonly rejections: Map<string, RejectionGroup>;
}

/** How long to wait for an overloaded ingest queue at most, in total, before giving up (ms). */
export const MAX_OVERLOAD_WAIT_MS = 120_000;

export function newImportTally(): ImportTally {
  return { eventsSent: 0, accepted: 0, duplicates: 0, rejections: new Map() };
}

function countRejection(tally: ImportTally, group: Omit<RejectionGroup, 'count'>, count: number): void {
  const key = `${group.stage}|${group.code ?? ''}|${group.field ?? ''}|${group.code === null ? group.reason : ''}`;
  const existing = tally.rejections.get(key);
  if (existing !== undefined) existing.count += count;
  else tally.rejections.set(key, { ...group, count });
}

async function ingestWithRetry(
  app: Pick<AttuneApp, 'ingest'>,
  request: Parameters<AttuneApp['ingest']>[0],
  sleep: (ms: number) => Promise<void>,
): Promise<IngestOutcome> {
  let waitedMs = 0;
  for (;;) {
    try {
      return await app.ingest(request);
    } catch (e) {
      if (!(e instanceof AppError) || !e.retryable || waitedMs >= MAX_OVERLOAD_WAIT_MS) throw e;
      const delayMs = Math.max(50, (e.retryAfterSeconds ?? 0.2) * 1000);
      await sleep(delayMs);
      waitedMs += delayMs;
    }
  }
}

/**
 * Sends the items' events to `app.ingest` in batches of `batchSize` (the same validation as HTTP),
 * waiting for each batch, retrying while the ingest queue is overloaded, and counting outcomes.
 */
export async function runImport(opts: {
  readonly app: Pick<AttuneApp, 'ingest'>;
  readonly workspaceId: WorkspaceId;
  readonly items: AsyncIterable<readonly ImportItem[]>;
  readonly batchSize: number;
  readonly nowMs: () => EpochMs;
  readonly tally: ImportTally;
  /** Called after each chunk of rows and each batch (drive a progress bar from it). */
  readonly onProgress: () => void;
  readonly sleep?: (ms: number) => Promise<void>;
}): Promise<ImportTally> {
  const { tally } = opts;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let batch: unknown[] = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const events = batch;
    batch = [];
    tally.eventsSent += events.length;
    const outcome = await ingestWithRetry(
      opts.app,
      { workspaceId: opts.workspaceId, events, receivedAtMs: opts.nowMs(), impliedType: null, batchSentAt: null },
      sleep,
    );
    tally.accepted += outcome.accepted;
    tally.duplicates += outcome.duplicates;
    for (const rejected of outcome.rejected) {
      countRejection(tally, { stage: 'ingest', reason: rejected.message, code: rejected.code, field: rejected.field }, 1);
    }
    opts.onProgress();
  };

  for await (const items of opts.items) {
    for (const item of items) {
      if (item.kind === 'rejected') {
        countRejection(tally, { stage: 'file', reason: item.reason, code: null, field: null }, item.rows);
        continue;
      }
      batch.push(item.event);
      if (batch.length >= opts.batchSize) await flush();
    }
    opts.onProgress();
  }
  await flush();
  return tally;
}

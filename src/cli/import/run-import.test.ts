import { describe, expect, it } from 'vitest';
import { AppError } from '../../app/app-error.js';
import type { IngestOutcome, IngestRequest } from '../../app/attune-app.js';
import { DEFAULT_WORKSPACE_ID } from '../../core/shared/ids.js';
import type { ImportItem } from './import-sources.js';
import { newImportTally, runImport } from './run-import.js';

async function* chunks(...lists: ImportItem[][]): AsyncGenerator<ImportItem[]> {
  for (const list of lists) yield list;
}

const event = (id: string): ImportItem => ({ kind: 'event', event: { type: 'track', messageId: id } });

describe('runImport', () => {
  it('sends events in batches and adds up the outcomes, grouping rejections', async () => {
    const sizes: number[] = [];
    const app = {
      async ingest(request: IngestRequest): Promise<IngestOutcome> {
        sizes.push(request.events.length);
        expect(request.workspaceId).toBe(DEFAULT_WORKSPACE_ID);
        return {
          accepted: request.events.length - 1,
          duplicates: 0,
          rejected: [{ index: 0, code: 'ERR_EVENT_NAME_MISSING', field: 'event', message: 'a track event needs "event"' }],
        };
      },
    };
    const tally = await runImport({
      app,
      workspaceId: DEFAULT_WORKSPACE_ID,
      items: chunks([event('a'), event('b'), { kind: 'rejected', reason: 'no customer id', rows: 1 }], [event('c'), event('d'), event('e')], []),
      batchSize: 2,
      nowMs: () => 0,
      tally: newImportTally(),
      onProgress: () => undefined,
    });
    expect(sizes).toEqual([2, 2, 1]);
    expect(tally.eventsSent).toBe(5);
    expect(tally.accepted).toBe(2);
    expect([...tally.rejections.values()].sort((a, b) => a.stage.localeCompare(b.stage))).toEqual([
      { stage: 'file', reason: 'no customer id', code: null, field: null, count: 1 },
      { stage: 'ingest', reason: 'a track event needs "event"', code: 'ERR_EVENT_NAME_MISSING', field: 'event', count: 3 },
    ]);
  });

  it('waits and retries while ingest is overloaded', async () => {
    let calls = 0;
    const waits: number[] = [];
    const app = {
      async ingest(request: IngestRequest): Promise<IngestOutcome> {
        calls += 1;
        if (calls < 3) throw new AppError('ERR_INGEST_OVERLOADED', 'busy', { retryAfterSeconds: 1 });
        return { accepted: request.events.length, duplicates: 0, rejected: [] };
      },
    };
    const tally = await runImport({
      app,
      workspaceId: DEFAULT_WORKSPACE_ID,
      items: chunks([event('a')]),
      batchSize: 10,
      nowMs: () => 0,
      tally: newImportTally(),
      onProgress: () => undefined,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(waits).toEqual([1000, 1000]);
    expect(tally.accepted).toBe(1);
  });

  it('stops on errors that are not retryable', async () => {
    const app = {
      async ingest(): Promise<IngestOutcome> {
        throw new AppError('ERR_WORKSPACE_UNKNOWN', 'no such workspace');
      },
    };
    await expect(
      runImport({ app, workspaceId: DEFAULT_WORKSPACE_ID, items: chunks([event('a')]), batchSize: 1, nowMs: () => 0, tally: newImportTally(), onProgress: () => undefined }),
    ).rejects.toThrow('no such workspace');
  });
});

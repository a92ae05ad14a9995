import type { NormalizedEvent } from '../../core/events/event.js';
import { normalizeEvent } from '../../core/events/normalize-event.js';
import type { AppConfig } from '../app-config.js';
import type { IngestOutcome, IngestRejectedEvent, IngestRequest } from '../attune-app.js';
import type { IngestWriter } from './ingest-writer.js';

/**
 * Validates every event on its own, queues the good ones for the group commit and reports the bad
 * ones by index: a bad event never drops the good events around it.
 */
export async function ingestEvents(
  deps: { readonly writer: IngestWriter; readonly config: AppConfig['ingest'] },
  request: IngestRequest,
): Promise<IngestOutcome> {
  const rejected: IngestRejectedEvent[] = [];
  const good: NormalizedEvent[] = [];
  const context = {
    receivedAtMs: request.receivedAtMs,
    impliedType: request.impliedType,
    batchSentAt: request.batchSentAt,
    maxEventBytes: deps.config.maxEventBytes,
    ip: deps.config.ip,
  };
  request.events.forEach((raw, index) => {
    const result = normalizeEvent(raw, context);
    if (result.ok) good.push(result.value);
    else rejected.push({ index, ...result.error });
  });
  const isNew = await deps.writer.submit(request.workspaceId, good);
  let accepted = 0;
  for (const flag of isNew) if (flag) accepted++;
  return { accepted, duplicates: good.length - accepted, rejected };
}

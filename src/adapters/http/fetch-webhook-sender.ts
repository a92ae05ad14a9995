import type { WebhookRequest, WebhookResponse, WebhookSender } from '../../ports/webhook-sender.js';

export interface FetchWebhookSenderOptions {
  /** Limit for one attempt, connection to the end of the response (ms). */
  readonly timeoutMs?: number;
  /** Response bytes read (and dropped) so the connection can be reused; beyond it the body is cancelled. */
  readonly maxDrainBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_DRAIN_BYTES = 64 * 1024;

/** Reads and drops at most `limit` bytes of the body, then cancels the rest. */
async function drain(body: ReadableStream<Uint8Array> | null, limit: number): Promise<void> {
  if (body === null) return;
  const reader = body.getReader();
  let read = 0;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      read += chunk.value.byteLength;
      if (read > limit) {
        await reader.cancel();
        return;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** Why a request failed, in words fit for a log line and the stored lastError (no URL, no body). */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timeout after ${timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : null;
  if (code !== null && /^[A-Z0-9_]{2,40}$/.test(code)) return `network error (${code})`;
  return 'network error';
}

/** The WebhookSender over Node's global fetch (undici): POST, no redirects, a timeout per attempt. */
export function createFetchWebhookSender(opts: FetchWebhookSenderOptions = {}): WebhookSender {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxDrainBytes = opts.maxDrainBytes ?? DEFAULT_MAX_DRAIN_BYTES;
  return {
    async send(request: WebhookRequest): Promise<WebhookResponse> {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const response = await fetch(request.url, { method: 'POST', body: request.body, headers: request.headers, redirect: 'manual', signal });
        try {
          await drain(response.body, maxDrainBytes);
        } catch {
          // The status is what counts: a body cut short (or timing out) after it does not change it.
        }
        return { status: response.status };
      } catch (error: unknown) {
        return { error: describeFailure(error, timeoutMs) };
      }
    },
  };
}

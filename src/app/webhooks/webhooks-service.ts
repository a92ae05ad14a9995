import { randomBytes } from 'node:crypto';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Clock } from '../../ports/clock.js';
import type { WebhookRecord } from '../../ports/segment-store.js';
import type { Storage } from '../../ports/storage.js';
import type { AppErrorDetail } from '../app-error.js';
import { AppError } from '../app-error.js';

/** A webhook as the faces show it: never the secret, only a hint to recognise it. */
export interface WebhookView {
  readonly id: string;
  readonly url: string;
  /** Segment keys it receives changes of; empty: every segment. */
  readonly segments: readonly string[];
  /** `whsec_…` and the secret's last 4 characters. */
  readonly secretHint: string;
  readonly createdAtMs: EpochMs;
  /** Delivery status: the highest seq acknowledged, failures in a row, the next retry, the last error. */
  readonly deliveredSeq: number;
  readonly failures: number;
  readonly nextAttemptAtMs: EpochMs | null;
  readonly lastError: string | null;
}

export interface CreatedWebhook {
  readonly webhook: WebhookView;
  /** The signing secret, shown once. */
  readonly secret: string;
}

export interface CreateWebhookInput {
  readonly url: string;
  /** Segment keys (each must exist); absent or empty: every segment. */
  readonly segments?: readonly string[];
}

const MAX_URL_LENGTH = 2048;
const MAX_SEGMENTS = 100;

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function toWebhookView(record: WebhookRecord): WebhookView {
  return {
    id: record.id,
    url: record.url,
    segments: record.segments,
    secretHint: `whsec_…${record.secret.slice(-4)}`,
    createdAtMs: record.createdAtMs,
    deliveredSeq: record.deliveredSeq,
    failures: record.failures,
    nextAttemptAtMs: record.nextAttemptAtMs,
    lastError: record.lastError,
  };
}

function validUrl(url: string): boolean {
  if (url.length > MAX_URL_LENGTH) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.length > 0;
  } catch {
    return false;
  }
}

/**
 * Webhook subscriptions: create (validated; the secret is returned once), list, delete. Delivery is
 * the dispatcher's; `changed` tells it a webhook appeared.
 */
export function createWebhooksService(deps: {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly changed: (workspace: WorkspaceId) => void;
}): {
  create(workspace: WorkspaceId, input: CreateWebhookInput): Promise<CreatedWebhook>;
  list(workspace: WorkspaceId): Promise<readonly WebhookView[]>;
  delete(workspace: WorkspaceId, id: string): Promise<boolean>;
} {
  const { storage, clock } = deps;
  return {
    async create(workspace, input) {
      const details: AppErrorDetail[] = [];
      if (!validUrl(input.url)) details.push({ field: 'url', message: `must be an http or https URL of at most ${MAX_URL_LENGTH} characters` });
      const segments = [...new Set(input.segments ?? [])];
      if (segments.length > MAX_SEGMENTS) details.push({ field: 'segments', message: `at most ${MAX_SEGMENTS} segments` });
      else {
        for (const [index, key] of segments.entries()) {
          if ((await storage.read.segments.getDefinition(workspace, key)) === null) {
            details.push({ field: `segments.${index}`, message: `no segment "${key}" in this workspace` });
          }
        }
      }
      if (details.length > 0) throw new AppError('ERR_VALIDATION', 'The webhook is invalid', { details });
      const secret = generateWebhookSecret();
      const record = await storage.uow.run('webhooks:create', async (stores) => {
        // Changes from now on: the cursor starts at the history's head.
        const webhook: WebhookRecord = {
          id: `wh_${randomBytes(9).toString('base64url')}`,
          url: input.url,
          secret,
          segments,
          deliveredSeq: await stores.segments.lastChangeSeq(workspace),
          failures: 0,
          nextAttemptAtMs: null,
          lastError: null,
          createdAtMs: clock.nowMs(),
        };
        await stores.segments.putWebhook(workspace, webhook);
        return webhook;
      });
      deps.changed(workspace);
      return { webhook: toWebhookView(record), secret };
    },
    async list(workspace) {
      return (await storage.read.segments.listWebhooks(workspace)).map(toWebhookView);
    },
    delete(workspace, id) {
      return storage.uow.run('webhooks:delete', (stores) => stores.segments.deleteWebhook(workspace, id));
    },
  };
}

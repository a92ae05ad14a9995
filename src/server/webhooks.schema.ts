import { z } from 'zod';

/** Request and response shapes of /v1/webhooks (see docs/api.md, Webhooks). */

const IsoInstant = z.string().describe('ISO-8601 instant (UTC)');
const Count = z.number().int().min(0);

export const WebhookResponseSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    segments: z.array(z.string()).describe('Segment keys whose changes it receives; empty: every segment'),
    secretHint: z.string().describe('The end of the signing secret, to recognise it'),
    createdAt: IsoInstant,
    deliveredSeq: Count.describe('Highest change seq acknowledged by the receiver; delivery resumes after it'),
    failures: Count.describe('Failed attempts in a row for the next batch (0: healthy)'),
    nextAttemptAt: IsoInstant.nullable().describe('When the next retry may run (backoff); null: as soon as there is work'),
    lastError: z.string().nullable().describe('Why the last attempt failed (HTTP status or network error); null after a success'),
  })
  .meta({ id: 'Webhook' });

export const WebhookListResponseSchema = z.object({ webhooks: z.array(WebhookResponseSchema) });

export const CreateWebhookRequestSchema = z.object({
  url: z.string().trim().min(1).max(2048).describe('http or https URL that receives the POSTs'),
  segments: z.array(z.string().min(1).max(200)).max(100).optional().describe('Segment keys; absent or empty: every segment'),
});

export const CreatedWebhookResponseSchema = WebhookResponseSchema.extend({
  secret: z.string().describe('The signing secret (whsec_...), shown once: store it now'),
});

export const WebhookIdParamsSchema = z.object({ id: z.string().min(1).max(200) });

export type WebhookResponse = z.output<typeof WebhookResponseSchema>;

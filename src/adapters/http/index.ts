export { createFetchWebhookSender } from './fetch-webhook-sender.js';
export type { FetchWebhookSenderOptions } from './fetch-webhook-sender.js';

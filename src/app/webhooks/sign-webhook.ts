import { createHmac } from 'node:crypto';

/**
 * The `attune-signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
 * (Stripe's scheme). The timestamp is inside the signed text, so a receiver that rejects old `t`
 * values is safe from replays; it compares v1 with its own HMAC in constant time.
 */
export function signWebhook(input: { readonly secret: string; readonly body: string; readonly timestampSeconds: number }): string {
  const t = String(Math.floor(input.timestampSeconds));
  const v1 = createHmac('sha256', input.secret).update(`${t}.${input.body}`, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}

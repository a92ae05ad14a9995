/** One webhook POST: the body is sent as is (already signed by the caller). */
export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * What came of one attempt: the receiver's status (any status, 2xx or not), or why no status came
 * back (timeout, connection refused ...). `error` holds no URL, no body and no personal data: it is
 * stored as the webhook's lastError and logged.
 */
export type WebhookResponse = { readonly status: number } | { readonly error: string };

/**
 * Sends webhook requests over the network. An implementation bounds every attempt with a timeout,
 * follows no redirect (a 3xx is a failed attempt) and ignores the response body.
 */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
}

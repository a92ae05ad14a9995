import { ApiError } from './api.js';

/** What a page shows while a request is in flight, failed, or answered. */
export type Load<T> = { readonly kind: 'loading' } | { readonly kind: 'error'; readonly message: string } | { readonly kind: 'ready'; readonly value: T };

export function messageOf(e: unknown): string {
  return e instanceof ApiError ? `${e.message} (${e.code})` : 'The server could not be reached.';
}

/** A JSON value as one short line, for traits and event properties. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

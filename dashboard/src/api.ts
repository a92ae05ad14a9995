import type { ErrorResponseBody, SessionResponse } from './api-types.js';

/**
 * HTTP to the same API as every other client. The session lives in an HttpOnly cookie the browser
 * sends by itself; the only secret held here is the CSRF token, in memory (never in storage), sent
 * as `x-csrf-token` on unsafe requests. No API key is ever kept: the login page sends it once.
 */
let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request answers 401 (the session expired or was deleted). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export interface ApiErrorDetail {
  readonly field: string | null;
  readonly message: string;
  readonly position: { readonly line: number; readonly column: number } | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly ApiErrorDetail[];
  constructor(status: number, code: string, message: string, details: readonly ApiErrorDetail[]) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function toDetail(raw: Record<string, unknown>): ApiErrorDetail {
  const pos = raw['position'];
  let position: ApiErrorDetail['position'] = null;
  if (typeof pos === 'object' && pos !== null) {
    const { line, column } = pos as Record<string, unknown>;
    if (typeof line === 'number' && typeof column === 'number') position = { line, column };
  }
  return {
    field: typeof raw['field'] === 'string' ? raw['field'] : null,
    message: typeof raw['message'] === 'string' ? raw['message'] : '',
    position,
  };
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: Partial<ErrorResponseBody> | null = null;
  try {
    body = (await res.json()) as Partial<ErrorResponseBody>;
  } catch {
    body = null;
  }
  const error = body?.error;
  return new ApiError(
    res.status,
    error?.code ?? `HTTP_${res.status}`,
    error?.message ?? `${res.status} ${res.statusText}`,
    (error?.details ?? []).map(toDetail),
  );
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (signal !== undefined) init.signal = signal;
  const res = await fetch(path, init);
  if (!res.ok) {
    const err = await toApiError(res);
    if (res.status === 401 && path !== '/v1/session') onUnauthorized();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, undefined, signal);
}

export function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return request<T>('POST', path, body, signal);
}

/** The current session, or null when there is none (401). */
export async function fetchSession(): Promise<SessionResponse | null> {
  try {
    return await getJson<SessionResponse>('/v1/session');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

/** Trades the key for a session cookie; the key is not kept anywhere. */
export function createSession(key: string): Promise<SessionResponse> {
  return postJson<SessionResponse>('/v1/session', { key });
}

export function deleteSession(): Promise<void> {
  return request<void>('DELETE', '/v1/session');
}

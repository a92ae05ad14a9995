import type { TimelineCursor } from '../ports/event-store.js';

/**
 * Timeline cursors travel as opaque strings: "t1." + base64url(JSON [timestampMs, messageId]).
 * Clients must not build them; the prefix versions the format so it can change without breaking
 * links already handed out.
 */
const PREFIX = 't1.';
const MAX_CURSOR_LENGTH = 2048;

export function encodeTimelineCursor(cursor: TimelineCursor): string {
  return PREFIX + Buffer.from(JSON.stringify([cursor.timestampMs, cursor.messageId]), 'utf8').toString('base64url');
}

/** The cursor, or null when the string is not one this server handed out. */
export function decodeTimelineCursor(text: string): TimelineCursor | null {
  if (!text.startsWith(PREFIX) || text.length > MAX_CURSOR_LENGTH) return null;
  const body = text.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [timestampMs, messageId]: unknown[] = parsed;
  if (typeof timestampMs !== 'number' || !Number.isSafeInteger(timestampMs)) return null;
  if (typeof messageId !== 'string' || messageId.length === 0) return null;
  return { timestampMs, messageId };
}

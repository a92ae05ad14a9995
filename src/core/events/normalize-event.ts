import type { JsonObject } from '../shared/json.js';
import { err, ok, type Result } from '../shared/result.js';
import { MS_PER_DAY, toIso, type EpochMs } from '../shared/time.js';
import { contentHash } from './content-hash.js';
import { EVENT_TYPES, type EventType, type NormalizedEvent } from './event.js';
import type { EventRejectCode, EventRejection } from './event-rejection.js';
import { jsonSizeBound } from './json-size-bound.js';
import { parseEventInstant } from './parse-event-instant.js';
import { reduceIp } from './reduce-ip.js';
import { utf8Length } from './utf8-length.js';

export interface NormalizeContext {
  readonly receivedAtMs: EpochMs;
  /** The type the route implies (/v1/track -> 'track'); null for /v1/batch, where each event says. */
  readonly impliedType: EventType | null;
  /** Batch-level sentAt (Segment puts it on the batch, RudderStack on each event): used when the event has none. */
  readonly batchSentAt: unknown;
  /** Largest accepted event, as UTF-8 JSON. */
  readonly maxEventBytes: number;
  /** What to do with context.ip: reduce = IPv4 /24, IPv6 /48 (see reduce-ip.ts). */
  readonly ip: 'keep' | 'reduce' | 'drop';
}

/** Segment's per-event limit; SDKs split batches to respect it, so real clients never exceed it. */
export const DEFAULT_MAX_EVENT_BYTES = 32 * 1024;
/** Longest userId / anonymousId / previousId / groupId kept as an identifier. */
export const MAX_IDENTIFIER_LENGTH = 256;
export const MAX_EVENT_NAME_LENGTH = 200;
export const MAX_MESSAGE_ID_LENGTH = 200;
/** 2000-01-01T00:00:00Z. Anything earlier is a broken clock or epoch seconds sent as milliseconds. */
export const EARLIEST_EVENT_MS: EpochMs = 946_684_800_000;
/** How far past receipt an event time may be: covers time-zone bugs, not clocks set years ahead. */
export const MAX_FUTURE_SKEW_MS = MS_PER_DAY;
/** Largest magnitude a Date accepts; epoch numbers beyond it are not instants at all. */
const MAX_DATE_MS = 8.64e15;

const TYPE_BY_NAME: ReadonlyMap<string, EventType> = new Map(EVENT_TYPES.map((t) => [t, t]));
const TYPE_LIST = EVENT_TYPES.join(', ');

/**
 * Validates one event as sent by a Segment- or RudderStack-compatible client and folds its spellings
 * into a NormalizedEvent. Never throws for bad input: every refusal is an EventRejection with a stable
 * code, the JSON path of the field at fault, and a message meant for the person sending the event.
 *
 * The returned event shares `properties` (and, where nothing was changed, `traits`/`context`) with
 * `raw`: callers must not mutate `raw` afterwards. Copying would double the cost of the hot path.
 */
export function normalizeEvent(raw: unknown, ctx: NormalizeContext): Result<NormalizedEvent, EventRejection> {
  // The O(1) shape test runs before the size check only because JSON.stringify of a non-object says
  // nothing useful; all work proportional to the event's size happens after the size check.
  if (!isPlainObject(raw)) {
    return reject('ERR_EVENT_NOT_OBJECT', null, `an event must be a JSON object, got ${kindOf(raw)}`);
  }
  const sizeProblem = checkSize(raw, ctx.maxEventBytes);
  if (sizeProblem !== null) return fail(sizeProblem);

  const type = readType(raw['type'], ctx.impliedType);
  if (typeof type !== 'string') return fail(type);

  const userId = readIdentifier(raw['userId'], 'userId');
  if (isRejection(userId)) return fail(userId);
  const anonymousId = readIdentifier(raw['anonymousId'], 'anonymousId');
  if (isRejection(anonymousId)) return fail(anonymousId);

  let previousId: string | null = null;
  let groupId: string | null = null;
  if (type === 'alias') {
    // alias links two ids of the same person: without either one there is nothing to link.
    if (userId === null) {
      return reject('ERR_EVENT_IDENTITY_MISSING', 'userId', 'an alias event needs "userId" (the id that "previousId" is merged into)');
    }
    const previous = readIdentifier(raw['previousId'], 'previousId');
    if (isRejection(previous)) return fail(previous);
    if (previous === null) {
      return reject('ERR_EVENT_IDENTITY_MISSING', 'previousId', 'an alias event needs "previousId" (the id being merged into "userId")');
    }
    previousId = previous;
  } else if (userId === null && anonymousId === null) {
    return reject('ERR_EVENT_IDENTITY_MISSING', 'userId', `a ${type} event needs "userId" or "anonymousId"`);
  }
  if (type === 'group') {
    const group = readIdentifier(raw['groupId'], 'groupId');
    if (isRejection(group)) return fail(group);
    if (group === null) return reject('ERR_EVENT_FIELD_INVALID', 'groupId', 'a group event needs "groupId"');
    groupId = group;
  }

  const properties = readObject(raw['properties'], 'properties');
  if (isRejection(properties)) return fail(properties);
  const topTraits = readObject(raw['traits'], 'traits');
  if (isRejection(topTraits)) return fail(topTraits);
  const rawContext = readObject(raw['context'], 'context');
  if (isRejection(rawContext)) return fail(rawContext);
  const contextTraits = rawContext === null ? null : readObject(rawContext['traits'], 'context.traits');
  if (isRejection(contextTraits)) return fail(contextTraits);

  let eventName: string | null = null;
  let name: string | null = null;
  if (type === 'track') {
    const value = raw['event'];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      return reject('ERR_EVENT_NAME_MISSING', 'event', 'a track event needs "event", the name of the action (e.g. "Order Completed")');
    }
    if (typeof value !== 'string') {
      return reject('ERR_EVENT_FIELD_INVALID', 'event', `"event" must be a string, got ${kindOf(value)}`);
    }
    if (value.length > MAX_EVENT_NAME_LENGTH) {
      return reject('ERR_EVENT_FIELD_INVALID', 'event', `"event" must be at most ${MAX_EVENT_NAME_LENGTH} characters, got ${value.length}`);
    }
    eventName = value;
  } else if (type === 'page' || type === 'screen') {
    const value = raw['name'];
    if (typeof value === 'string' && value !== '') {
      name = value;
    } else if (value !== undefined && value !== null && value !== '') {
      return reject('ERR_EVENT_FIELD_INVALID', 'name', `"name" must be a string, got ${kindOf(value)}`);
    } else {
      // analytics.js and some mobile SDKs only put the page name in properties.
      const fallback = properties === null ? undefined : properties['name'];
      if (typeof fallback === 'string' && fallback !== '') name = fallback;
    }
  }

  // Traits: identify/track/page/... describe the user, and RudderStack (and analytics.js) carry them in
  // context.traits, RudderStack even in both places, so they are folded together with the top level
  // winning. Group traits describe the group: the user's context.traits must not leak into them.
  let traits: JsonObject;
  let context: JsonObject;
  const foldTraits = type !== 'group' && contextTraits !== null;
  if (foldTraits) {
    traits = topTraits === null ? contextTraits : { ...contextTraits, ...topTraits };
  } else {
    traits = topTraits ?? {};
  }
  if (rawContext === null) {
    context = {};
  } else {
    const ipValue = rawContext['ip'];
    const ipChanges = ipValue !== undefined && ctx.ip !== 'keep';
    if (foldTraits || ipChanges) {
      const copy: JsonObject = { ...rawContext };
      // Folded traits are not stored twice.
      if (foldTraits) delete copy['traits'];
      if (ipChanges) {
        const reduced = ctx.ip === 'reduce' && typeof ipValue === 'string' ? reduceIp(ipValue) : null;
        if (reduced === null) delete copy['ip'];
        else copy['ip'] = reduced;
      }
      context = copy;
    } else {
      context = rawContext;
    }
  }

  const timestamp = readInstant(raw['timestamp'], 'timestamp', '"timestamp"');
  if (isRejection(timestamp)) return fail(timestamp);
  const originalTimestamp = readInstant(raw['originalTimestamp'], 'originalTimestamp', '"originalTimestamp"');
  if (isRejection(originalTimestamp)) return fail(originalTimestamp);
  const eventSentAt = raw['sentAt'];
  const sentAt =
    eventSentAt !== undefined && eventSentAt !== null
      ? readInstant(eventSentAt, 'sentAt', '"sentAt"')
      : readInstant(ctx.batchSentAt, 'sentAt', 'the batch\'s "sentAt"');
  if (isRejection(sentAt)) return fail(sentAt);

  const time = eventTime(timestamp, originalTimestamp, sentAt, ctx.receivedAtMs);
  const timeProblem = checkEventTime(time, raw, ctx.receivedAtMs);
  if (timeProblem !== null) return fail(timeProblem);

  let messageId: string;
  const rawMessageId = raw['messageId'];
  if (typeof rawMessageId === 'string' && rawMessageId !== '') {
    if (rawMessageId.length > MAX_MESSAGE_ID_LENGTH) {
      return reject('ERR_EVENT_FIELD_INVALID', 'messageId', `"messageId" must be at most ${MAX_MESSAGE_ID_LENGTH} characters, got ${rawMessageId.length}`);
    }
    messageId = rawMessageId;
  } else if (typeof rawMessageId === 'number' && Number.isFinite(rawMessageId)) {
    messageId = String(rawMessageId);
  } else if (rawMessageId === undefined || rawMessageId === null || rawMessageId === '') {
    // Only what the client sent goes in: a retry of the same call hashes the same even though its
    // sentAt and receivedAt differ. Two genuinely distinct calls with identical content and no
    // timestamp also hash the same; without a messageId or a timestamp they are indistinguishable.
    messageId =
      'gen-' +
      contentHash([type, eventName, name, userId, anonymousId, previousId, groupId, timestamp, originalTimestamp, properties ?? {}, traits]);
  } else {
    return reject('ERR_EVENT_FIELD_INVALID', 'messageId', `"messageId" must be a string or number, got ${kindOf(rawMessageId)}`);
  }

  return ok({
    messageId,
    type,
    event: eventName,
    name,
    userId,
    anonymousId,
    previousId,
    groupId,
    properties: properties ?? {},
    traits,
    context,
    timestampMs: time.atMs,
    receivedAtMs: ctx.receivedAtMs,
    sentAtMs: sentAt,
    originalTimestampMs: originalTimestamp,
  });
}

interface EventTime {
  readonly atMs: EpochMs;
  /** Which field the time came from; null when it is the receive time. */
  readonly source: 'timestamp' | 'originalTimestamp' | null;
  readonly skewCorrected: boolean;
}

/**
 * An explicit `timestamp` is taken as-is: server libraries and historical imports set it on purpose,
 * and Segment does not adjust it either. A device clock (originalTimestamp) is corrected by how far
 * the same clock was off when the batch was sent: receivedAt - (sentAt - originalTimestamp).
 */
function eventTime(timestamp: EpochMs | null, original: EpochMs | null, sentAt: EpochMs | null, receivedAtMs: EpochMs): EventTime {
  if (timestamp !== null) return { atMs: timestamp, source: 'timestamp', skewCorrected: false };
  if (original !== null && sentAt !== null) {
    return { atMs: receivedAtMs - (sentAt - original), source: 'originalTimestamp', skewCorrected: true };
  }
  if (original !== null) return { atMs: original, source: 'originalTimestamp', skewCorrected: false };
  return { atMs: receivedAtMs, source: null, skewCorrected: false };
}

function checkEventTime(time: EventTime, raw: Record<string, unknown>, receivedAtMs: EpochMs): EventRejection | null {
  const what =
    time.source === null
      ? 'the receive time'
      : time.skewCorrected
        ? `"${time.source}" corrected for clock skew (receivedAt - (sentAt - originalTimestamp))`
        : `"${time.source}"`;
  if (time.atMs < EARLIEST_EVENT_MS) {
    const sentAsNumber = time.source !== null && typeof raw[time.source] === 'number';
    const hint = sentAsNumber ? '; epoch numbers must be milliseconds, not seconds' : '';
    return {
      code: 'ERR_EVENT_TIMESTAMP_INVALID',
      field: time.source,
      message: `${what} is ${describeInstant(time.atMs)}, before 2000-01-01, so the sender's clock or format is wrong${hint}`,
    };
  }
  if (time.atMs > receivedAtMs + MAX_FUTURE_SKEW_MS) {
    return {
      code: 'ERR_EVENT_TIMESTAMP_INVALID',
      field: time.source,
      message: `${what} is ${describeInstant(time.atMs)}, more than 1 day after the event was received (${describeInstant(receivedAtMs)}); check the sender's clock`,
    };
  }
  return null;
}

function readType(value: unknown, implied: EventType | null): EventType | EventRejection {
  if (value === undefined || value === null) {
    if (implied !== null) return implied;
    return rejection('ERR_EVENT_TYPE_INVALID', 'type', `"type" is missing; it must be one of ${TYPE_LIST}`);
  }
  if (typeof value !== 'string') {
    return rejection('ERR_EVENT_TYPE_INVALID', 'type', `"type" must be a string, got ${kindOf(value)}`);
  }
  // SDKs send lowercase; hand-written payloads ("Track") are accepted too.
  const type = TYPE_BY_NAME.get(value) ?? TYPE_BY_NAME.get(value.toLowerCase());
  if (type === undefined) {
    return rejection('ERR_EVENT_TYPE_INVALID', 'type', `"type" must be one of ${TYPE_LIST}, got ${quote(value)}`);
  }
  if (implied !== null && type !== implied) {
    return rejection('ERR_EVENT_TYPE_INVALID', 'type', `"type" is "${type}" but this endpoint only accepts "${implied}" events`);
  }
  return type;
}

/** userId-like ids: strings or finite numbers (some backends use integer ids); "" and null mean absent. */
function readIdentifier(value: unknown, field: string): string | null | EventRejection {
  if (typeof value === 'string') {
    if (value === '') return null;
    if (value.length > MAX_IDENTIFIER_LENGTH) {
      return rejection('ERR_EVENT_FIELD_INVALID', field, `"${field}" must be at most ${MAX_IDENTIFIER_LENGTH} characters, got ${value.length}`);
    }
    return value;
  }
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return rejection('ERR_EVENT_FIELD_INVALID', field, `"${field}" must be a string or number, got ${kindOf(value)}`);
}

function readObject(value: unknown, field: string): JsonObject | null | EventRejection {
  if (value === undefined || value === null) return null;
  if (isPlainObject(value)) return value as JsonObject;
  return rejection('ERR_EVENT_FIELD_INVALID', field, `"${field}" must be an object, got ${kindOf(value)}`);
}

function readInstant(value: unknown, field: string, label: string): EpochMs | null | EventRejection {
  if (value === undefined || value === null) return null;
  const atMs = parseEventInstant(value);
  if (atMs === null || Math.abs(atMs) > MAX_DATE_MS) {
    return rejection(
      'ERR_EVENT_TIMESTAMP_INVALID',
      field,
      `${label} must be an ISO-8601 date-time string or epoch milliseconds, got ${typeof value === 'string' ? quote(value) : kindOf(value)}`,
    );
  }
  return atMs;
}

function checkSize(raw: Record<string, unknown>, maxBytes: number): EventRejection | null {
  // Cheap upper bound first: typical events are a few percent of the limit (see json-size-bound.ts).
  if (jsonSizeBound(raw, maxBytes) <= maxBytes) return null;
  let json: string;
  try {
    json = JSON.stringify(raw);
  } catch (e: unknown) {
    // Only reachable for values that did not come from JSON.parse (BigInt, cycles).
    const reason = e instanceof Error ? e.message : String(e);
    return rejection('ERR_EVENT_NOT_OBJECT', null, `the event is not representable as JSON: ${reason}`);
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair: 2 units, 4 bytes).
  if (json.length * 3 <= maxBytes) return null;
  const bytes = utf8Length(json);
  if (bytes <= maxBytes) return null;
  return rejection('ERR_EVENT_TOO_LARGE', null, `the event is ${bytes} bytes as JSON, over the limit of ${maxBytes} bytes`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Rejections are the only objects the read* helpers return besides JsonObjects, which are checked apart. */
function isRejection(value: unknown): value is EventRejection {
  return value instanceof RejectionValue;
}

/** Marks helper failures so they cannot be confused with a JsonObject that happens to have a `code` key. */
class RejectionValue implements EventRejection {
  readonly code: EventRejectCode;
  readonly field: string | null;
  readonly message: string;
  constructor(code: EventRejectCode, field: string | null, message: string) {
    this.code = code;
    this.field = field;
    this.message = message;
  }
}

/** Callers get a plain object, never the marker class. */
function fail(value: EventRejection): { readonly ok: false; readonly error: EventRejection } {
  return err({ code: value.code, field: value.field, message: value.message });
}

function rejection(code: EventRejectCode, field: string | null, message: string): EventRejection {
  return new RejectionValue(code, field, message);
}

function reject(code: EventRejectCode, field: string | null, message: string): { readonly ok: false; readonly error: EventRejection } {
  return err({ code, field, message });
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function describeInstant(atMs: EpochMs): string {
  return Math.abs(atMs) <= MAX_DATE_MS ? toIso(atMs) : String(atMs);
}

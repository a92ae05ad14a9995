/**
 * Why one event was refused. Codes are stable forever (clients may switch on them); `field` is a
 * JSON path into the event such as "properties.revenue" or "timestamp", null when the whole event is at fault.
 */
export const EVENT_REJECT_CODES = [
  'ERR_EVENT_NOT_OBJECT',
  'ERR_EVENT_TYPE_INVALID',
  'ERR_EVENT_IDENTITY_MISSING',
  'ERR_EVENT_FIELD_INVALID',
  'ERR_EVENT_NAME_MISSING',
  'ERR_EVENT_TIMESTAMP_INVALID',
  'ERR_EVENT_TOO_LARGE',
] as const;
export type EventRejectCode = (typeof EVENT_REJECT_CODES)[number];

export interface EventRejection {
  readonly code: EventRejectCode;
  readonly field: string | null;
  readonly message: string;
}

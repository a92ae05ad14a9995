import type { NormalizedEvent } from '../../src/core/events/event.js';

/** 2024-03-01T00:00:00Z (a Friday): a fixed, readable origin for test timestamps. */
export const T0_MS = Date.UTC(2024, 2, 1);

let sequence = 0;

/**
 * A valid NormalizedEvent with test defaults (a `track` of "Test Event" by user u1 at T0_MS).
 * Pass a messageId whenever ordering or equality across calls matters: the default is a counter,
 * unique per test file run but not stable across edits. receivedAtMs defaults to the timestamp.
 */
export function makeEvent(overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  sequence += 1;
  const type = overrides.type ?? 'track';
  const timestampMs = overrides.timestampMs ?? T0_MS;
  return {
    messageId: `msg-${String(sequence).padStart(6, '0')}`,
    type,
    event: type === 'track' ? 'Test Event' : null,
    name: null,
    userId: 'u1',
    anonymousId: null,
    previousId: null,
    groupId: null,
    properties: {},
    traits: {},
    context: {},
    receivedAtMs: timestampMs,
    sentAtMs: null,
    originalTimestampMs: null,
    ...overrides,
    timestampMs,
  };
}

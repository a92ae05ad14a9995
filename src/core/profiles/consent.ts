import type { JsonObject, JsonValue } from '../shared/json.js';
import { isJsonObject } from '../shared/json.js';
import type { EpochMs } from '../shared/time.js';
import { isWritableKey, ownValue } from './own-record.js';
import type { ConsentEntry, ProfileState } from './profile-state.js';

/**
 * Consent per purpose, as the profile fold keeps it (`ProfileState.consent`) and as checks read it.
 *
 * Read from every event's context, in two spellings:
 * - Segment: `context.consent.categoryPreferences`, an object purpose -> boolean;
 * - RudderStack: `context.consentManagement.allowedConsentIds` (granted) and `.deniedConsentIds`
 *   (denied), arrays of purpose ids.
 * Purposes are trimmed and lowercased; empty ones, ones longer than MAX_CONSENT_PURPOSE_LENGTH and
 * `__proto__` are ignored, as are values of any other shape. Within one event a denial wins over a
 * grant of the same purpose; across events the latest event wins.
 */

export const MAX_CONSENT_PURPOSES = 50;
export const MAX_CONSENT_PURPOSE_LENGTH = 100;

/** The stored key of a purpose, or null when it cannot be one. */
export function normalizeConsentPurpose(purpose: string): string | null {
  const key = purpose.trim().toLowerCase();
  if (key.length === 0 || key.length > MAX_CONSENT_PURPOSE_LENGTH || !isWritableKey(key)) return null;
  return key;
}

export interface ConsentDecision {
  readonly granted: boolean;
  /** `explicit`: the profile holds a consent for the purpose; `default`: it does not. */
  readonly source: 'explicit' | 'default';
  readonly atMs: EpochMs | null;
}

/** Whether the profile consents to `purpose`, falling back to `defaultGranted` when it never said. */
export function consentFor(state: Pick<ProfileState, 'consent'>, purpose: string, defaultGranted: boolean): ConsentDecision {
  const key = normalizeConsentPurpose(purpose);
  const entry = key === null ? undefined : ownValue(state.consent, key);
  if (entry === undefined) return { granted: defaultGranted, source: 'default', atMs: null };
  return { granted: entry.granted, source: 'explicit', atMs: entry.atMs };
}

/** Folds the consent an event's context carries into `state.consent` (mutates it). */
export function applyConsent(state: Pick<ProfileState, 'consent'>, context: JsonObject, atMs: EpochMs): void {
  const segment = ownJson(context, 'consent');
  const rudder = ownJson(context, 'consentManagement');
  if (segment === undefined && rudder === undefined) return;
  if (isJsonObject(segment)) {
    const preferences = ownJson(segment, 'categoryPreferences');
    if (isJsonObject(preferences)) {
      for (const purpose of Object.keys(preferences)) {
        const granted = preferences[purpose];
        if (typeof granted === 'boolean') setConsent(state.consent, purpose, granted, atMs);
      }
    }
  }
  if (isJsonObject(rudder)) {
    setConsentIds(state.consent, ownJson(rudder, 'allowedConsentIds'), true, atMs);
    setConsentIds(state.consent, ownJson(rudder, 'deniedConsentIds'), false, atMs);
  }
}

function ownJson(object: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function setConsentIds(consent: Record<string, ConsentEntry>, ids: JsonValue | undefined, granted: boolean, atMs: EpochMs): void {
  if (!Array.isArray(ids)) return;
  for (const id of ids) if (typeof id === 'string') setConsent(consent, id, granted, atMs);
}

function setConsent(consent: Record<string, ConsentEntry>, purpose: string, granted: boolean, atMs: EpochMs): void {
  const key = normalizeConsentPurpose(purpose);
  if (key === null) return;
  const existing = ownValue(consent, key);
  if (existing === undefined) {
    if (Object.keys(consent).length >= MAX_CONSENT_PURPOSES) return;
    consent[key] = { granted, atMs };
  } else if (atMs >= existing.atMs) {
    // In fold order times never decrease, so the later event wins; an older event applied out of
    // order (the app replays instead) does not overwrite a newer consent.
    existing.granted = granted;
    existing.atMs = atMs;
  }
}

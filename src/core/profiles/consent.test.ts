import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../events/event.js';
import { asProfileId } from '../shared/ids.js';
import type { JsonObject } from '../shared/json.js';
import { makeEvent, T0_MS } from '../../../test/builders/make-event.js';
import { applyConsent, consentFor, MAX_CONSENT_PURPOSES } from './consent.js';
import { foldProfile } from './fold-profile.js';
import { DEFAULT_PROFILE_SPEC } from './profile-spec.js';
import type { ConsentEntry, ProfileState } from './profile-state.js';

const PID = asProfileId('prf_consent');

function withContext(context: JsonObject, atMs: number, id: string): NormalizedEvent {
  return makeEvent({ type: 'track', event: 'Clicked', timestampMs: atMs, messageId: id, context });
}

function fold(events: readonly NormalizedEvent[]): ProfileState {
  return foldProfile(PID, events, DEFAULT_PROFILE_SPEC);
}

function consentOf(...contexts: JsonObject[]): Record<string, ConsentEntry> {
  return fold(contexts.map((context, i) => withContext(context, T0_MS + i, `m${i}`))).consent;
}

describe('consent in the profile fold', () => {
  it("reads Segment's context.consent.categoryPreferences", () => {
    expect(consentOf({ consent: { categoryPreferences: { Advertising: true, Analytics: false } } })).toEqual({
      advertising: { granted: true, atMs: T0_MS },
      analytics: { granted: false, atMs: T0_MS },
    });
  });

  it("reads RudderStack's context.consentManagement allowed and denied ids", () => {
    expect(
      consentOf({ consentManagement: { provider: 'oneTrust', allowedConsentIds: ['C0001', ' c0002 '], deniedConsentIds: ['C0004'] } }),
    ).toEqual({
      c0001: { granted: true, atMs: T0_MS },
      c0002: { granted: true, atMs: T0_MS },
      c0004: { granted: false, atMs: T0_MS },
    });
  });

  it('lets a later event override an earlier one, whatever the arrival order, and keeps untouched purposes', () => {
    const events = [
      withContext({ consent: { categoryPreferences: { marketing: true, analytics: true } } }, T0_MS, 'a'),
      withContext({ consentManagement: { deniedConsentIds: ['MARKETING'] } }, T0_MS + 10, 'b'),
      withContext({}, T0_MS + 20, 'c'),
    ];
    const expected = { marketing: { granted: false, atMs: T0_MS + 10 }, analytics: { granted: true, atMs: T0_MS } };
    expect(fold(events).consent).toEqual(expected);
    expect(fold([...events].reverse()).consent).toEqual(expected);
  });

  it('lets a denial win over a grant of the same purpose within one event', () => {
    expect(
      consentOf({
        consent: { categoryPreferences: { ads: true } },
        consentManagement: { allowedConsentIds: ['ads'], deniedConsentIds: ['Ads'] },
      }),
    ).toEqual({ ads: { granted: false, atMs: T0_MS } });
  });

  it('ignores malformed shapes and out-of-range purposes without throwing', () => {
    const malformed: JsonObject[] = [
      { consent: null },
      { consent: 'yes' },
      { consent: ['a'] },
      { consent: { categoryPreferences: null } },
      { consent: { categoryPreferences: ['ads'] } },
      { consent: { categoryPreferences: { ads: 'true', tracking: 1, x: null, y: { granted: true } } } },
      { consentManagement: 7 },
      { consentManagement: { allowedConsentIds: 'ads', deniedConsentIds: { ads: true } } },
      { consentManagement: { allowedConsentIds: [1, null, true, ['ads'], { id: 'ads' }] } },
      { consentManagement: { allowedConsentIds: ['', '   ', 'x'.repeat(101), '__proto__'] } },
      { consent: { categoryPreferences: { '': true, [' '.repeat(3)]: false, ['y'.repeat(101)]: true } } },
    ];
    expect(consentOf(...malformed)).toEqual({});
    const state = fold([withContext({ consent: { categoryPreferences: JSON.parse('{"__proto__": true}') as JsonObject } }, T0_MS, 'p')]);
    expect(state.consent).toEqual({});
    expect(Object.getPrototypeOf(state.consent)).toBe(Object.prototype);
  });

  it('accepts a purpose of exactly 100 characters and prototype-like names other than __proto__', () => {
    const long = 'z'.repeat(100);
    const consent = consentOf({ consentManagement: { allowedConsentIds: [long, 'constructor', 'toString'] } });
    expect(Object.keys(consent).sort()).toEqual(['constructor', 'tostring', long]);
    expect(consent['constructor']).toEqual({ granted: true, atMs: T0_MS });
  });

  it(`holds at most ${MAX_CONSENT_PURPOSES} purposes; new ones beyond are ignored, held ones still update`, () => {
    const ids = Array.from({ length: MAX_CONSENT_PURPOSES + 5 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    const consent = consentOf({ consentManagement: { allowedConsentIds: ids } }, { consentManagement: { deniedConsentIds: ['p00', 'p54'] } });
    expect(Object.keys(consent)).toHaveLength(MAX_CONSENT_PURPOSES);
    expect(consent['p49']).toBeDefined();
    expect(consent['p50']).toBeUndefined();
    expect(consent['p54']).toBeUndefined();
    expect(consent['p00']).toEqual({ granted: false, atMs: T0_MS + 1 });
  });

  it('does not let an older event applied out of order overwrite a newer consent', () => {
    const state = { consent: {} as Record<string, ConsentEntry> };
    applyConsent(state, { consent: { categoryPreferences: { ads: false } } }, T0_MS + 10);
    applyConsent(state, { consent: { categoryPreferences: { ads: true } } }, T0_MS);
    expect(state.consent).toEqual({ ads: { granted: false, atMs: T0_MS + 10 } });
  });
});

describe('consentFor', () => {
  const state = { consent: { marketing: { granted: false, atMs: T0_MS }, analytics: { granted: true, atMs: T0_MS + 1 } } };

  it('answers from the profile when it holds the purpose, matching it trimmed and case-insensitively', () => {
    expect(consentFor(state, ' Marketing ', true)).toEqual({ granted: false, source: 'explicit', atMs: T0_MS });
    expect(consentFor(state, 'analytics', false)).toEqual({ granted: true, source: 'explicit', atMs: T0_MS + 1 });
  });

  it('falls back to the default otherwise, prototype-like and unusable purposes included', () => {
    for (const purpose of ['ads', 'constructor', '__proto__', 'toString', '', 'x'.repeat(101)]) {
      expect(consentFor(state, purpose, true)).toEqual({ granted: true, source: 'default', atMs: null });
      expect(consentFor(state, purpose, false)).toEqual({ granted: false, source: 'default', atMs: null });
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { ProfileId } from '../shared/ids.js';
import { asProfileId } from '../shared/ids.js';
import type { IdentityFacts } from './decide-identity.js';
import { decideIdentity } from './decide-identity.js';

const P1 = asProfileId('prf_1');
const P2 = asProfileId('prf_2');

function facts(overrides: Partial<IdentityFacts> = {}): IdentityFacts {
  return {
    byUserId: null,
    byAnonymousId: null,
    byPreviousId: null,
    anonymousProfileIsKnown: false,
    ...overrides,
  };
}

const track = (userId: string | null, anonymousId: string | null) =>
  ({ type: 'track', userId, anonymousId, previousId: null }) as const;

describe('decideIdentity', () => {
  it('creates a profile for a first-seen anonymous visitor and links the anonymousId', () => {
    expect(decideIdentity(track(null, 'a1'), facts())).toEqual({
      target: 'new',
      links: [{ kind: 'anonymous_id', value: 'a1' }],
      merge: null,
    });
  });

  it('creates one profile holding both ids when both are new', () => {
    const d = decideIdentity(track('u1', 'a1'), facts());
    expect(d.target).toBe('new');
    expect(d.links).toEqual([
      { kind: 'user_id', value: 'u1' },
      { kind: 'anonymous_id', value: 'a1' },
    ]);
  });

  it('turns an anonymous profile into the user profile on first identify', () => {
    const d = decideIdentity(track('u1', 'a1'), facts({ byAnonymousId: P1 }));
    expect(d).toEqual({ target: P1, links: [{ kind: 'user_id', value: 'u1' }], merge: null });
  });

  it('merges an anonymous profile into the known user profile', () => {
    const d = decideIdentity(track('u1', 'a1'), facts({ byUserId: P1, byAnonymousId: P2 }));
    expect(d.target).toBe(P1);
    expect(d.merge).toEqual({ from: P2, reason: 'identified', via: [{ kind: 'anonymous_id', value: 'a1' }] });
  });

  it('never merges two known users who shared a device', () => {
    const d = decideIdentity(track('u1', 'a1'), facts({ byUserId: P1, byAnonymousId: P2, anonymousProfileIsKnown: true }));
    expect(d).toEqual({ target: P1, links: [], merge: null });
  });

  it('gives a new user on a shared device their own profile without taking the device id', () => {
    const d = decideIdentity(track('u2', 'a1'), facts({ byAnonymousId: P1, anonymousProfileIsKnown: true }));
    expect(d).toEqual({ target: 'new', links: [{ kind: 'user_id', value: 'u2' }], merge: null });
  });

  it('merges two known profiles on alias, the userId profile surviving', () => {
    const d = decideIdentity(
      { type: 'alias', userId: 'u1', anonymousId: null, previousId: 'old' },
      facts({ byUserId: P1, byPreviousId: P2 }),
    );
    expect(d.target).toBe(P1);
    expect(d.merge?.from).toBe(P2);
    expect(d.merge?.reason).toBe('alias');
  });

  it('adopts the previous profile on alias when the userId is new', () => {
    const d = decideIdentity({ type: 'alias', userId: 'u1', anonymousId: null, previousId: 'old' }, facts({ byPreviousId: P2 }));
    expect(d.target).toBe(P2);
    expect(d.links[0]).toEqual({ kind: 'user_id', value: 'u1' });
  });

  it('keeps a known user on their profile', () => {
    const target: ProfileId | 'new' = decideIdentity(track('u1', null), facts({ byUserId: P1 })).target;
    expect(target).toBe(P1);
  });

  it('throws on an event without any identifier (normalizeEvent rejects those first)', () => {
    expect(() => decideIdentity(track(null, null), facts())).toThrow(/no identifier/);
  });
});

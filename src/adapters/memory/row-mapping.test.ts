import { describe, expect, it } from 'vitest';
import { createProfileState } from '../../core/profiles/profile-state.js';
import { asProfileId } from '../../core/shared/ids.js';
import { fromProfileJson, toProfileJson } from './row-mapping.js';

describe('memory profile row mapping', () => {
  const state = createProfileState(asProfileId('prf_legacy'));
  state.eventCount = 2;

  it('reads a profile stored before behavior tracks existed with an empty behavior', () => {
    // Stored before behavior tracks, so also before the fields added after them.
    const { behavior: _absent, purchasedProducts: _p, consent: _c, ...legacy } = state;
    const read = fromProfileJson(JSON.stringify(legacy));
    expect(read.behavior).toEqual({});
    expect(JSON.stringify(read)).toBe(JSON.stringify(state));
  });

  it('reads a profile stored before purchase history and consent existed with empty ones', () => {
    const { purchasedProducts: _p, consent: _c, ...legacy } = state;
    const read = fromProfileJson(JSON.stringify(legacy));
    expect(read.purchasedProducts).toEqual({ items: {}, overflow: 0 });
    expect(read.consent).toEqual({});
    expect(JSON.stringify(read)).toBe(JSON.stringify(state));
  });

  it('round-trips the behavior tracks it stores', () => {
    const withTracks = { ...state, behavior: { 'Order Completed': { retentionMs: null, at: [1, 2], ids: ['a', 'b'], dropped: 0 } } };
    expect(fromProfileJson(toProfileJson(withTracks))).toEqual(withTracks);
  });
});

import { describe, expect, it } from 'vitest';
import { openMemoryStorage } from '../../adapters/memory/index.js';
import { asProfileId, asWorkspaceId } from '../../core/shared/ids.js';
import { LookupCache } from './lookup-cache.js';

const WS = asWorkspaceId('ws_default');

describe('LookupCache', () => {
  it('remembers found profiles only, and forgets a workspace after a merge', async () => {
    const storage = openMemoryStorage();
    const cache = new LookupCache(10);
    const lookup = { kind: 'user_id' as const, value: 'u1' };
    expect(await cache.resolve(storage.read, WS, lookup)).toBeNull();
    await storage.uow.run('link', (stores) => stores.identities.linkMany(WS, [{ id: { kind: 'user_id', value: 'u1' }, profileId: asProfileId('p1'), atMs: 0 }]));
    // Not remembered as unknown: found as soon as it exists.
    expect(await cache.resolve(storage.read, WS, lookup)).toBe('p1');
    await storage.uow.run('move', (stores) => stores.identities.reassignProfile(WS, asProfileId('p1'), asProfileId('p2')));
    expect(await cache.resolve(storage.read, WS, lookup)).toBe('p1'); // remembered
    cache.forgetWorkspace(WS);
    expect(await cache.resolve(storage.read, WS, lookup)).toBe('p2');
    await storage.close();
  });
});

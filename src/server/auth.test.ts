import { describe, expect, it } from 'vitest';
import { readKeyFromAuthorization, readKeyFromBody } from './auth.js';

const basic = (userPass: string): string => `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;

describe('readKeyFromAuthorization', () => {
  it('reads the Basic username with an empty password (Segment, RudderStack)', () => {
    expect(readKeyFromAuthorization(basic('wk_123:'))).toEqual({ kind: 'key', secret: 'wk_123' });
  });
  it('ignores the password when a username is given', () => {
    expect(readKeyFromAuthorization(basic('wk_123:whatever'))).toEqual({ kind: 'key', secret: 'wk_123' });
  });
  it('falls back to the password when the username is empty', () => {
    expect(readKeyFromAuthorization(basic(':wk_123'))).toEqual({ kind: 'key', secret: 'wk_123' });
  });
  it('reads a username without a colon', () => {
    expect(readKeyFromAuthorization(basic('wk_123'))).toEqual({ kind: 'key', secret: 'wk_123' });
  });
  it('reads Bearer keys, scheme case-insensitive', () => {
    expect(readKeyFromAuthorization('Bearer adm_1')).toEqual({ kind: 'key', secret: 'adm_1' });
    expect(readKeyFromAuthorization('bearer adm_1')).toEqual({ kind: 'key', secret: 'adm_1' });
  });
  it('reports a missing header as none', () => {
    expect(readKeyFromAuthorization(undefined)).toEqual({ kind: 'none' });
    expect(readKeyFromAuthorization('  ')).toEqual({ kind: 'none' });
  });
  it('reports other schemes and empty credentials as malformed', () => {
    expect(readKeyFromAuthorization('Digest abc').kind).toBe('malformed');
    expect(readKeyFromAuthorization('Bearer').kind).toBe('malformed');
    expect(readKeyFromAuthorization(basic(':')).kind).toBe('malformed');
  });
});

describe('readKeyFromBody', () => {
  it('reads a non-empty writeKey string only', () => {
    expect(readKeyFromBody({ writeKey: 'wk', batch: [] })).toBe('wk');
    expect(readKeyFromBody({ writeKey: '' })).toBeNull();
    expect(readKeyFromBody({ writeKey: 42 })).toBeNull();
    expect(readKeyFromBody([{ writeKey: 'wk' }])).toBeNull();
    expect(readKeyFromBody(null)).toBeNull();
  });
});

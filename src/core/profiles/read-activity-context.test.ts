import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../../test/builders/make-event.js';
import { readChannel, readDeviceKind } from './read-activity-context.js';

describe('readDeviceKind', () => {
  it.each([
    [{ device: { type: 'Mobile' } }, 'mobile'],
    [{ device: { type: 'android' } }, 'mobile'],
    [{ device: { type: 'iPad' } }, 'tablet'],
    [{ device: { type: 'TV' } }, 'tv'],
    [{ userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0' }, 'desktop'],
    [{ userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36' }, 'mobile'],
    [{ userAgent: 'Mozilla/5.0 (Linux; Android 13; SM-X200) Safari/537.36' }, 'tablet'],
    [{ userAgent: 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)' }, 'tablet'],
    [{ userAgent: 'Googlebot/2.1' }, 'other'],
    [{ os: { name: 'iOS' } }, 'mobile'],
    [{ os: { name: 'Mac OS X' } }, 'desktop'],
    [{}, 'other'],
  ])('%j -> %s', (context, expected) => {
    expect(readDeviceKind(context)).toBe(expected);
  });

  it('does not let a cached user agent leak into another context', () => {
    expect(readDeviceKind({ userAgent: 'Mozilla/5.0 (iPhone) Mobile' })).toBe('mobile');
    expect(readDeviceKind({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15)' })).toBe('desktop');
    expect(readDeviceKind({ userAgent: 'Mozilla/5.0 (iPhone) Mobile' })).toBe('mobile');
  });
});

describe('readChannel', () => {
  it('uses context.channel, then the call type, then page/app context, else server', () => {
    expect(readChannel(makeEvent({ type: 'track', context: { channel: 'Email' } }))).toBe('email');
    expect(readChannel(makeEvent({ type: 'page' }))).toBe('web');
    expect(readChannel(makeEvent({ type: 'screen' }))).toBe('mobile');
    expect(readChannel(makeEvent({ type: 'track', context: { page: { path: '/' } } }))).toBe('web');
    expect(readChannel(makeEvent({ type: 'track', context: { app: { name: 'Shop' } } }))).toBe('mobile');
    expect(readChannel(makeEvent({ type: 'track' }))).toBe('server');
  });
});

import { describe, expect, it } from 'vitest';
import { decodeTimelineCursor, encodeTimelineCursor } from './timeline-cursor.js';

describe('timeline cursors', () => {
  it('round-trip', () => {
    const cursor = { timestampMs: 1_795_000_000_123, messageId: 'msg/ü "quoted"' };
    const text = encodeTimelineCursor(cursor);
    expect(text).toMatch(/^t1\.[A-Za-z0-9_-]+$/);
    expect(decodeTimelineCursor(text)).toEqual(cursor);
  });

  it('reject anything not handed out', () => {
    const valid = encodeTimelineCursor({ timestampMs: 1, messageId: 'm' });
    const forged = (value: unknown): string => `t1.${Buffer.from(JSON.stringify(value)).toString('base64url')}`;
    for (const text of [
      '',
      'zzz',
      valid.slice(3),
      `t2.${valid.slice(3)}`,
      `${valid}!`,
      forged([1.5, 'm']),
      forged(['1', 'm']),
      forged([1, '']),
      forged([1, 'm', 'extra']),
      forged({ timestampMs: 1, messageId: 'm' }),
      `t1.${Buffer.from('not json').toString('base64url')}`,
      `t1.${'A'.repeat(5000)}`,
    ]) {
      expect(decodeTimelineCursor(text), text).toBeNull();
    }
  });
});

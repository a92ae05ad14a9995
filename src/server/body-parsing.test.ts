import { describe, expect, it } from 'vitest';
import { HttpError } from './http-errors.js';
import { parseJsonText } from './body-parsing.js';

describe('parseJsonText', () => {
  it('parses JSON', () => {
    expect(parseJsonText('{"batch":[{"a":1}]}')).toEqual({ batch: [{ a: 1 }] });
  });

  it('drops __proto__ keys so no merge can pollute a prototype', () => {
    const parsed = parseJsonText('{"a":1,"__proto__":{"polluted":true},"b":{"__proto__":{"x":1},"c":2}}');
    expect(parsed).toEqual({ a: 1, b: { c: 2 } });
    expect(Object.keys(parsed as object)).toEqual(['a', 'b']);
    const merged: Record<string, unknown> = Object.assign({}, parsed);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    const probe: Record<string, unknown> = {};
    expect(probe['polluted']).toBeUndefined();
  });

  it('throws ERR_BODY_INVALID_JSON with the position and without quoting the body', () => {
    let caught: unknown;
    try {
      parseJsonText('{"email":"secret@example.com",}');
    } catch (e: unknown) {
      caught = e;
    }
    if (!(caught instanceof HttpError)) throw new Error('expected an HttpError');
    const error = caught;
    expect(error.code).toBe('ERR_BODY_INVALID_JSON');
    expect(error.status).toBe(400);
    expect(error.message).not.toContain('secret@example.com');
  });
});

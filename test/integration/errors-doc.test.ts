import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_REJECT_CODES } from '../../src/core/events/event-rejection.js';
import { ERRORS } from '../../src/server/http-errors.js';

/** Rows of the table in docs/errors.md: | `ERR_X` | 400 | meaning | what to do | */
function documentedCodes(): Map<string, number> {
  const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^\|\s*`?(ERR_[A-Z0-9_]+)`?\s*\|\s*(\d{3})\s*\|(.*)\|(.*)\|\s*$/.exec(line);
    if (match === null) continue;
    const [, code, status, meaning, advice] = match;
    if (code === undefined || status === undefined) continue;
    expect(rows.has(code), `${code} is documented twice`).toBe(false);
    expect(meaning?.trim().length ?? 0, `${code} has no meaning`).toBeGreaterThan(10);
    expect(advice?.trim().length ?? 0, `${code} says nothing about what to do`).toBeGreaterThan(5);
    rows.set(code, Number(status));
  }
  return rows;
}

describe('docs/errors.md and the ERRORS registry', () => {
  const documented = documentedCodes();

  it('documents at least the registry size (the table parsed)', () => {
    expect(documented.size).toBeGreaterThanOrEqual(Object.keys(ERRORS).length);
  });

  it('documents every registered code with its status', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(documented.get(code), `${code} is missing from docs/errors.md or has another status`).toBe(entry.status);
    }
  });

  it('registers every documented code', () => {
    for (const code of documented.keys()) {
      expect(Object.hasOwn(ERRORS, code), `${code} is documented but not in src/server/http-errors.ts`).toBe(true);
    }
  });

  it('registers every event rejection code as a 400', () => {
    for (const code of EVENT_REJECT_CODES) expect(ERRORS[code].status).toBe(400);
  });

  it('uses upper-case ERR_ names and statuses that are HTTP errors', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^ERR_[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.message.length).toBeGreaterThan(0);
    }
  });
});

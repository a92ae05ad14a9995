import { describe, expect, it } from 'vitest';
import { REDACTED, createConsoleLogger } from './console-logger.js';

describe('createConsoleLogger', () => {
  it('writes one JSON object per line, at or above the level', () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({ level: 'warn', write: (line) => lines.push(line), nowMs: () => Date.UTC(2024, 0, 1) });
    logger.info('hidden');
    logger.warn('queue high', { depth: 10 });
    logger.error('failed', { code: 'X' });
    expect(lines).toEqual([
      '{"time":"2024-01-01T00:00:00.000Z","level":"warn","msg":"queue high","depth":10}\n',
      '{"time":"2024-01-01T00:00:00.000Z","level":"error","msg":"failed","code":"X"}\n',
    ]);
  });

  it('never prints fields that may hold personal data or secrets', () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({ level: 'info', write: (line) => lines.push(line), nowMs: () => 0 });
    logger.info('event', { userId: 'u-42', anonymous_id: 'a-1', email: 'x@y.z', ip: '1.2.3.4', secret: 's', traits: 't', workspace: 'ws_default', count: 3 });
    const record = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({ userId: REDACTED, anonymous_id: REDACTED, email: REDACTED, ip: REDACTED, secret: REDACTED, traits: REDACTED });
    expect(record).toMatchObject({ workspace: 'ws_default', count: 3 });
    expect(lines[0]).not.toContain('u-42');
  });

  it('keeps silent when asked', () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({ level: 'silent', write: (line) => lines.push(line), nowMs: () => 0 });
    logger.error('nothing');
    expect(lines).toEqual([]);
  });
});

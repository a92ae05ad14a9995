import type { LogLevel } from '../config/config.schema.js';
import type { Logger } from '../ports/logger.js';

type Fields = Readonly<Record<string, string | number | boolean | null>>;

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * Field names that could carry personal data or secrets. The Logger contract already forbids them;
 * this is the safety net: their values are replaced, never printed.
 */
const PERSONAL_FIELD = /(^|_)(user_?id|anonymous_?id|previous_?id|email|phone|ip|traits?|secret|password|token|authorization|address)$/i;

export const REDACTED = '[redacted]';

/** One JSON object per line on the given stream: {"time":"…","level":"info","msg":"…",…fields}. */
export function createConsoleLogger(opts: {
  readonly level: LogLevel;
  readonly write: (line: string) => void;
  readonly nowMs: () => number;
}): Logger {
  const threshold = RANK[opts.level];
  const emit = (level: 'info' | 'warn' | 'error', msg: string, fields: Fields | undefined): void => {
    if (RANK[level] < threshold) return;
    const record: Record<string, string | number | boolean | null> = { time: new Date(opts.nowMs()).toISOString(), level, msg };
    if (fields !== undefined) {
      for (const [key, value] of Object.entries(fields)) {
        if (key === 'time' || key === 'level' || key === 'msg') continue;
        record[key] = PERSONAL_FIELD.test(key) ? REDACTED : value;
      }
    }
    opts.write(`${JSON.stringify(record)}\n`);
  };
  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

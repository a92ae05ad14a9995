/**
 * Structured logging. Never pass personal data (ids, traits, emails, IPs) as fields: log counts,
 * codes and opaque internal ids only.
 */
export interface Logger {
  info(msg: string, fields?: Readonly<Record<string, string | number | boolean | null>>): void;
  warn(msg: string, fields?: Readonly<Record<string, string | number | boolean | null>>): void;
  error(msg: string, fields?: Readonly<Record<string, string | number | boolean | null>>): void;
}

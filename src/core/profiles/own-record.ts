/**
 * Safe access to records keyed by user-supplied strings (trait names, categories, product ids).
 * State records are plain objects (they must survive JSON), so a key such as "constructor" would
 * otherwise read Object.prototype members, and "__proto__" would set the prototype on write.
 */

/** The record's own value for `key`, or undefined (never an inherited member). */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether `key` may be written with `record[key] = v` without touching the prototype. */
export function isWritableKey(key: string): boolean {
  return key !== '__proto__';
}


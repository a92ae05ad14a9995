import type { JsonValue } from '../shared/json.js';
import { isJsonObject } from '../shared/json.js';

/**
 * The value as JSON would read it back: -0 becomes 0 and non-finite numbers become null (JSON
 * writes both that way). Values are stored in the state by reference to the event's own objects;
 * a copy is made only when something must change, so the usual case allocates nothing.
 */
export function toJsonSafe(value: JsonValue): JsonValue {
  if (typeof value === 'number') return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
  if (value === null || typeof value !== 'object') return value;
  if (isJsonSafe(value)) return value;
  if (Array.isArray(value)) return value.map(toJsonSafe);
  const copy: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') continue;
    copy[key] = toJsonSafe(value[key] as JsonValue);
  }
  return copy;
}

function isJsonSafe(value: JsonValue): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!isJsonSafe(item)) return false;
    return true;
  }
  if (!isJsonObject(value)) return false;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || !isJsonSafe(value[key] as JsonValue)) return false;
  }
  return true;
}

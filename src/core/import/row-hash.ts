/**
 * A 64-bit content hash (two 32-bit lanes, after cyrb53 by bryc, public domain), as 16 hex digits.
 * Used for message ids derived from file rows: with ~10^6 rows a 32-bit hash would collide dozens
 * of times (birthday bound), silently turning distinct rows into "duplicates"; 64 bits make that
 * about 3 in 10^8. Inputs are length-delimited and versioned, so ('ab','c') ≠ ('a','bc').
 * Changing this function changes every derived message id: bump ROW_HASH_VERSION instead.
 */
export const ROW_HASH_VERSION = 1;

export function rowHash64Hex(parts: readonly string[]): string {
  let text = `v${ROW_HASH_VERSION}`;
  for (const part of parts) text += `|${part.length}:${part}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

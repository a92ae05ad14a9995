/**
 * Versioned, length-delimited, pure-TypeScript hashing (FNV-1a 32-bit), usable in the browser too.
 * Inputs are length-delimited so ('ab','c') and ('a','bc') never collide by construction.
 * Changing this function changes every bucket and id derived from it: bump HASH_VERSION instead.
 */
export const HASH_VERSION = 1;

export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Hash of several parts, each prefixed by its length: hash(['v1', len(a), a, len(b), b]). */
export function hashParts(parts: readonly string[]): number {
  let text = `v${HASH_VERSION}`;
  for (const part of parts) text += `|${part.length}:${part}`;
  return fnv1a32(text);
}

/**
 * A 64-bit content hash used to derive a messageId for events sent without one, so that an identical
 * retry is still deduplicated: FNV-1a over the UTF-8 bytes of `v1|` + canonical JSON of the value.
 *
 * 64 bits rather than the 32 of shared/hash.ts: these ids must not collide across millions of events
 * (birthday bound ~2^32 events instead of ~2^16).
 * Changing the serialisation or the hash changes every generated id, so retries across an upgrade
 * would no longer dedupe: bump CONTENT_HASH_VERSION (it is part of the hashed text) instead of editing.
 *
 * contentHash(v) === fnv1a64Hex(`v1|${canonicalJson(v)}`) by definition; it streams the bytes into the
 * hash instead of building the string, which is ~4x faster (events without a messageId are hashed on
 * the ingest hot path). content-hash.test.ts checks the two agree.
 */
export const CONTENT_HASH_VERSION = 1;

/** Versioned hash of a value's canonical JSON: 16 lowercase hex digits. */
export function contentHash(value: unknown): string {
  const hasher = new Fnv1a64();
  hasher.text(`v${CONTENT_HASH_VERSION}|`);
  hashCanonical(hasher, value);
  return hasher.hex();
}

/** FNV-1a 64-bit of the UTF-8 bytes of `text`, as 16 lowercase hex digits. */
export function fnv1a64Hex(text: string): string {
  const hasher = new Fnv1a64();
  hasher.text(text);
  return hasher.hex();
}

/**
 * JSON with object keys sorted (by UTF-16 code units, as Array#sort does) at every level, so payloads
 * that differ only in key order serialise identically. Members whose value JSON.stringify would omit
 * (undefined, functions) are skipped; in arrays they become null, as in JSON.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) as string | undefined;
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (isOmitted(member)) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + canonicalJson(member);
  }
  return out + '}';
}

function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** Feeds exactly the bytes of canonicalJson(value) into the hasher. */
function hashCanonical(hasher: Fnv1a64, value: unknown): void {
  switch (typeof value) {
    case 'string':
      hasher.jsonString(value);
      return;
    case 'number':
      hasher.ascii(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      hasher.ascii(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) {
        hasher.ascii('null');
      } else if (Array.isArray(value)) {
        hasher.byte(0x5b); // [
        for (let i = 0; i < value.length; i++) {
          if (i > 0) hasher.byte(0x2c); // ,
          hashCanonical(hasher, value[i]);
        }
        hasher.byte(0x5d); // ]
      } else {
        const record = value as Record<string, unknown>;
        hasher.byte(0x7b); // {
        let first = true;
        for (const key of sortedKeys(record)) {
          const member = record[key];
          if (isOmitted(member)) continue;
          if (!first) hasher.byte(0x2c);
          first = false;
          hasher.jsonString(key);
          hasher.byte(0x3a); // :
          hashCanonical(hasher, member);
        }
        hasher.byte(0x7d); // }
      }
      return;
    default:
      // undefined/function/symbol at top level or in an array: JSON writes null. bigint cannot occur
      // in parsed JSON; hash its digits rather than throw.
      hasher.ascii(typeof value === 'bigint' ? value.toString() : 'null');
  }
}

/**
 * Object.keys sorted by UTF-16 code units (what Array#sort does with no comparator). Insertion sort:
 * event objects have a handful of keys, where it beats the builtin sort several times over.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

const HEX = '0123456789abcdef';

/**
 * FNV-1a 64 with the state in four 16-bit limbs, so every product stays exact in a double and no
 * BigInt is needed. Prime = 2^40 + 0x1b3: limb 0 multiplies by 0x1b3, limb 2 gains h << 8 from 2^40.
 */
class Fnv1a64 {
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2;

  byte(b: number): void {
    const x0 = this.h0 ^ b;
    const t0 = x0 * 0x1b3;
    const t1 = this.h1 * 0x1b3 + (t0 >>> 16);
    const t2 = this.h2 * 0x1b3 + (x0 << 8) + (t1 >>> 16);
    const t3 = this.h3 * 0x1b3 + (this.h1 << 8) + (t2 >>> 16);
    this.h0 = t0 & 0xffff;
    this.h1 = t1 & 0xffff;
    this.h2 = t2 & 0xffff;
    this.h3 = t3 & 0xffff;
  }

  /** Text known to be ASCII (numbers, literals). */
  ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.byte(text.charCodeAt(i));
  }

  /** The UTF-8 bytes of any text; a lone surrogate hashes as U+FFFD, as TextEncoder would encode it. */
  text(text: string): void {
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) this.byte(c);
      else i = this.nonAscii(text, i, c);
    }
  }

  /** The bytes of JSON.stringify(text): quoted, with JSON's escapes. */
  jsonString(text: string): void {
    this.byte(0x22);
    const n = text.length;
    let i = 0;
    while (i < n) {
      // Printable ASCII other than '"' and '\\' is most of every event: hash it with the state in
      // locals (the same round as byte()), which is ~40% faster than a method call per byte.
      let h0 = this.h0;
      let h1 = this.h1;
      let h2 = this.h2;
      let h3 = this.h3;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x20 || c >= 0x80 || c === 0x22 || c === 0x5c) break;
        const x0 = h0 ^ c;
        const t0 = x0 * 0x1b3;
        const t1 = h1 * 0x1b3 + (t0 >>> 16);
        const t2 = h2 * 0x1b3 + (x0 << 8) + (t1 >>> 16);
        const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
        h0 = t0 & 0xffff;
        h1 = t1 & 0xffff;
        h2 = t2 & 0xffff;
        h3 = t3 & 0xffff;
      }
      this.h0 = h0;
      this.h1 = h1;
      this.h2 = h2;
      this.h3 = h3;
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === 0x22 || c === 0x5c) {
        this.byte(0x5c);
        this.byte(c);
      } else if (c < 0x20) {
        this.controlEscape(c);
      } else if (c >= 0xdc00 && c <= 0xdfff) {
        // A low surrogate reached here is lone (pairs are consumed whole by nonAscii); well-formed
        // JSON.stringify (ES2019) writes lone surrogates as \udxxx escapes.
        this.ascii('\\u' + c.toString(16));
      } else if (c >= 0xd800 && c <= 0xdbff && !isLowSurrogate(text.charCodeAt(i + 1))) {
        this.ascii('\\u' + c.toString(16));
      } else {
        i = this.nonAscii(text, i, c);
      }
      i++;
    }
    this.byte(0x22);
  }

  hex(): string {
    let out = '';
    for (const limb of [this.h3, this.h2, this.h1, this.h0]) {
      out += HEX[(limb >>> 12) & 0xf]! + HEX[(limb >>> 8) & 0xf]! + HEX[(limb >>> 4) & 0xf]! + HEX[limb & 0xf]!;
    }
    return out;
  }

  private controlEscape(c: number): void {
    this.byte(0x5c);
    switch (c) {
      case 0x08: this.byte(0x62); return; // \b
      case 0x09: this.byte(0x74); return; // \t
      case 0x0a: this.byte(0x6e); return; // \n
      case 0x0c: this.byte(0x66); return; // \f
      case 0x0d: this.byte(0x72); return; // \r
      default: this.ascii('u00' + HEX[c >> 4]! + HEX[c & 0xf]!);
    }
  }

  /** Hashes the UTF-8 bytes of the code point starting at text[i]; returns the index of its last unit. */
  private nonAscii(text: string, i: number, c: number): number {
    let cp = c;
    let last = i;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        last = i + 1;
      } else {
        cp = 0xfffd;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      cp = 0xfffd;
    }
    if (cp < 0x800) {
      this.byte(0xc0 | (cp >> 6));
      this.byte(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      this.byte(0xe0 | (cp >> 12));
      this.byte(0x80 | ((cp >> 6) & 0x3f));
      this.byte(0x80 | (cp & 0x3f));
    } else {
      this.byte(0xf0 | (cp >> 18));
      this.byte(0x80 | ((cp >> 12) & 0x3f));
      this.byte(0x80 | ((cp >> 6) & 0x3f));
      this.byte(0x80 | (cp & 0x3f));
    }
    return last;
  }
}

/** NaN (past the end of a string) is not a low surrogate. */
function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

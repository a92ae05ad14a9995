/**
 * Number of bytes `text` takes in UTF-8, counted without encoding it (no TextEncoder/Buffer, so the
 * core stays runnable anywhere and allocates nothing).
 *
 * A lone surrogate counts 3 bytes, as TextEncoder writes it as U+FFFD. JSON.stringify escapes lone
 * surrogates anyway, so for its output this is exact.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair is one code point above U+FFFF: 4 bytes for two UTF-16 units.
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    } else bytes += 3;
  }
  return bytes;
}

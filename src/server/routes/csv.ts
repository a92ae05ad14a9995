/**
 * CSV as RFC 4180 writes it: fields holding a comma, a double quote, CR or LF are enclosed in
 * double quotes with inner quotes doubled; records end with CRLF.
 */

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

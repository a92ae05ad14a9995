/**
 * Number formatting for persona narratives: locale-free (no Intl), currency-free, and reversible
 * within the rounding step, so a test can parse every number back out of a text.
 *
 * - percent: a 0..1 share as "12%" (whole percent from 10% up or at 0, one decimal below: "4.5%")
 * - multiple: a ratio as "2.4x" (one decimal; two below 0.1; whole from 10 up)
 * - amount: "45.20" below 100, "1,234" from 100 up (comma thousands separators)
 * - days and counts: one decimal below 10, whole from 10 up
 * - integer: a whole count, "42"
 */
export type PersonaNumberKind = 'percent' | 'multiple' | 'amount' | 'days' | 'count' | 'integer';

export function formatPersonaNumber(kind: PersonaNumberKind, value: number): string {
  switch (kind) {
    case 'percent':
      return `${fixed(value * 100, Math.abs(value * 100) >= 10 || value === 0 ? 0 : 1)}%`;
    case 'multiple':
      return `${fixed(value, Math.abs(value) >= 10 ? 0 : Math.abs(value) < 0.1 ? 2 : 1)}x`;
    case 'amount':
      return Math.abs(value) >= 100 ? group(fixed(value, 0)) : fixed(value, 2);
    case 'days':
    case 'count':
      return group(fixed(value, Math.abs(value) >= 10 ? 0 : 1));
    case 'integer':
      return group(fixed(value, 0));
  }
}

/** toFixed without "-0". */
function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** Inserts comma thousands separators into the integer part of a plain decimal string. */
function group(text: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (match === null) return text;
  const sign = match[1] ?? '';
  const whole = match[2] ?? '';
  const fraction = match[3] ?? '';
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction}`;
}

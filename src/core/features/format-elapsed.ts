import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../shared/time.js';

/**
 * "2 hours ago" style wording for explanations. Whole units, rounded down, so the sentence never
 * claims more time than has passed; a negative span (an event stamped after `now`) reads "just now".
 */
export function formatElapsed(elapsedMs: number): string {
  if (elapsedMs < MS_PER_MINUTE) return 'just now';
  if (elapsedMs < MS_PER_HOUR) return countOf(Math.floor(elapsedMs / MS_PER_MINUTE), 'minute') + ' ago';
  if (elapsedMs < 2 * MS_PER_DAY) return countOf(Math.floor(elapsedMs / MS_PER_HOUR), 'hour') + ' ago';
  return countOf(Math.floor(elapsedMs / MS_PER_DAY), 'day') + ' ago';
}

/** "1 item", "3 items", "1.5 items": at most two decimals, no trailing zeros. */
export function countOf(count: number, noun: string): string {
  const text = Number.isInteger(count) ? String(count) : String(Math.round(count * 100) / 100);
  return `${text} ${noun}${count === 1 ? '' : 's'}`;
}

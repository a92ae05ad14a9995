import type { EpochMs } from '../shared/time.js';

const ISO_LIKE = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const US_LIKE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Reads a date-time written without a zone and treats it as UTC. Accepts `YYYY-MM-DD HH:MM[:SS[.mmm]]`
 * (or with `T`) and the US spreadsheet form `M/D/YYYY H:MM[:SS]` (the UCI Excel export). Returns null
 * for anything else or for impossible dates (2011-02-30).
 */
export function parseNaiveDateTimeAsUtc(text: string): EpochMs | null {
  const value = text.trim();
  let year: number;
  let month: number;
  let day: number;
  let hour: number;
  let minute: number;
  let second = 0;
  let milli = 0;
  const iso = ISO_LIKE.exec(value);
  if (iso !== null) {
    year = Number(iso[1]);
    month = Number(iso[2]);
    day = Number(iso[3]);
    hour = Number(iso[4]);
    minute = Number(iso[5]);
    second = iso[6] === undefined ? 0 : Number(iso[6]);
    milli = iso[7] === undefined ? 0 : Number(iso[7].padEnd(3, '0'));
  } else {
    const us = US_LIKE.exec(value);
    if (us === null) return null;
    month = Number(us[1]);
    day = Number(us[2]);
    year = Number(us[3]);
    hour = Number(us[4]);
    minute = Number(us[5]);
    second = us[6] === undefined ? 0 : Number(us[6]);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, milli);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return ms;
}

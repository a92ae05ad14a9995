import type { RatingRow } from '../../core/recs/protocol.js';
import { openLineSource } from '../import/read-lines.js';
import { UsageError } from '../usage-error.js';
import { readTableFile } from './read-table-file.js';

/** One rating as read, ids still text (they are encoded to numbers over all files together). */
export interface RawRating {
  readonly user: string;
  readonly item: string;
  readonly rating: number;
  readonly timestamp: number;
}

export interface RatingColumns {
  readonly user: string;
  readonly item: string;
  readonly rating: string;
  readonly time: string;
  readonly delimiter: string;
  /**
   * Columns used only when the file has them (the defaults the user did not name): without a rating
   * column every row counts as 1, without a time column every row is at time 0.
   */
  readonly optional: readonly ('rating' | 'time')[];
}

/**
 * MovieLens ratings (u.data and the split files): tab-separated `user item rating unixtime`, no header
 * (plain or .gz). Blank lines are skipped.
 */
export async function readMovielensRatings(path: string): Promise<RawRating[]> {
  const out: RawRating[] = [];
  const source = await openLineSource(path);
  let line = 0;
  for await (const chunk of source.chunks) {
    for (const text of chunk) {
      line++;
      if (text.trim() === '') continue;
      const [user, item, rating, time] = text.split('\t').map((c) => c.trim());
      const r = Number(rating);
      const t = Number(time);
      if (user === undefined || user === '' || item === undefined || item === '' || !Number.isFinite(r) || !Number.isFinite(t)) {
        throw new UsageError(`${path}: line ${line} is not "user<TAB>item<TAB>rating<TAB>unixtime" (--format movielens): ${text.trim().slice(0, 80)}`);
      }
      out.push({ user, item, rating: r, timestamp: t });
    }
  }
  return out;
}

/** A number of seconds, or an ISO-8601 date/time (converted to unix seconds). */
function parseTime(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  if (Number.isFinite(n)) return n;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** A CSV with a header: one row per rating, columns chosen by name (plain or .gz). */
export async function readCsvRatings(path: string, columns: RatingColumns): Promise<RawRating[]> {
  const table = await readTableFile(path, columns.delimiter);
  const missing: string[] = [];
  const index = (name: string, flag: string, optional = false): number => {
    const at = table.header.indexOf(name);
    if (at < 0 && !optional) missing.push(`${flag} "${name}"`);
    return at;
  };
  const u = index(columns.user, '--user-col');
  const i = index(columns.item, '--item-col');
  const r = index(columns.rating, '--rating-col', columns.optional.includes('rating'));
  const t = index(columns.time, '--time-col', columns.optional.includes('time'));
  if (missing.length > 0) {
    throw new UsageError(`no column ${missing.join(', ')} in ${path}`, { details: [`columns: ${table.header.join(', ')}`] });
  }
  return table.rows.map((row, n) => {
    const user = (row[u] ?? '').trim();
    const item = (row[i] ?? '').trim();
    if (user === '' || item === '') throw new UsageError(`${path}: row ${n + 2}: empty user or item`);
    const rating = r < 0 ? 1 : Number((row[r] ?? '').trim());
    if (!Number.isFinite(rating)) throw new UsageError(`${path}: row ${n + 2}: "${row[r] ?? ''}" is not a rating`);
    const timestamp = t < 0 ? 0 : parseTime(row[t] ?? '');
    if (timestamp === null) throw new UsageError(`${path}: row ${n + 2}: "${row[t] ?? ''}" is not a time (unix seconds or ISO-8601)`);
    return { user, item, rating, timestamp };
  });
}

/**
 * Encodes text ids to numbers over every file together (train and test share one encoding). When
 * every id of a kind is a whole number, the number itself is kept (so "ties by ascending id" keeps
 * meaning MovieLens ids); otherwise ids are numbered in sorted text order.
 */
export function encodeRatingIds(sets: readonly (readonly RawRating[])[]): RatingRow[][] {
  const encoder = (ids: Iterable<string>): ((id: string) => number) => {
    const distinct = [...new Set(ids)];
    if (distinct.every((id) => /^-?\d{1,15}$/.test(id))) return (id) => Number(id);
    const order = new Map(distinct.sort().map((id, n) => [id, n]));
    return (id) => order.get(id) ?? -1;
  };
  const all = sets.flat();
  const user = encoder(all.map((r) => r.user));
  const item = encoder(all.map((r) => r.item));
  return sets.map((rows) => rows.map((r) => ({ user: user(r.user), item: item(r.item), rating: r.rating, timestamp: r.timestamp })));
}

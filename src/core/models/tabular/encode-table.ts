import type { Matrix } from '../matrix.js';
import { createMatrix } from '../matrix.js';

/**
 * Turns a CSV-like table (a header and rows of strings) into a numeric matrix for the models, the
 * same way for training and for later rows:
 * - a column is numeric when at least NUMERIC_SHARE of its non-empty cells parse as finite
 *   numbers; empty or unparseable cells become NaN (missing);
 * - any other column is categorical: one 0/1 column per level among its MAX_LEVELS most frequent
 *   values (ties by value), so a level unseen in training, or beyond the cap, is all zeros;
 * - the target column becomes the label (1 where it equals the positive value) and is not a
 *   feature; `drop` removes identifier columns (customer ids carry no signal but look unique).
 */
export interface TableEncoder {
  readonly format: 'table-encoder@1';
  readonly header: readonly string[];
  readonly target: string;
  readonly positive: string;
  readonly columns: readonly EncodedColumn[];
  readonly featureNames: readonly string[];
}

export type EncodedColumn =
  | { readonly name: string; readonly index: number; readonly kind: 'numeric' }
  | { readonly name: string; readonly index: number; readonly kind: 'categorical'; readonly levels: readonly string[] };

export const NUMERIC_SHARE = 0.95;
export const MAX_LEVELS = 50;

export interface EncodedTable {
  readonly x: Matrix;
  readonly y: Float64Array;
}

export function fitTableEncoder(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: { readonly target: string; readonly positive: string; readonly drop?: readonly string[] },
): TableEncoder {
  const targetIndex = header.indexOf(opts.target);
  if (targetIndex < 0) throw new RangeError(`no column "${opts.target}" (columns: ${header.join(', ')})`);
  const dropped = new Set(opts.drop ?? []);
  for (const name of dropped) if (!header.includes(name)) throw new RangeError(`--drop names no column "${name}"`);
  const columns: EncodedColumn[] = [];
  header.forEach((name, index) => {
    if (index === targetIndex || dropped.has(name)) return;
    let filled = 0;
    let numeric = 0;
    const counts = new Map<string, number>();
    for (const row of rows) {
      const cell = (row[index] ?? '').trim();
      if (cell === '') continue;
      filled++;
      if (Number.isFinite(Number(cell))) numeric++;
      counts.set(cell, (counts.get(cell) ?? 0) + 1);
    }
    if (filled > 0 && numeric >= NUMERIC_SHARE * filled) {
      columns.push({ name, index, kind: 'numeric' });
      return;
    }
    const levels = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, MAX_LEVELS)
      .map(([level]) => level);
    columns.push({ name, index, kind: 'categorical', levels });
  });
  const featureNames = columns.flatMap((c) => (c.kind === 'numeric' ? [c.name] : c.levels.map((level) => `${c.name}=${level}`)));
  return { format: 'table-encoder@1', header: [...header], target: opts.target, positive: opts.positive, columns, featureNames };
}

export function encodeTable(encoder: TableEncoder, rows: readonly (readonly string[])[]): EncodedTable {
  const width = encoder.featureNames.length;
  const x = createMatrix(rows.length, width);
  const y = new Float64Array(rows.length);
  const targetIndex = encoder.header.indexOf(encoder.target);
  const levelIndex = encoder.columns.map((c) => (c.kind === 'categorical' ? new Map(c.levels.map((level, i) => [level, i])) : null));
  rows.forEach((row, r) => {
    y[r] = (row[targetIndex] ?? '').trim() === encoder.positive ? 1 : 0;
    let offset = r * width;
    encoder.columns.forEach((column, c) => {
      const cell = (row[column.index] ?? '').trim();
      if (column.kind === 'numeric') {
        const value = cell === '' ? Number.NaN : Number(cell);
        x.data[offset++] = Number.isFinite(value) ? value : Number.NaN;
      } else {
        const at = levelIndex[c]?.get(cell);
        if (at !== undefined) x.data[offset + at] = 1;
        offset += column.levels.length;
      }
    });
  });
  return { x, y };
}

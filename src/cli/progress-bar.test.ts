import { describe, expect, it } from 'vitest';
import type { OutputStream } from './cli-runtime.js';
import { formatDurationMs, formatTable } from './format.js';
import { createProgressBar } from './progress-bar.js';

function stream(isTTY: boolean): OutputStream & { text: string } {
  const out = { text: '', isTTY, columns: 120, write: (s: string) => { out.text += s; } };
  return out;
}

describe('createProgressBar', () => {
  it('redraws one line in place on a terminal, with percent, rate and ETA', () => {
    let now = 0;
    const tty = stream(true);
    const bar = createProgressBar({ stream: tty, label: 'import', unit: 'rows', nowMs: () => now });
    now = 50;
    bar.update({ done: 10, fraction: 0.1 });
    expect(tty.text).toBe('');
    now = 1000;
    bar.update({ done: 1000, fraction: 0.25 });
    expect(tty.text).toBe('\rimport  [######------------------]   25%  1,000 rows  1,000 rows/s  ETA 3.0 s\x1b[K');
    now = 2000;
    bar.finish({ done: 4000, fraction: 1 });
    expect(tty.text.endsWith('\rimport  [########################]  100%  4,000 rows  2,000 rows/s  in 2.0 s\x1b[K\n')).toBe(true);
  });

  it('writes a plain line every few seconds elsewhere', () => {
    let now = 0;
    const file = stream(false);
    const bar = createProgressBar({ stream: file, label: 'rebuild', unit: 'events', nowMs: () => now });
    now = 1000;
    bar.update({ done: 5, fraction: null });
    expect(file.text).toBe('');
    now = 6000;
    bar.update({ done: 60, fraction: null });
    bar.finish({ done: 100, fraction: null });
    expect(file.text).toBe('rebuild  60 events  10 events/s\nrebuild  100%  100 events  17 events/s  in 6.0 s\n');
  });
});

describe('format', () => {
  it('formats durations and tables', () => {
    expect(formatDurationMs(850)).toBe('850 ms');
    expect(formatDurationMs(4200)).toBe('4.2 s');
    expect(formatDurationMs(187_000)).toBe('3m 07s');
    expect(formatDurationMs(3_720_000)).toBe('1h 02m');
    expect(formatTable(['A', 'BB'], [['xxx', 'y']])).toBe('A    BB\nxxx  y');
  });
});

import type { OutputStream } from './cli-runtime.js';
import { formatCount, formatDurationMs, ratePerSecond } from './format.js';

export interface ProgressState {
  /** Units done so far (rows, events). */
  readonly done: number;
  /** Share of the work done, 0..1, when known (bytes read / file size); null when unknown. */
  readonly fraction: number | null;
}

export interface ProgressBar {
  /** Cheap to call often: redraws at most every `intervalMs`. */
  update(state: ProgressState): void;
  /** Draws the final state and ends the line. */
  finish(state: ProgressState): void;
}

/** Redraw interval on a terminal (ms). */
export const TTY_REDRAW_MS = 100;
/** Interval between plain progress lines when stderr is a file or pipe (ms). */
export const PLAIN_LINE_MS = 5000;
const BAR_WIDTH = 24;

/**
 * A progress bar on stderr: `label [#####-----] 43%  232,100 rows  41,200 rows/s  ETA 7.0 s`.
 * On a terminal it redraws one line in place; otherwise it writes a plain line every few seconds,
 * so logs of CI runs and `2> file` stay readable.
 */
export function createProgressBar(opts: {
  readonly stream: OutputStream;
  readonly label: string;
  readonly unit: string;
  readonly nowMs: () => number;
  readonly intervalMs?: number;
}): ProgressBar {
  const startedMs = opts.nowMs();
  const interval = opts.intervalMs ?? (opts.stream.isTTY ? TTY_REDRAW_MS : PLAIN_LINE_MS);
  let lastDrawMs = startedMs;

  const render = (state: ProgressState, final: boolean): string => {
    const elapsed = opts.nowMs() - startedMs;
    const rate = ratePerSecond(state.done, elapsed);
    const parts: string[] = [opts.label];
    const fraction = final ? 1 : state.fraction;
    if (fraction !== null) {
      const clamped = Math.min(1, Math.max(0, fraction));
      if (opts.stream.isTTY) {
        const filled = Math.round(clamped * BAR_WIDTH);
        parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`);
      }
      parts.push(`${String(Math.floor(clamped * 100)).padStart(3)}%`);
    }
    parts.push(`${formatCount(state.done)} ${opts.unit}`);
    parts.push(`${formatCount(rate)} ${opts.unit}/s`);
    if (final) {
      parts.push(`in ${formatDurationMs(elapsed)}`);
    } else if (fraction !== null && fraction > 0.001 && elapsed > 500) {
      parts.push(`ETA ${formatDurationMs((elapsed * (1 - fraction)) / fraction)}`);
    }
    return parts.join('  ');
  };

  const draw = (state: ProgressState, final: boolean): void => {
    const text = render(state, final);
    if (opts.stream.isTTY) {
      const width = opts.stream.columns ?? 100;
      opts.stream.write(`\r${text.slice(0, Math.max(20, width - 1))}\x1b[K${final ? '\n' : ''}`);
    } else {
      opts.stream.write(`${text}\n`);
    }
  };

  return {
    update(state: ProgressState): void {
      const now = opts.nowMs();
      if (now - lastDrawMs < interval) return;
      lastDrawMs = now;
      draw(state, false);
    },
    finish(state: ProgressState): void {
      draw(state, true);
    },
  };
}

import type { EpochMs } from '../core/shared/time.js';

/** The only source of "now" for app code; tests pass a fixed or stepping clock. */
export interface Clock {
  nowMs(): EpochMs;
}

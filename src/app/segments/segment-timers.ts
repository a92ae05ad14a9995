import type { WorkspaceId } from '../../core/shared/ids.js';
import type { Logger } from '../../ports/logger.js';
import type { SegmentEngine } from './segment-engine.js';

export interface SegmentTimers {
  /** Stops the timers and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Background passes: time windows that expired (every dueCheckIntervalMs) and the sweep of segments
 * whose time dependence cannot be scheduled (every sweepIntervalMs). One pass at a time; a failed
 * pass is logged and retried at the next tick (nothing is lost: the schedule stays in the store).
 */
export function startSegmentTimers(deps: {
  readonly engine: SegmentEngine;
  readonly logger: Logger;
  readonly dueCheckIntervalMs: number;
  readonly sweepIntervalMs: number;
  /** Runs before each workspace's sweep (periodic model refits). */
  readonly beforeSweep?: (workspace: WorkspaceId) => Promise<void>;
}): SegmentTimers {
  const { engine, logger } = deps;
  let running: Promise<void> | null = null;
  let stopped = false;

  const pass = (what: 'due' | 'sweep', fn: () => Promise<void>): void => {
    if (running !== null || stopped) return;
    running = fn()
      .catch((error: unknown) => logger.error(`segment ${what} pass failed`, { message: error instanceof Error ? error.message : 'unknown' }))
      .finally(() => {
        running = null;
      });
  };

  const due = setInterval(() => {
    pass('due', async () => {
      for (const workspace of engine.workspaceIds()) {
        while (!stopped && (await engine.runDue(workspace)) > 0);
      }
    });
  }, deps.dueCheckIntervalMs);
  const sweep = setInterval(() => {
    pass('sweep', async () => {
      for (const workspace of engine.workspaceIds()) {
        if (deps.beforeSweep !== undefined && !stopped) await deps.beforeSweep(workspace);
        const keys = engine.registry(workspace).ordered.filter((s) => s.swept).map((s) => s.definition.key);
        if (keys.length > 0 && !stopped) await engine.backfill(workspace, new Set(keys));
      }
    });
  }, deps.sweepIntervalMs);
  due.unref();
  sweep.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(due);
      clearInterval(sweep);
      if (running !== null) await running;
    },
  };
}

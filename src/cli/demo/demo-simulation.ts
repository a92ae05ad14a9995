import type { AttuneApp } from '../../app/attune-app.js';
import { simulateExperiment } from '../../app/experiments/simulate-experiment.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import { asWorkspaceId } from '../../core/shared/ids.js';
import type { OutputStream } from '../cli-runtime.js';
import { formatCount } from '../format.js';

/** The simulation runs in its own workspace, so simulated shoppers never mix with the imported data. */
export const DEMO_SIMULATION_WORKSPACE = asWorkspaceId('ws_simulation');

/**
 * Step 8 of the demo: a whole experiment, control vs segments vs one-to-one personalization, run
 * end to end by SIMULATED shoppers (hidden tastes) through the real decide API and events, once per
 * store (later runs show the stored results).
 */
export async function runDemoSimulation(app: AttuneApp, out: OutputStream, nowMs: number): Promise<WorkspaceId> {
  out.write('\nExperiment (SIMULATED SHOPPERS: not real customers)\n');
  const exists = (await app.listWorkspaces()).some((w) => w.id === DEMO_SIMULATION_WORKSPACE);
  if (!exists) await app.createWorkspace({ slug: 'simulation', name: 'Simulated shoppers (demo)' });
  const done = app.experiments.list(DEMO_SIMULATION_WORKSPACE).some((e) => e.key === 'sim-personalization');
  const { results } = done
    ? await app.experiments.results(DEMO_SIMULATION_WORKSPACE, 'sim-personalization')
    : await simulateExperiment(app, DEMO_SIMULATION_WORKSPACE, { shoppers: 300, days: 14, visitsPerShopperPerDay: 1, seed: 7, endMs: nowMs });
  out.write(`  Workspace ${DEMO_SIMULATION_WORKSPACE}: ${formatCount(results.units)} simulated shoppers, 14 days, placement sim-home.\n`);
  for (const arm of results.arms) {
    const rpu = arm.revenuePerUnit.mean;
    out.write(`  - ${arm.key}: ${formatCount(arm.units)} shoppers, converted ${((arm.conversion.rate ?? 0) * 100).toFixed(1)}%, revenue per shopper ${rpu === null ? '-' : rpu.toFixed(2)}\n`);
  }
  for (const c of results.comparisons) out.write(`  ${c.arm} vs ${c.baseline}: ${c.verdict.verdict}. ${c.verdict.reason}\n`);
  return DEMO_SIMULATION_WORKSPACE;
}

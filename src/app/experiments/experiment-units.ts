import type { Experiment, UnitOutcome } from '../../core/experiments/experiment.js';
import type { StoredDecision } from '../../core/decisions/decision-record.js';
import { readDiscount, readOrderAmount, readProductLines } from '../../core/profiles/ecommerce-fields.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import { asProfileId } from '../../core/shared/ids.js';
import { isJsonObject } from '../../core/shared/json.js';
import type { Storage } from '../../ports/storage.js';

const PAGE = 1_000;

interface UnitExposure {
  arm: string;
  firstAtMs: number;
  exposures: number;
  clicks: number;
}

/**
 * One row per customer exposed to the experiment: their arm, exposures and clicks (from the
 * decision log), and what they ordered in the attribution window after their first exposure and in
 * the same length of time before it (from the event log: every order counts, whether or not it
 * names a decision, since the arm changes everything the customer sees on the placement).
 */
export async function experimentUnits(
  storage: Storage,
  workspace: WorkspaceId,
  experiment: Experiment,
  segmentsOf: (profileId: ProfileId) => readonly string[],
): Promise<UnitOutcome[]> {
  const units = new Map<string, UnitExposure>();
  let after: { atMs: number; id: string } | null = null;
  for (;;) {
    const page: readonly StoredDecision[] = await storage.read.decisions.scan(workspace, { placement: experiment.placement, after, limit: PAGE });
    for (const d of page) {
      const tag = d.context['experiment'];
      if (d.profileId === null || !isJsonObject(tag) || tag['key'] !== experiment.key || tag['version'] !== experiment.version || typeof tag['arm'] !== 'string') continue;
      const unit = units.get(d.profileId) ?? { arm: tag['arm'], firstAtMs: d.atMs, exposures: 0, clicks: 0 };
      unit.exposures++;
      unit.firstAtMs = Math.min(unit.firstAtMs, d.atMs);
      if (d.outcomes.some((o) => o.kind === 'click')) unit.clicks++;
      units.set(d.profileId, unit);
    }
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    after = { atMs: last.atMs, id: last.id };
  }
  const windowMs = experiment.attributionHours * 3_600_000;
  const out: UnitOutcome[] = [];
  for (const [profileId, unit] of units) {
    let orders = 0;
    let revenue = 0;
    let discount = 0;
    let preRevenue = 0;
    let refunded = false;
    for (const event of await storage.read.events.listForReplay(workspace, asProfileId(profileId))) {
      const inWindow = event.timestampMs >= unit.firstAtMs && event.timestampMs < unit.firstAtMs + windowMs;
      if (event.type === 'track' && event.event === 'Order Refunded' && inWindow) refunded = true;
      if (event.type !== 'track' || event.event !== 'Order Completed') continue;
      const amount = readOrderAmount(event.properties, readProductLines(event.properties)) ?? 0;
      if (inWindow) {
        orders++;
        revenue += amount;
        discount += readDiscount(event.properties).amount;
      } else if (event.timestampMs < unit.firstAtMs && event.timestampMs >= unit.firstAtMs - windowMs) preRevenue += amount;
    }
    out.push({ unit: profileId, arm: unit.arm, exposures: unit.exposures, clicks: unit.clicks, orders, revenue, discount, preRevenue, refunded, segments: segmentsOf(asProfileId(profileId)) });
  }
  return out;
}

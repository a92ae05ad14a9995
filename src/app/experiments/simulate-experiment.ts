/**
 * A closed-loop experiment on SIMULATED shoppers (`attune simulate`): a population with hidden
 * preferences (src/core/experiments/simulated-shoppers.ts) visits a placement, gets real answers from
 * decide(), and its clicks and orders go back through ingest, so the experiment's results are
 * computed exactly as for real traffic. Clearly labelled: every id starts with `sim-` and every
 * event carries `context.simulated: true`.
 *
 * Time: the simulation runs on simulated timestamps ending at `endMs` (the caller's now): a warm-up
 * of `warmUpDays` before the experiment, then `days` of visits. decide() gets `context.atMs` = the
 * visit's time and every event carries its own `timestamp`, so exposures (decision atMs) and orders
 * (event times) line up in the experiment's attribution window; the app's clock may stay real.
 * Uses only the app's public use cases.
 */
import type { AttuneApp } from '../attune-app.js';
import type { DecisionView } from '../decisions/decision-service.js';
import type { Experiment } from '../../core/experiments/experiment.js';
import type { ExperimentResults } from '../../core/experiments/experiment-results.js';
import type { Shopper, SimItem } from '../../core/experiments/simulated-shoppers.js';
import { SIM_PREFIX, createShoppers, shopperResponse, simulatedCatalog, styleVariantKey, warmUpSession } from '../../core/experiments/simulated-shoppers.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import { createRng } from '../../core/shared/rng.js';
import type { EpochMs } from '../../core/shared/time.js';

const DAY = 86_400_000;
const BATCH = 500;
export const SIM_PLACEMENT = 'sim-home';
export const SIM_EXPERIMENT = 'sim-personalization';
const ARMS = [
  { key: 'control', treatment: 'control', weight: 1 },
  { key: 'segments', treatment: 'segments', weight: 1 },
  { key: 'personalized', treatment: 'personalized', weight: 1 },
];
const OFFERS = {
  'sim-nudge': { name: 'Simulated nudge', kind: 'percent_off', minPercent: 5, maxPercent: 20, marginFloor: 0.15, defaultMarginRate: 0.4 },
  'sim-free-shipping': { name: 'Simulated free shipping', kind: 'free_shipping' },
};

export interface SimulationProgress {
  readonly phase: 'warm-up' | 'visits';
  readonly done: number;
  readonly total: number;
}

export interface SimulationOptions {
  readonly shoppers: number;
  readonly days: number;
  /** Mean visits per shopper per day (a fraction is a chance of one more visit). */
  readonly visitsPerShopperPerDay: number;
  readonly seed: number;
  /** The simulated timeline ends here (the caller's now). */
  readonly endMs: EpochMs;
  readonly items?: number;
  readonly categories?: number;
  readonly warmUpDays?: number;
  readonly onProgress?: (progress: SimulationProgress) => void;
}

export interface SimulationOutcome {
  readonly simulated: true;
  readonly shoppers: number;
  readonly visits: number;
  readonly clicks: number;
  readonly orders: number;
  readonly revenue: number;
  readonly events: number;
  readonly experiment: Experiment;
  readonly results: ExperimentResults;
  readonly report: string;
}

/** Runs the whole simulated experiment (setup is idempotent; each run adds traffic). */
export async function simulateExperiment(app: AttuneApp, workspace: WorkspaceId, options: SimulationOptions): Promise<SimulationOutcome> {
  const rng = createRng(options.seed);
  const catalog = simulatedCatalog(rng, options.items ?? 60, options.categories ?? 6);
  const shoppers = createShoppers(rng, options.shoppers, catalog);
  const warmUpDays = options.warmUpDays ?? 28;
  const startMs = options.endMs - options.days * DAY;
  const sender = new EventSender(app, workspace, options.endMs, `${SIM_PREFIX}${options.seed}`);

  const upserted = await app.upsertCatalog(
    workspace,
    catalog.items.map((i) => ({ id: i.id, name: i.name, category: i.category, price: i.price, marginRate: i.marginRate, stock: 1_000, attributes: { simulated: true } })),
  );
  if (upserted.rejected.length > 0) throw new Error(`simulated catalog refused: ${JSON.stringify(upserted.rejected[0])}`);

  // Warm-up history: who they are (the observable trait) and what they browsed and bought.
  const history: { atMs: number; event: Record<string, unknown> }[] = [];
  for (const shopper of shoppers) {
    const firstMs = startMs - warmUpDays * DAY;
    history.push({ atMs: firstMs, event: { type: 'identify', userId: shopper.id, traits: { style: shopper.style, simulated: true } } });
    const sessions = 2 + rng.nextInt(5);
    for (let s = 0; s < sessions; s++) {
      const at = firstMs + DAY + Math.floor(rng.next() * (warmUpDays - 1) * DAY);
      const { viewed, ordered } = warmUpSession(shopper, catalog, rng);
      viewed.forEach((item, v) => history.push({ atMs: at + v * 60_000, event: viewedEvent(shopper, item, null) }));
      if (ordered.length > 0) history.push({ atMs: at + 10 * 60_000, event: orderEvent(shopper, ordered, null, ordered.reduce((sum, i) => sum + i.price, 0), 0) });
    }
  }
  history.sort((a, b) => a.atMs - b.atMs);
  for (const [i, h] of history.entries()) {
    sender.add(h.event, h.atMs);
    if (sender.pending >= BATCH) {
      await sender.flush();
      options.onProgress?.({ phase: 'warm-up', done: i + 1, total: history.length });
    }
  }
  await sender.flush();
  options.onProgress?.({ phase: 'warm-up', done: history.length, total: history.length });

  // The recommender, the trait segments, the offers, the placement and the experiment.
  // Segments first: the recommender's training reads them (popular items per segment).
  for (const style of catalog.styles) {
    await app.segments.update(workspace, `sim-style-${style}`, { text: `traits.style = "${style}"`, name: `Simulated ${style}s` });
  }
  await app.recommendations.train(workspace, {});
  for (const [key, offer] of Object.entries(OFFERS)) await app.decisions.putOffer(workspace, key, offer);
  await app.decisions.putPlacement(workspace, SIM_PLACEMENT, {
    channel: 'web',
    recommendations: { count: 4 },
    offers: { policy: 'bandit', keys: Object.keys(OFFERS) },
    content: {
      policy: 'bandit',
      variants: [
        ...catalog.styles.map((style) => ({ key: styleVariantKey(style), eligibility: `traits.style = "${style}"`, text: `Picked for ${style}s (simulated)` })),
        { key: `${SIM_PREFIX}generic`, text: 'Popular this week (simulated)' },
      ],
    },
    fallbackVariant: `${SIM_PREFIX}generic`,
  });
  const attributionHours = Math.min(2_160, Math.max(24, options.days * 24));
  await app.experiments.put(workspace, SIM_EXPERIMENT, { placement: SIM_PLACEMENT, arms: ARMS, attributionHours });

  // The experiment: each day, every visit in time order asks decide() and reacts.
  const byId = new Map(catalog.items.map((i) => [i.id, i]));
  let visits = 0;
  let clicks = 0;
  let orders = 0;
  let revenue = 0;
  const whole = Math.floor(options.visitsPerShopperPerDay);
  const extra = options.visitsPerShopperPerDay - whole;
  const expected = Math.round(options.shoppers * options.days * options.visitsPerShopperPerDay);
  for (let day = 0; day < options.days; day++) {
    const today: { atMs: number; shopper: Shopper }[] = [];
    for (const shopper of shoppers) {
      const count = whole + (rng.next() < extra ? 1 : 0);
      for (let v = 0; v < count; v++) today.push({ atMs: startMs + day * DAY + Math.floor(rng.next() * (DAY - 3_600_000)), shopper });
    }
    today.sort((a, b) => a.atMs - b.atMs);
    for (const { atMs, shopper } of today) {
      const decision = await app.decisions.decide(workspace, { user: { kind: 'user_id', value: shopper.id }, placement: SIM_PLACEMENT, context: { atMs: atMs as EpochMs, page: 'home' } });
      const shown = shownItems(decision, byId);
      const response = shopperResponse(
        shopper,
        { items: shown, discountPercent: decision.offer?.discountPercent ?? 0, freeShipping: decision.offer?.kind === 'free_shipping', contentVariant: decision.content?.variant ?? null },
        rng,
        catalog,
      );
      visits++;
      shown.forEach((item, i) => sender.add(viewedEvent(shopper, item, decision.decisionId), atMs + 1_000 + i));
      if (response.clicked !== null) {
        clicks++;
        sender.add({ type: 'track', event: 'Product Clicked', userId: shopper.id, properties: { product_id: response.clicked.id, decision_id: decision.decisionId } }, atMs + 30_000);
      }
      if (response.ordered !== null) {
        orders++;
        revenue += response.revenue;
        sender.add(orderEvent(shopper, response.ordered, decision, response.revenue, response.discount), atMs + 5 * 60_000);
      }
      if (sender.pending >= BATCH) await sender.flush();
      options.onProgress?.({ phase: 'visits', done: visits, total: expected });
    }
    await sender.flush();
  }
  options.onProgress?.({ phase: 'visits', done: visits, total: visits });
  const { experiment, results, report } = await app.experiments.results(workspace, SIM_EXPERIMENT);
  return { simulated: true, shoppers: shoppers.length, visits, clicks, orders, revenue: Math.round(revenue * 100) / 100, events: sender.sent, experiment, results, report };
}

function shownItems(decision: DecisionView, byId: ReadonlyMap<string, SimItem>): SimItem[] {
  return (decision.recommendations?.items ?? []).map((i) => byId.get(i.itemId)).filter((i): i is SimItem => i !== undefined);
}

function viewedEvent(shopper: Shopper, item: SimItem, decisionId: string | null): Record<string, unknown> {
  return { type: 'track', event: 'Product Viewed', userId: shopper.id, properties: { product_id: item.id, category: item.category, price: item.price, ...(decisionId === null ? {} : { shown_by_decision: decisionId }) } };
}

function orderEvent(shopper: Shopper, items: readonly SimItem[], decision: DecisionView | null, revenue: number, discount: number): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Order Completed',
    userId: shopper.id,
    properties: {
      revenue: Math.round(revenue * 100) / 100,
      discount,
      ...(decision === null ? {} : { decision_id: decision.decisionId }),
      ...(decision?.offer == null ? {} : { coupon: decision.offer.key }),
      products: items.map((i) => ({ product_id: i.id, category: i.category, price: i.price, quantity: 1 })),
    },
  };
}

/** Buffers events with their simulated times and sends them through ingest, labelled as simulated. */
class EventSender {
  private buffer: Record<string, unknown>[] = [];
  sent = 0;
  private counter = 0;

  private readonly app: AttuneApp;
  private readonly workspace: WorkspaceId;
  private readonly receivedAtMs: EpochMs;
  private readonly idPrefix: string;

  constructor(app: AttuneApp, workspace: WorkspaceId, receivedAtMs: EpochMs, idPrefix: string) {
    this.app = app;
    this.workspace = workspace;
    this.receivedAtMs = receivedAtMs;
    this.idPrefix = idPrefix;
  }

  get pending(): number {
    return this.buffer.length;
  }

  add(event: Record<string, unknown>, atMs: number): void {
    const messageId = `${this.idPrefix}-${atMs.toString(36)}-${++this.counter}`;
    const properties = event['properties'] as Record<string, unknown> | undefined;
    const withOrder = event['event'] === 'Order Completed' && properties !== undefined ? { ...event, properties: { order_id: messageId, ...properties } } : event;
    this.buffer.push({ ...withOrder, messageId, timestamp: new Date(atMs).toISOString(), context: { simulated: true } });
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const events = this.buffer;
    this.buffer = [];
    const outcome = await this.app.ingest({ workspaceId: this.workspace, events, receivedAtMs: this.receivedAtMs, impliedType: null, batchSentAt: null });
    if (outcome.rejected.length > 0) throw new Error(`simulated events refused: ${JSON.stringify(outcome.rejected[0])}`);
    this.sent += outcome.accepted;
  }
}

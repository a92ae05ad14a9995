import type { AttuneApp } from '../../app/attune-app.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { OutputStream } from '../cli-runtime.js';
import { DEMO_DATA_END } from './demo-recommendations.js';

/** The offers and the placement the demo configures (kept between runs; PUT replaces them). */
export const DEMO_OFFERS = {
  nudge: { name: 'Basket nudge', kind: 'percent_off', minPercent: 5, maxPercent: 15, marginFloor: 0.15, defaultMarginRate: 0.45, stages: ['ready_to_buy', 'considering', 'customer'], message: { headline: 'A little extra off your next order' } },
  winback: { name: 'We miss you', kind: 'percent_off', minPercent: 10, maxPercent: 25, marginFloor: 0.1, defaultMarginRate: 0.45, stages: ['lapsed'], message: { headline: 'Come back for 25% off' } },
  shipping: { name: 'Free delivery', kind: 'free_shipping', stages: ['ready_to_buy', 'customer'], message: { headline: 'Free delivery on this order' } },
} as const;

export const DEMO_PLACEMENT = {
  channel: 'email',
  recommendations: { count: 3 },
  offers: { policy: 'bandit' },
  content: {
    policy: 'bandit',
    variants: [
      {
        key: 'picks',
        subject: 'Picked for you{% if traits.name %}, {{ traits.name }}{% endif %}',
        body: '<p>{{ offer.headline | default: "New this week" }}</p><ul>{% for item in recommendations %}<li>{{ item.name }}</li>{% endfor %}</ul>',
      },
      { key: 'restock', subject: 'Time to restock?', body: '<p>Your favourites are back in stock.</p>' },
    ],
  },
  fallbackVariant: 'picks',
} as const;

/**
 * Step 7 of the demo: offers and an e-mail placement, then one decision for the showcase customer
 * as of the end of the data: the items, the offer with its discount and why, the rendered subject.
 */
export async function runDemoDecisions(app: AttuneApp, workspace: WorkspaceId, out: OutputStream, customerId: string | null): Promise<void> {
  out.write('\nDecisions\n');
  for (const [key, offer] of Object.entries(DEMO_OFFERS)) await app.decisions.putOffer(workspace, key, offer);
  await app.decisions.putPlacement(workspace, 'email-weekly', DEMO_PLACEMENT);
  out.write(`  Offers: ${Object.keys(DEMO_OFFERS).join(', ')}; placement email-weekly (3 items, an offer, 2 message variants, chosen by bandits).\n`);
  if (customerId === null) return;
  const decision = await app.decisions.decide(workspace, { user: { kind: 'user_id', value: customerId }, placement: 'email-weekly', context: { atMs: Date.parse(DEMO_DATA_END) } });
  out.write(`  For customer ${customerId} (decision ${decision.decisionId}):\n`);
  out.write(`    items: ${decision.recommendations?.items.map((i) => i.name ?? i.itemId).join(' | ') ?? '(none)'}\n`);
  out.write(decision.offer === null ? `    no offer: ${decision.noOfferReason ?? '-'}\n` : `    offer: ${decision.offer.name}${decision.offer.discountPercent > 0 ? ` ${decision.offer.discountPercent}% off` : ''}: ${decision.offer.reason}\n`);
  if (decision.content !== null) out.write(`    subject: "${decision.content.subject ?? ''}" (variant ${decision.content.variant}: ${decision.content.reason})\n`);
}

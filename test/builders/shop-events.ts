import { expect } from 'vitest';
import type { AttuneApp } from '../../src/app/attune-app.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';

const WS = DEFAULT_WORKSPACE_ID;
const DAY = 86_400_000;
const HOUR = 3_600_000;
export const NOW = Date.parse('2026-06-30T12:00:00.000Z');

export const OUTDOOR = ['tent', 'stove', 'lamp', 'boots'];
export const KITCHEN = ['pan', 'knife', 'board', 'kettle'];
export const CATALOG = [
  ...OUTDOOR.map((id, i) => ({ id, name: id.toUpperCase(), category: i === 3 ? 'shoes' : 'outdoor', price: 50 + i * 40, stock: 10, attributes: { brand: 'north' } })),
  ...KITCHEN.map((id, i) => ({ id, name: id.toUpperCase(), category: 'kitchen', price: 20 + i * 5, stock: 10, attributes: { brand: 'chef' } })),
  { id: 'coffee', name: 'COFFEE', category: 'grocery', price: 9, stock: 100, attributes: {} },
  { id: 'tarp', name: 'TARP', category: 'outdoor', price: 30, stock: 3, attributes: { brand: 'north' } },
];

/**
 * Sixty shoppers over 60 days. Campers (trait tribe=camper) browse tent → stove → lamp → boots in
 * that order in one session and buy three of them; cooks do the same with the kitchen items. Every
 * shopper buys coffee every 7 days. The order of views makes "next item" learnable, the split of
 * tastes makes the personal and co-purchase parts learnable, and coffee is replenishable.
 */
export async function seed(app: AttuneApp, nowMs = NOW, shoppers = 60): Promise<void> {
  expect((await app.upsertCatalog(WS, CATALOG)).rejected).toEqual([]);
  const events: unknown[] = [];
  let n = 0;
  const at = (ms: number): string => new Date(ms).toISOString();
  for (let u = 0; u < shoppers; u++) {
    const camper = u % 2 === 0;
    const userId = `${camper ? 'camper' : 'cook'}${u}`;
    const taste = camper ? OUTDOOR : KITCHEN;
    events.push({ type: 'identify', userId, messageId: `m${++n}`, timestamp: at(nowMs - 60 * DAY), traits: { tribe: camper ? 'camper' : 'cook' } });
    const start = nowMs - (50 - (u % 20)) * DAY + (u % 7) * HOUR;
    taste.forEach((item, t) => {
      events.push({ type: 'track', event: 'Product Viewed', userId, messageId: `m${++n}`, timestamp: at(start + t * 60_000), properties: { product_id: item } });
    });
    const bought = taste.filter((_, t) => t !== u % 4);
    events.push({
      type: 'track',
      event: 'Order Completed',
      userId,
      messageId: `m${++n}`,
      timestamp: at(start + 10 * 60_000),
      properties: { order_id: `o${n}`, products: bought.map((product_id) => ({ product_id, quantity: 1, price: 10 })) },
    });
    for (let week = 0; week < 8; week++) {
      const when = nowMs - 58 * DAY + week * 7 * DAY + u * 60_000;
      events.push({ type: 'track', event: 'Order Completed', userId, messageId: `m${++n}`, timestamp: at(when), properties: { order_id: `c${n}`, products: [{ product_id: 'coffee', quantity: 1 }] } });
    }
  }
  await ingest(app, events, nowMs);
}

export async function ingest(app: AttuneApp, events: readonly unknown[], nowMs = NOW): Promise<void> {
  for (let start = 0; start < events.length; start += 500) {
    const outcome = await app.ingest({ workspaceId: WS, events: events.slice(start, start + 500), receivedAtMs: nowMs, impliedType: null, batchSentAt: null });
    expect(outcome.rejected).toEqual([]);
  }
}


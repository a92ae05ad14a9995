/**
 * A deterministic e-commerce workload: batches of Segment events for a population of customers.
 * Mix: 50% Product Viewed, 25% page, 10% Product Added, 5% Checkout Started, 5% Order Completed,
 * 5% identify. Every event has a unique messageId so no work is skipped as a duplicate.
 */
export interface WorkloadOptions {
  readonly customers: number;
  readonly seed: number;
  readonly startMs: number;
  /** Advance of the event clock per event, in ms. */
  readonly stepMs: number;
}

const CATEGORIES = ['Mugs', 'Candles', 'Bags', 'Lights', 'Cards', 'Toys', 'Kitchen', 'Garden'];

export function createWorkload(opts: WorkloadOptions): { nextBatch(size: number): string; readonly eventsMade: number } {
  let state = opts.seed >>> 0;
  const random = (): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let counter = 0;
  let clockMs = opts.startMs;
  const event = (): string => {
    counter++;
    clockMs += opts.stepMs;
    const user = `c${Math.floor(random() * opts.customers)}`;
    const ts = new Date(clockMs).toISOString();
    const product = `p${Math.floor(random() * 5000)}`;
    const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)] ?? 'Mugs';
    const price = (Math.floor(random() * 5000) / 100).toFixed(2);
    const base = `"userId":"${user}","messageId":"bench-${opts.seed}-${counter}","timestamp":"${ts}","context":{"ip":"203.0.113.7","userAgent":"Mozilla/5.0 (bench)","library":{"name":"bench","version":"1"}}`;
    const r = random();
    if (r < 0.5) {
      return `{"type":"track","event":"Product Viewed",${base},"properties":{"product_id":"${product}","category":"${category}","price":${price}}}`;
    }
    if (r < 0.75) return `{"type":"page","name":"Catalog",${base},"properties":{"path":"/c/${category}","url":"https://shop.example/c/${category}"}}`;
    if (r < 0.85) {
      return `{"type":"track","event":"Product Added",${base},"properties":{"product_id":"${product}","category":"${category}","price":${price},"quantity":1}}`;
    }
    if (r < 0.9) return `{"type":"track","event":"Checkout Started",${base},"properties":{"revenue":${price}}}`;
    if (r < 0.95) {
      return `{"type":"track","event":"Order Completed",${base},"properties":{"order_id":"o${counter}","revenue":${price},"currency":"GBP","products":[{"product_id":"${product}","category":"${category}","price":${price},"quantity":1}]}}`;
    }
    return `{"type":"identify",${base},"traits":{"plan":"${r < 0.97 ? 'free' : 'pro'}","country":"GB"}}`;
  };
  return {
    nextBatch(size) {
      const parts: string[] = [];
      for (let i = 0; i < size; i++) parts.push(event());
      return `{"batch":[${parts.join(',')}],"sentAt":"${new Date(clockMs).toISOString()}"}`;
    },
    get eventsMade() {
      return counter;
    },
  };
}

import { describe, expect, it } from 'vitest';
import { createRng } from '../shared/rng.js';
import { affinity, createShoppers, shopperResponse, simulatedCatalog, styleVariantKey, TRAIT_ACCURACY } from './simulated-shoppers.js';

describe('simulated shoppers', () => {
  it('is reproducible from the seed and labels every id as simulated', () => {
    const make = () => {
      const rng = createRng(3);
      const catalog = simulatedCatalog(rng, 30, 6);
      return { catalog, shoppers: createShoppers(rng, 50, catalog) };
    };
    const a = make();
    expect(make()).toEqual(a);
    expect(a.catalog.items.every((i) => i.id.startsWith('sim-') && i.price >= 15 && i.price <= 180 && i.marginRate >= 0.2 && i.marginRate <= 0.6)).toBe(true);
    expect(a.shoppers.every((s) => s.id.startsWith('sim-') && Math.abs(s.taste.reduce((x, y) => x + y, 0) - 1) < 1e-9)).toBe(true);
  });

  it('gives a trait that tells the hidden cluster often, not always', () => {
    const rng = createRng(11);
    const catalog = simulatedCatalog(rng, 30, 6);
    const shoppers = createShoppers(rng, 2_000, catalog);
    const agree = shoppers.filter((s) => s.style === catalog.styles[s.cluster]).length / shoppers.length;
    expect(agree).toBeGreaterThan(TRAIT_ACCURACY - 0.05);
    expect(agree).toBeLessThan(TRAIT_ACCURACY + 0.05);
  });

  it('orders more, and more with a discount when discount-sensitive, when the shown items match the hidden taste', () => {
    const rng = createRng(5);
    const catalog = simulatedCatalog(rng, 60, 6);
    const shoppers = createShoppers(rng, 300, catalog);
    const run = (pick: 'best' | 'worst', discountPercent: number, onlySensitive: boolean): number => {
      const r = createRng(9);
      let revenue = 0;
      for (const s of shoppers.filter((x) => !onlySensitive || x.discountSensitivity >= 0.5)) {
        const ranked = [...catalog.items].sort((x, y) => affinity(s, y, catalog) - affinity(s, x, catalog));
        const items = pick === 'best' ? ranked.slice(0, 4) : ranked.slice(-4);
        for (let v = 0; v < 20; v++) revenue += shopperResponse(s, { items, discountPercent, freeShipping: false, contentVariant: styleVariantKey(catalog.styles[s.cluster] ?? '') }, r, catalog).revenue;
      }
      return revenue;
    };
    expect(run('best', 0, false)).toBeGreaterThan(2 * run('worst', 0, false));
    // Orders go up with 20% off for discount-driven shoppers (revenue per order goes down by 20%).
    expect(run('best', 20, true) / 0.8).toBeGreaterThan(1.3 * run('best', 0, true));
  });
});

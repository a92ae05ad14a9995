import { describe, expect, it } from 'vitest';
import type { ContentItem } from './content-similarity.js';
import { contentTokens, fitContentSimilarity } from './content-similarity.js';
import { neighboursOf } from './item-neighbours.js';

function item(partial: Partial<ContentItem>): ContentItem {
  return { name: null, category: null, price: null, attributes: {}, ...partial };
}

function row(model: ReturnType<typeof fitContentSimilarity>, i: number): { idx: number[]; sim: number[] } {
  const r = neighboursOf(model, i);
  return { idx: Array.from(r.idx), sim: Array.from(r.sim) };
}

describe('content tokens', () => {
  it('tokenises category path, attributes, name words and price band', () => {
    const tokens = contentTokens(
      item({
        name: 'The Red Running-Shoe for Men',
        category: 'Shoes > Running',
        price: 64,
        attributes: { Color: ' Red ', sizes: ['M', 'L'], waterproof: true, weight: 1.5, dims: { w: 1 }, none: null, empty: '' },
      }),
    );
    expect(tokens).toEqual([
      'cat:shoes > running',
      'cat:shoes',
      'cat:running',
      'attr:Color=red',
      'attr:sizes=m',
      'attr:sizes=l',
      'attr:waterproof=true',
      'attr:weight=1.5',
      'w:red',
      'w:running',
      'w:shoe',
      'w:men',
      'price:6',
    ]);
  });

  it('handles missing fields, price bands and duplicates', () => {
    expect(contentTokens(item({}))).toEqual([]);
    expect(contentTokens(item({ price: 0 }))).toEqual([]);
    expect(contentTokens(item({ price: 0.75 }))).toEqual(['price:-1']);
    expect(contentTokens(item({ price: 63.9 }))).toEqual(['price:5']);
    expect(contentTokens(item({ category: 'Toys' }))).toEqual(['cat:toys']);
    expect(contentTokens(item({ name: 'tea tea TEA', category: 'a|b/c' }))).toEqual(['cat:a|b/c', 'cat:a', 'cat:b', 'cat:c', 'w:tea']);
  });
});

describe('content similarity', () => {
  // 0 {red, m}, 1 {red, l}, 2 {blue, l}, 3 {} over N = 4: df(red) = df(l) = 2 -> idf a = ln(5/3) + 1,
  // df(m) = df(blue) = 1 -> idf b = ln(5/2) + 1. sim(0,1) = sim(1,2) = a / (√2 · √(a² + b²)), sim(0,2) = 0.
  const items = [
    item({ attributes: { color: 'red', size: 'm' } }),
    item({ attributes: { color: 'red', size: 'l' } }),
    item({ attributes: { color: 'blue', size: 'l' } }),
    item({}),
  ];
  const a = Math.log(5 / 3) + 1;
  const b = Math.log(5 / 2) + 1;
  const s = a / (Math.SQRT2 * Math.sqrt(a * a + b * b));

  it('computes hand-checked TF-IDF cosines, best first, ties by index', () => {
    const m = fitContentSimilarity(items);
    const r1 = row(m, 1);
    expect(r1.idx).toEqual([0, 2]);
    expect(r1.sim[0]).toBeCloseTo(s, 12);
    expect(r1.sim[1]).toBe(r1.sim[0]);
    const r0 = row(m, 0);
    expect(r0.idx).toEqual([1]);
    expect(r0.sim[0]).toBeCloseTo(s, 12);
    expect(row(m, 2).idx).toEqual([1]);
    expect(row(m, 3).idx).toEqual([]);
  });

  it('honours neighbours and minSimilarity', () => {
    expect(row(fitContentSimilarity(items, { neighbours: 1 }), 1).idx).toEqual([0]);
    expect(Array.from(fitContentSimilarity(items, { minSimilarity: s + 1e-9 }).nbrPtr)).toEqual([0, 0, 0, 0, 0]);
    expect(() => fitContentSimilarity(items, { neighbours: 0 })).toThrow(RangeError);
    expect(fitContentSimilarity([]).nItems).toBe(0);
  });

  it('ranks a new item next to items sharing its category and attributes', () => {
    const catalog = [
      item({ name: 'Trail running shoe', category: 'Shoes/Running', price: 90, attributes: { brand: 'Acme' } }),
      item({ name: 'Road running shoe', category: 'Shoes/Running', price: 110, attributes: { brand: 'Zoom' } }),
      item({ name: 'Leather boot', category: 'Shoes/Boots', price: 150, attributes: { brand: 'Acme' } }),
      item({ name: 'Cotton shirt', category: 'Apparel/Shirts', price: 25, attributes: { brand: 'Basic' } }),
      item({ name: 'Running shoe, new', category: 'Shoes/Running', price: 100, attributes: { brand: 'Acme' } }),
    ];
    const m = fitContentSimilarity(catalog, { minSimilarity: 0 });
    const r4 = row(m, 4);
    expect(r4.idx[0]).toBe(0);
    expect(r4.idx.slice(0, 3).sort()).toEqual([0, 1, 2]);
    expect(r4.idx).not.toContain(3);
    expect(row(m, 3).idx).toEqual([]);
  });

  it('skips tokens held by more than half the items and more than 1000 items', () => {
    // Every item shares the category; items 2g and 2g+1 also share attribute g.
    const many = (n: number): ContentItem[] =>
      Array.from({ length: n }, (_, i) => item({ category: 'everything', attributes: { g: Math.floor(i / 2) } }));
    const big = fitContentSimilarity(many(1200), { minSimilarity: 0 });
    expect(row(big, 0)).toEqual({ idx: [1], sim: [1] });
    expect(row(big, 1199)).toEqual({ idx: [1198], sim: [1] });
    // Below 1000 items the shared token still counts: everyone is a (weak) neighbour.
    const small = fitContentSimilarity(many(900), { minSimilarity: 0, neighbours: 1000 });
    const r0 = row(small, 0);
    expect(r0.idx.length).toBe(899);
    expect(r0.idx[0]).toBe(1);
    expect(r0.idx[1]).toBe(2);
    expect(r0.sim[1]).toBeGreaterThan(0);
  });
});

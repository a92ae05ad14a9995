import { describe, expect, it } from 'vitest';
import type { CatalogItem } from './catalog-item.js';
import { parseCatalogItem, type CatalogItemProblem } from './parse-catalog-item.js';

const AT = 1_768_478_400_000;

function accept(raw: unknown): CatalogItem {
  const result = parseCatalogItem(raw, AT);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.error)}`);
  return result.value;
}

function refuse(raw: unknown): CatalogItemProblem {
  const result = parseCatalogItem(raw, AT);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('parseCatalogItem', () => {
  it('reads our camelCase shape', () => {
    expect(
      accept({ id: 'p1', name: 'Mug', category: 'Kitchen', price: 12.5, currency: 'eur', marginRate: 0.35, stock: 4, attributes: { color: 'blue' } }),
    ).toEqual({
      id: 'p1', name: 'Mug', category: 'Kitchen', price: 12.5, currency: 'EUR', marginRate: 0.35, stock: 4, attributes: { color: 'blue' }, updatedAtMs: AT,
    });
  });

  it('reads a Segment snake_case row with CSV strings, keeping unknown keys as attributes', () => {
    expect(
      accept({ product_id: ' p1 ', sku: 'SKU-1', name: 'Mug', price: '12.50', margin_rate: '0.4', stock: '7', brand: 'Acme', image_url: 'https://x.test/m.png', currency: '' }),
    ).toEqual({
      id: 'p1', name: 'Mug', category: null, price: 12.5, currency: null, marginRate: 0.4, stock: 7,
      attributes: { sku: 'SKU-1', brand: 'Acme', image_url: 'https://x.test/m.png' }, updatedAtMs: AT,
    });
  });

  it.each([
    [{ id: 'a' }, 'a'],
    [{ productId: 'b' }, 'b'],
    [{ product_id: 'c' }, 'c'],
    [{ sku: 'd' }, 'd'],
    [{ id: 123 }, '123'],
    [{ id: '', product_id: 'e' }, 'e'],
  ])('takes the id from %j', (raw, id) => {
    expect(accept(raw).id).toBe(id);
  });

  it('does not keep the sku twice when it is the id', () => {
    expect(accept({ sku: 'S', name: 'x' }).attributes).toEqual({});
  });

  it.each([
    [{ margin: 0.25 }, 0.25],
    [{ margin: '25%' }, 0.25],
    [{ margin_rate: '0' }, 0],
    [{ marginRate: 0.999 }, 0.999],
    [{ margin: '' }, null],
  ])('reads margin %j as %s', (margin, rate) => {
    expect(accept({ id: 'p', ...margin }).marginRate).toBe(rate);
  });

  it('lets explicit attributes win over a stray top-level key of the same name', () => {
    expect(accept({ id: 'p', color: 'red', attributes: { color: 'blue', size: 'L' } }).attributes).toEqual({ color: 'blue', size: 'L' });
  });

  it.each([
    ['not an object', ['p1'], null],
    ['no id', { name: 'Mug' }, 'id'],
    ['blank id', { id: '   ' }, 'id'],
    ['id of the wrong type', { id: { x: 1 } }, 'id'],
    ['id too long', { id: 'x'.repeat(201) }, 'id'],
    ['negative price', { id: 'p', price: -1 }, 'price'],
    ['price with a comma', { id: 'p', price: '12,50' }, 'price'],
    ['price with a currency sign', { id: 'p', price: '$12' }, 'price'],
    ['margin of 1', { id: 'p', marginRate: 1 }, 'marginRate'],
    ['margin as a whole percent', { id: 'p', margin: 35 }, 'margin'],
    ['negative margin', { id: 'p', margin_rate: '-0.1' }, 'margin_rate'],
    ['margin text', { id: 'p', margin: 'high' }, 'margin'],
    ['fractional stock', { id: 'p', stock: 1.5 }, 'stock'],
    ['negative stock', { id: 'p', stock: '-3' }, 'stock'],
    ['currency not ISO', { id: 'p', currency: 'euro' }, 'currency'],
    ['name of the wrong type', { id: 'p', name: ['Mug'] }, 'name'],
    ['attributes not an object', { id: 'p', attributes: 'blue' }, 'attributes'],
  ])('refuses %s', (_what, raw, field) => {
    const problem = refuse(raw);
    expect(problem.field).toBe(field);
    expect(problem.message.length).toBeGreaterThan(10);
  });

  it('explains an ambiguous margin', () => {
    expect(refuse({ id: 'p', margin: 35 }).message).toBe('"margin" must be a fraction of the price in [0, 1) (0.35 = 35%), got 35');
  });
});

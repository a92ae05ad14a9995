import type { ItemNeighbours } from './item-neighbours.js';
import { fromRows } from './item-neighbours.js';

/**
 * Item-to-item neighbours from latent factors (e.g. `AlsModel.itemFactors`): the cosine between item
 * factor rows, keeping per item the k most similar other items with a positive cosine, best first,
 * ties by ascending index. Items whose factor row is all zeros have no direction, so they get no
 * neighbours and are nobody's neighbour. Cost is O(nItems² · f) time and O(nItems) scratch: the dense
 * similarity matrix is never materialised.
 */
export function neighboursFromFactors(factors: Float64Array, nItems: number, f: number, k: number): ItemNeighbours {
  if (!(Number.isInteger(nItems) && nItems >= 0)) throw new RangeError(`neighboursFromFactors: nItems must be an integer ≥ 0, got ${nItems}`);
  if (!(Number.isInteger(f) && f >= 1)) throw new RangeError(`neighboursFromFactors: f must be an integer ≥ 1, got ${f}`);
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`neighboursFromFactors: k must be an integer ≥ 1, got ${k}`);
  if (factors.length !== nItems * f) throw new RangeError(`neighboursFromFactors: expected ${nItems * f} factors, got ${factors.length}`);
  const invNorm = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    const o = i * f;
    let sq = 0;
    for (let a = 0; a < f; a++) {
      const v = factors[o + a] as number;
      sq += v * v;
    }
    invNorm[i] = sq > 0 && Number.isFinite(sq) ? 1 / Math.sqrt(sq) : 0;
  }
  const sim = new Float64Array(nItems);
  const order: number[] = [];
  const rows: { idx: number[]; sim: number[] }[] = [];
  for (let i = 0; i < nItems; i++) {
    order.length = 0;
    const ni = invNorm[i] as number;
    if (ni > 0) {
      const oi = i * f;
      for (let j = 0; j < nItems; j++) {
        const nj = invNorm[j] as number;
        if (j === i || nj === 0) continue;
        const oj = j * f;
        let dot = 0;
        for (let a = 0; a < f; a++) dot += (factors[oi + a] as number) * (factors[oj + a] as number);
        const c = dot * ni * nj;
        sim[j] = c;
        if (c > 0) order.push(j);
      }
      order.sort((x, y) => (sim[y] as number) - (sim[x] as number) || x - y);
    }
    const keep = order.slice(0, k);
    rows.push({ idx: keep, sim: keep.map((j) => sim[j] as number) });
  }
  return fromRows(nItems, rows);
}

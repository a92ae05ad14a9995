import type { ItemNeighbours } from './item-neighbours.js';
import { fromRows } from './item-neighbours.js';

/**
 * Content-based item-to-item similarity from catalog attributes, for items with no interactions yet
 * (cold start). Each item becomes a set of tokens (see `contentTokens`), weighted by TF-IDF with a
 * binary term frequency (a catalog field repeating a word says little more) and
 * idf(t) = ln((1 + N) / (1 + df(t))) + 1; vectors are L2-normalised and compared by cosine. The
 * cosine is accumulated through an inverted index (token → items holding it), so the cost is
 * Σ_t df(t)² rather than N² for sparse catalogs. Tokens held by more than half the items AND by more
 * than 1000 items are skipped: they barely discriminate (their idf is near 1) yet their postings
 * would make the accumulation quadratic. Per item, the best `neighbours` items with similarity ≥
 * `minSimilarity` (and > 0) are kept, best first, ties by ascending index.
 */
export interface ContentItem {
  readonly name: string | null;
  readonly category: string | null;
  readonly price: number | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface ContentSimilarityOptions {
  /** Neighbours kept per item (≥ 1); default 30. */
  readonly neighbours?: number;
  /** Smallest cosine kept; default 0.05. */
  readonly minSimilarity?: number;
}

const STOPWORDS: ReadonlySet<string> = new Set([
  'the', 'and', 'for', 'with', 'from', 'into', 'onto', 'this', 'that', 'these', 'those', 'are', 'was',
  'were', 'has', 'have', 'had', 'not', 'but', 'you', 'your', 'our', 'its', 'all', 'any', 'per', 'via',
  'off', 'out', 'over', 'under', 'more', 'most', 'than', 'then', 'very', 'can', 'will', 'who', 'what',
]);

const CATEGORY_SEPARATORS = /[/>|]/;
const WORD_SEPARATORS = /[^\p{L}\p{N}]+/u;
const COMMON_TOKEN_MIN_ITEMS = 1000;

function attributeValueToken(value: unknown): string | null {
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    return v === '' ? null : v;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return null;
}

/** The distinct tokens of an item, in the order they are first produced (category, attributes, name, price). */
export function contentTokens(item: ContentItem): string[] {
  const tokens = new Set<string>();
  if (item.category !== null) {
    const category = item.category.trim().toLowerCase();
    if (category !== '') {
      tokens.add(`cat:${category}`);
      for (const level of category.split(CATEGORY_SEPARATORS)) {
        const l = level.trim();
        if (l !== '') tokens.add(`cat:${l}`);
      }
    }
  }
  for (const [key, value] of Object.entries(item.attributes)) {
    if (Array.isArray(value)) {
      for (const element of value as unknown[]) {
        const v = attributeValueToken(element);
        if (v !== null) tokens.add(`attr:${key}=${v}`);
      }
    } else {
      const v = attributeValueToken(value);
      if (v !== null) tokens.add(`attr:${key}=${v}`);
    }
  }
  if (item.name !== null) {
    for (const word of item.name.toLowerCase().split(WORD_SEPARATORS)) {
      if (word.length >= 3 && !STOPWORDS.has(word)) tokens.add(`w:${word}`);
    }
  }
  if (item.price !== null && Number.isFinite(item.price) && item.price > 0) tokens.add(`price:${Math.floor(Math.log2(item.price))}`);
  return [...tokens];
}

export function fitContentSimilarity(items: readonly ContentItem[], options: ContentSimilarityOptions = {}): ItemNeighbours {
  const neighbours = options.neighbours ?? 30;
  const minSimilarity = options.minSimilarity ?? 0.05;
  if (!(Number.isInteger(neighbours) && neighbours >= 1)) throw new RangeError(`fitContentSimilarity: neighbours must be an integer ≥ 1, got ${neighbours}`);
  if (Number.isNaN(minSimilarity)) throw new RangeError('fitContentSimilarity: minSimilarity must be a number');
  const n = items.length;

  // Items' token ids in CSR form, and document frequencies.
  const tokenId = new Map<string, number>();
  const df: number[] = [];
  const itemPtr = new Int32Array(n + 1);
  const itemTok: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const token of contentTokens(items[i] as ContentItem)) {
      let id = tokenId.get(token);
      if (id === undefined) {
        id = df.length;
        tokenId.set(token, id);
        df.push(0);
      }
      df[id] = (df[id] as number) + 1;
      itemTok.push(id);
    }
    itemPtr[i + 1] = itemTok.length;
  }
  const nTokens = df.length;
  const idf = new Float64Array(nTokens);
  for (let t = 0; t < nTokens; t++) {
    const d = df[t] as number;
    // Too common to discriminate: see the module comment.
    idf[t] = d > n / 2 && d > COMMON_TOKEN_MIN_ITEMS ? 0 : Math.log((1 + n) / (1 + d)) + 1;
  }

  // L2-normalised weight of each (item, token) entry.
  const entryW = new Float64Array(itemTok.length);
  for (let i = 0; i < n; i++) {
    const start = itemPtr[i] as number;
    const end = itemPtr[i + 1] as number;
    let sq = 0;
    for (let e = start; e < end; e++) {
      const w = idf[itemTok[e] as number] as number;
      sq += w * w;
    }
    const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    for (let e = start; e < end; e++) entryW[e] = (idf[itemTok[e] as number] as number) * inv;
  }

  // Inverted index: token t's items are postItem[postPtr[t] .. postPtr[t+1]) with weights postW.
  const postPtr = new Int32Array(nTokens + 1);
  for (let e = 0; e < itemTok.length; e++) {
    if ((entryW[e] as number) > 0) postPtr[(itemTok[e] as number) + 1] = (postPtr[(itemTok[e] as number) + 1] as number) + 1;
  }
  for (let t = 0; t < nTokens; t++) postPtr[t + 1] = (postPtr[t + 1] as number) + (postPtr[t] as number);
  const fill = postPtr.slice(0, nTokens);
  const postItem = new Int32Array(postPtr[nTokens] as number);
  const postW = new Float64Array(postItem.length);
  for (let i = 0; i < n; i++) {
    const end = itemPtr[i + 1] as number;
    for (let e = itemPtr[i] as number; e < end; e++) {
      const w = entryW[e] as number;
      if (!(w > 0)) continue;
      const t = itemTok[e] as number;
      const at = fill[t] as number;
      postItem[at] = i;
      postW[at] = w;
      fill[t] = at + 1;
    }
  }

  const acc = new Float64Array(n);
  const touched = new Int32Array(n);
  const order: number[] = [];
  const rows: { idx: number[]; sim: number[] }[] = [];
  for (let i = 0; i < n; i++) {
    let nTouched = 0;
    const end = itemPtr[i + 1] as number;
    for (let e = itemPtr[i] as number; e < end; e++) {
      const wi = entryW[e] as number;
      if (!(wi > 0)) continue;
      const t = itemTok[e] as number;
      const pEnd = postPtr[t + 1] as number;
      for (let p = postPtr[t] as number; p < pEnd; p++) {
        const j = postItem[p] as number;
        if (j === i) continue;
        if (acc[j] === 0) touched[nTouched++] = j;
        acc[j] = (acc[j] as number) + wi * (postW[p] as number);
      }
    }
    order.length = 0;
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t] as number;
      // Clamp rounding just above 1 (identical vectors) so equal items tie exactly.
      const s = Math.min(1, acc[j] as number);
      acc[j] = s;
      if (s > 0 && s >= minSimilarity) order.push(j);
    }
    order.sort((a, b) => (acc[b] as number) - (acc[a] as number) || a - b);
    const keep = order.slice(0, neighbours);
    rows.push({ idx: keep, sim: keep.map((j) => acc[j] as number) });
    for (let t = 0; t < nTouched; t++) acc[touched[t] as number] = 0;
  }
  return fromRows(n, rows);
}

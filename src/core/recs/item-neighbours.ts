/**
 * The one shape the item-to-item relations are served in: for each item, its best neighbours with a
 * weight, best first. Co-occurrence and cosine ("also viewed", "bought together"), session
 * next-item transitions and catalog-attribute similarity are stored this way, so serving them is one
 * loop over a few short rows per anchor. (The collaborative `personal` model is served exactly
 * instead: engine/personal-model.ts.)
 */
export interface ItemNeighbours {
  readonly nItems: number;
  /** Item i's neighbours are nbrIdx[nbrPtr[i] .. nbrPtr[i+1]), best first, with weights nbrSim. */
  readonly nbrPtr: Int32Array;
  readonly nbrIdx: Int32Array;
  readonly nbrSim: Float64Array;
}

/** Builds the packed form from per-item rows (each already best first). */
export function fromRows(nItems: number, rows: readonly { readonly idx: readonly number[]; readonly sim: readonly number[] }[]): ItemNeighbours {
  if (rows.length !== nItems) throw new RangeError(`fromRows: expected ${nItems} rows, got ${rows.length}`);
  const nbrPtr = new Int32Array(nItems + 1);
  let total = 0;
  for (let i = 0; i < nItems; i++) {
    const row = rows[i] as { readonly idx: readonly number[]; readonly sim: readonly number[] };
    if (row.idx.length !== row.sim.length) throw new RangeError(`fromRows: row ${i} has ${row.idx.length} items and ${row.sim.length} weights`);
    total += row.idx.length;
    nbrPtr[i + 1] = total;
  }
  const nbrIdx = new Int32Array(total);
  const nbrSim = new Float64Array(total);
  for (let i = 0; i < nItems; i++) {
    const row = rows[i] as { readonly idx: readonly number[]; readonly sim: readonly number[] };
    const at = nbrPtr[i] as number;
    for (let t = 0; t < row.idx.length; t++) {
      const j = row.idx[t] as number;
      if (!(Number.isInteger(j) && j >= 0 && j < nItems)) throw new RangeError(`fromRows: row ${i} names item ${j} of ${nItems}`);
      nbrIdx[at + t] = j;
      nbrSim[at + t] = row.sim[t] as number;
    }
  }
  return { nItems, nbrPtr, nbrIdx, nbrSim };
}

/** The neighbours of one item as parallel views (empty out of range). */
export function neighboursOf(model: ItemNeighbours, item: number): { readonly idx: Int32Array; readonly sim: Float64Array } {
  if (!(item >= 0 && item < model.nItems)) return { idx: new Int32Array(0), sim: new Float64Array(0) };
  const start = model.nbrPtr[item] as number;
  const end = model.nbrPtr[item + 1] as number;
  return { idx: model.nbrIdx.subarray(start, end), sim: model.nbrSim.subarray(start, end) };
}

/** An empty relation over n items (a component that had nothing to learn from). */
export function emptyNeighbours(nItems: number): ItemNeighbours {
  return { nItems, nbrPtr: new Int32Array(nItems + 1), nbrIdx: new Int32Array(0), nbrSim: new Float64Array(0) };
}

/** JSON form: typed arrays as little-endian base64, so a stored model reads back bit for bit. */
export interface ItemNeighboursJson {
  readonly nItems: number;
  readonly ptr: string;
  readonly idx: string;
  readonly sim: string;
}

export function neighboursToJson(model: ItemNeighbours): ItemNeighboursJson {
  return { nItems: model.nItems, ptr: typedToBase64(model.nbrPtr), idx: typedToBase64(model.nbrIdx), sim: typedToBase64(model.nbrSim) };
}

/** Reads the JSON form back; null when it is not a consistent relation (a damaged stored model). */
export function neighboursFromJson(json: unknown): ItemNeighbours | null {
  if (typeof json !== 'object' || json === null) return null;
  const j = json as Partial<Record<keyof ItemNeighboursJson, unknown>>;
  if (typeof j.nItems !== 'number' || !Number.isInteger(j.nItems) || j.nItems < 0) return null;
  if (typeof j.ptr !== 'string' || typeof j.idx !== 'string' || typeof j.sim !== 'string') return null;
  const nbrPtr = base64ToInt32(j.ptr);
  const nbrIdx = base64ToInt32(j.idx);
  const nbrSim = base64ToFloat64(j.sim);
  if (nbrPtr === null || nbrIdx === null || nbrSim === null) return null;
  const n = j.nItems;
  if (nbrPtr.length !== n + 1 || nbrPtr[0] !== 0 || nbrPtr[n] !== nbrIdx.length || nbrIdx.length !== nbrSim.length) return null;
  for (let i = 0; i < n; i++) if ((nbrPtr[i + 1] as number) < (nbrPtr[i] as number)) return null;
  for (const item of nbrIdx) if (item < 0 || item >= n) return null;
  return { nItems: n, nbrPtr, nbrIdx, nbrSim };
}

export function typedToBase64(array: Int32Array | Float64Array | Float32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

export function base64ToInt32(text: string): Int32Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) return null;
  const out = new Int32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function base64ToFloat64(text: string): Float64Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 8 !== 0) return null;
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

import type { ItemNeighbours } from '../item-neighbours.js';
import { base64ToFloat64, base64ToInt32, neighboursFromJson, neighboursToJson, typedToBase64 } from '../item-neighbours.js';
import type { RepeatProfile } from '../repeat-purchase.js';
import type { TimeContextModel, TimeDimension } from '../time-context.js';
import type { RecsModel, SegmentPopularity } from './recs-model.js';
import { personalFromJson, personalToJson } from './personal-model.js';
import { STRATEGIES } from './recs-model.js';

/**
 * A trained recommender as stored JSON (`recs@1`): typed arrays as base64, so the model read back
 * ranks exactly as the one trained. A document that does not check out reads as null (not served).
 */
export const RECS_MODEL_FORMAT = 'recs@2';

export function recsModelToJson(model: RecsModel): unknown {
  const dimension = (d: TimeDimension | null): unknown => (d === null ? null : { buckets: d.buckets, factors: typedToBase64(d.factors) });
  return {
    format: RECS_MODEL_FORMAT,
    trainedAtMs: model.trainedAtMs,
    dataUntilMs: model.dataUntilMs,
    items: model.items,
    popularity: typedToBase64(model.popularity),
    popularityAtMs: model.popularityAtMs,
    popularityHalfLifeDays: model.popularityHalfLifeDays,
    segmentPopularity: [...model.segmentPopularity].map(([key, p]) => ({ key, items: typedToBase64(p.items), scores: typedToBase64(p.scores), lift: typedToBase64(p.lift) })),
    personal: personalToJson(model.personal),
    alsoBought: neighboursToJson(model.alsoBought),
    alsoViewed: neighboursToJson(model.alsoViewed),
    nextItem: neighboursToJson(model.nextItem),
    content: neighboursToJson(model.content),
    repeat: [...model.repeat.values()],
    timeContext: { hour: dimension(model.timeContext.hour), day: dimension(model.timeContext.day), evidence: model.timeContext.evidence },
    weights: model.weights,
    report: model.report,
  };
}

export function recsModelFromJson(json: unknown): RecsModel | null {
  if (typeof json !== 'object' || json === null) return null;
  const j = json as Record<string, unknown>;
  if (j['format'] !== RECS_MODEL_FORMAT || !Array.isArray(j['items']) || !j['items'].every((i) => typeof i === 'string')) return null;
  const items = j['items'] as string[];
  const n = items.length;
  const popularity = typeof j['popularity'] === 'string' ? base64ToFloat64(j['popularity']) : null;
  if (popularity === null || popularity.length !== n) return null;
  const relations: ItemNeighbours[] = [];
  for (const name of ['alsoBought', 'alsoViewed', 'nextItem', 'content']) {
    const rel = neighboursFromJson(j[name]);
    if (rel === null || rel.nItems !== n) return null;
    relations.push(rel);
  }
  const [alsoBought, alsoViewed, nextItem, content] = relations as [ItemNeighbours, ItemNeighbours, ItemNeighbours, ItemNeighbours];
  const personal = personalFromJson(j['personal'], n);
  if (personal === null) return null;
  const segmentPopularity = new Map<string, SegmentPopularity>();
  for (const raw of Array.isArray(j['segmentPopularity']) ? (j['segmentPopularity'] as unknown[]) : []) {
    const s = raw as Record<string, unknown>;
    if (typeof s['key'] !== 'string' || typeof s['items'] !== 'string' || typeof s['scores'] !== 'string' || typeof s['lift'] !== 'string') return null;
    const segItems = base64ToInt32(s['items']);
    const scores = base64ToFloat64(s['scores']);
    const lift = base64ToFloat64(s['lift']);
    if (segItems === null || scores === null || lift === null || scores.length !== segItems.length || lift.length !== segItems.length) return null;
    if (segItems.some((i) => i < 0 || i >= n)) return null;
    segmentPopularity.set(s['key'], { items: segItems, scores, lift });
  }
  const repeat = new Map<number, RepeatProfile>();
  for (const raw of Array.isArray(j['repeat']) ? (j['repeat'] as unknown[]) : []) {
    const r = raw as RepeatProfile;
    if (!(Number.isInteger(r.item) && r.item >= 0 && r.item < n && r.medianIntervalDays > 0)) return null;
    repeat.set(r.item, r);
  }
  const time = j['timeContext'] as { hour: unknown; day: unknown; evidence: TimeContextModel['evidence'] } | undefined;
  if (time === undefined || typeof time.evidence !== 'object') return null;
  const dimension = (raw: unknown): TimeDimension | null | undefined => {
    if (raw === null) return null;
    const d = raw as { buckets?: unknown; factors?: unknown };
    if (typeof d.buckets !== 'number' || typeof d.factors !== 'string') return undefined;
    const factors = base64ToFloat64(d.factors);
    return factors === null || factors.length !== n * d.buckets ? undefined : { buckets: d.buckets, factors };
  };
  const hour = dimension(time.hour);
  const day = dimension(time.day);
  if (hour === undefined || day === undefined) return null;
  const weights = j['weights'] as Record<string, unknown> | undefined;
  if (weights === undefined || !STRATEGIES.every((s) => typeof weights[s] === 'number')) return null;
  const num = (key: string): number => (typeof j[key] === 'number' ? (j[key] as number) : Number.NaN);
  const model: RecsModel = {
    trainedAtMs: num('trainedAtMs'),
    dataUntilMs: num('dataUntilMs'),
    items,
    popularity,
    popularityAtMs: num('popularityAtMs'),
    popularityHalfLifeDays: num('popularityHalfLifeDays'),
    segmentPopularity,
    personal,
    alsoBought,
    alsoViewed,
    nextItem,
    content,
    repeat,
    timeContext: { hour, day, evidence: time.evidence },
    weights: weights as unknown as RecsModel['weights'],
    report: j['report'] as RecsModel['report'],
  };
  return Number.isFinite(model.trainedAtMs) && model.popularityHalfLifeDays > 0 ? model : null;
}

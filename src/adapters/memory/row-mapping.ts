import type { ApiKeyRecord, Workspace } from '../../core/auth/workspace.js';
import type { CatalogItem } from '../../core/catalog/catalog-item.js';
import type { NormalizedEvent, StoredEvent } from '../../core/events/event.js';
import type { MergeRecord } from '../../core/identity/identity.js';
import type { ComputedTraitDefinition } from '../../core/profiles/computed-trait.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { EventRecord } from './store-context.js';

/**
 * Domain values <-> the JSON text the memory tables hold. Going through JSON (not structuredClone)
 * gives exactly the SQLite adapter's round trip, so both adapters return the same values.
 */

export function toEventJson(event: Omit<StoredEvent, 'seq' | 'workspaceId'>): string {
  // Field by field, as in the SQLite adapter: a caller's extra runtime fields are not stored.
  const stored: NormalizedEvent = {
    messageId: event.messageId,
    type: event.type,
    event: event.event,
    name: event.name,
    userId: event.userId,
    anonymousId: event.anonymousId,
    previousId: event.previousId,
    groupId: event.groupId,
    properties: event.properties,
    traits: event.traits,
    context: event.context,
    timestampMs: event.timestampMs,
    receivedAtMs: event.receivedAtMs,
    sentAtMs: event.sentAtMs,
    originalTimestampMs: event.originalTimestampMs,
  };
  return JSON.stringify(stored);
}

export function fromEventRecord(workspace: WorkspaceId, record: EventRecord): StoredEvent {
  const event = JSON.parse(record.json) as NormalizedEvent;
  return { ...event, workspaceId: workspace, profileId: record.profileId, seq: record.seq };
}

export const toProfileJson = (state: ProfileState): string => JSON.stringify(state);
export const fromProfileJson = (json: string): ProfileState => {
  const state = JSON.parse(json) as ProfileState;
  // Profiles stored before behavior tracks existed have no `behavior` field (as in the SQLite adapter).
  if ((state as Partial<ProfileState>).behavior === undefined) state.behavior = {};
  // Likewise purchase history and consent (added after behavior; same key order as createProfileState).
  if ((state as Partial<ProfileState>).purchasedProducts === undefined) state.purchasedProducts = { items: {}, overflow: 0 };
  if ((state as Partial<ProfileState>).consent === undefined) state.consent = {};
  return state;
};

// Listed field by field, as the SQLite adapter's columns are, so both store exactly the same.
export function toMergeJson(merge: MergeRecord): string {
  const stored: MergeRecord = {
    survivorId: merge.survivorId,
    mergedId: merge.mergedId,
    reason: merge.reason,
    messageId: merge.messageId,
    via: merge.via.map((id) => ({ kind: id.kind, value: id.value })),
    atMs: merge.atMs,
  };
  return JSON.stringify(stored);
}
export const fromMergeJson = (json: string): MergeRecord => JSON.parse(json) as MergeRecord;

export function toCatalogJson(item: CatalogItem): string {
  const stored: CatalogItem = {
    id: item.id,
    name: item.name,
    category: item.category,
    price: item.price,
    currency: item.currency,
    marginRate: item.marginRate,
    stock: item.stock,
    attributes: item.attributes,
    updatedAtMs: item.updatedAtMs,
  };
  return JSON.stringify(stored);
}
export const fromCatalogJson = (json: string): CatalogItem => JSON.parse(json) as CatalogItem;

export function toWorkspaceJson(workspace: Workspace): string {
  const stored: Workspace = { id: workspace.id, name: workspace.name, createdAtMs: workspace.createdAtMs };
  return JSON.stringify(stored);
}
export const fromWorkspaceJson = (json: string): Workspace => JSON.parse(json) as Workspace;

export function toApiKeyJson(key: ApiKeyRecord): string {
  const stored: ApiKeyRecord = {
    id: key.id,
    workspaceId: key.workspaceId,
    name: key.name,
    scope: key.scope,
    secretHash: key.secretHash,
    prefix: key.prefix,
    createdAtMs: key.createdAtMs,
    revokedAtMs: key.revokedAtMs,
  };
  return JSON.stringify(stored);
}
export const fromApiKeyJson = (json: string): ApiKeyRecord => JSON.parse(json) as ApiKeyRecord;

export const toComputedTraitJson = (definition: ComputedTraitDefinition): string => JSON.stringify(definition);
export const fromComputedTraitJson = (json: string): ComputedTraitDefinition => JSON.parse(json) as ComputedTraitDefinition;

/**
 * String order of SQLite's BINARY collation (UTF-8 bytes, i.e. code points), which every "ordered
 * by id" list of the SQLite adapter uses. JS `<` compares UTF-16 code units instead and puts
 * astral characters (surrogate pairs) before U+E000..U+FFFF; this fixes exactly that case.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate encodes a code point above U+FFFF, greater than any single unit.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

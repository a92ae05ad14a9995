import type { ApiKeyRecord, ApiKeyScope, Workspace } from '../../core/auth/workspace.js';
import { API_KEY_SCOPES } from '../../core/auth/workspace.js';
import type { CatalogItem } from '../../core/catalog/catalog-item.js';
import type { EventType, NormalizedEvent, StoredEvent } from '../../core/events/event.js';
import { EVENT_TYPES } from '../../core/events/event.js';
import type { Identifier, IdentifierKind, MergeReason, MergeRecord } from '../../core/identity/identity.js';
import type { ComputedTraitDefinition } from '../../core/profiles/computed-trait.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { ApiKeyId, ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { JsonObject } from '../../core/shared/json.js';

/**
 * The only place that knows both row shapes and domain shapes. `XRow` is what a SELECT returns;
 * `toXParams` gives the positional parameters of the matching INSERT, in column order.
 * JSON columns are parsed without validation: the adapter wrote them itself from typed values.
 */

// ---------------------------------------------------------------- events

export interface EventRow {
  readonly seq: number;
  readonly message_id: string;
  readonly profile_id: string;
  readonly type: string;
  readonly event: string | null;
  readonly ts_ms: number;
  readonly received_ms: number;
  readonly body: string;
}

/** The columns every event SELECT returns, matching EventRow. */
export const EVENT_COLUMNS = 'seq, message_id, profile_id, type, event, ts_ms, received_ms, body';

/** The NormalizedEvent fields without a column of their own, stored as JSON in `body`. */
type EventBody = Pick<
  NormalizedEvent,
  | 'name'
  | 'userId'
  | 'anonymousId'
  | 'previousId'
  | 'groupId'
  | 'properties'
  | 'traits'
  | 'context'
  | 'sentAtMs'
  | 'originalTimestampMs'
>;

/** Parameters of `INSERT INTO events (workspace_id, seq, message_id, profile_id, type, event, ts_ms, received_ms, body)`. */
export type EventInsertParams = [string, number, string, string, string, string | null, number, number, string];

export function toEventInsertParams(
  workspace: WorkspaceId,
  seq: number,
  event: Omit<StoredEvent, 'seq' | 'workspaceId'>,
): EventInsertParams {
  // Listed field by field (not a rest spread) so a caller's extra runtime fields never reach disk.
  const body: EventBody = {
    name: event.name,
    userId: event.userId,
    anonymousId: event.anonymousId,
    previousId: event.previousId,
    groupId: event.groupId,
    properties: event.properties,
    traits: event.traits,
    context: event.context,
    sentAtMs: event.sentAtMs,
    originalTimestampMs: event.originalTimestampMs,
  };
  return [
    workspace,
    seq,
    event.messageId,
    event.profileId,
    event.type,
    event.event,
    event.timestampMs,
    event.receivedAtMs,
    JSON.stringify(body),
  ];
}

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

function toEventType(value: string): EventType {
  if (!EVENT_TYPE_SET.has(value)) throw new Error(`events table holds an unknown event type "${value}"`);
  return value as EventType;
}

export function fromEventRow(workspace: WorkspaceId, row: EventRow): StoredEvent {
  const body = JSON.parse(row.body) as EventBody;
  return {
    workspaceId: workspace,
    seq: row.seq,
    profileId: row.profile_id as ProfileId,
    messageId: row.message_id,
    type: toEventType(row.type),
    event: row.event,
    name: body.name,
    userId: body.userId,
    anonymousId: body.anonymousId,
    previousId: body.previousId,
    groupId: body.groupId,
    properties: body.properties,
    traits: body.traits,
    context: body.context,
    timestampMs: row.ts_ms,
    receivedAtMs: row.received_ms,
    sentAtMs: body.sentAtMs,
    originalTimestampMs: body.originalTimestampMs,
  };
}

// ---------------------------------------------------------------- profiles

export interface ProfileRow {
  readonly state: string;
}

/** Parameters of `INSERT INTO profiles (workspace_id, profile_id, state, updated_at_ms)`. */
export function toProfileParams(
  workspace: WorkspaceId,
  state: ProfileState,
  updatedAtMs: number,
): [string, string, string, number] {
  return [workspace, state.profileId, JSON.stringify(state), updatedAtMs];
}

export function fromProfileRow(row: ProfileRow): ProfileState {
  const state = JSON.parse(row.state) as ProfileState;
  // Profiles stored before behavior tracks existed have no `behavior` field.
  if ((state as Partial<ProfileState>).behavior === undefined) state.behavior = {};
  // Likewise purchase history and consent (added after behavior; same key order as createProfileState).
  if ((state as Partial<ProfileState>).purchasedProducts === undefined) state.purchasedProducts = { items: {}, overflow: 0 };
  if ((state as Partial<ProfileState>).consent === undefined) state.consent = {};
  return state;
}

// ---------------------------------------------------------------- identities

export interface IdentityRow {
  readonly kind: string;
  readonly value: string;
  readonly first_seen_ms: number;
}

function toIdentifierKind(value: string): IdentifierKind {
  if (value === 'user_id' || value === 'anonymous_id') return value;
  throw new Error(`identities table holds an unknown identifier kind "${value}"`);
}

/** A profile_id column (identities.resolveMany reads it alone). */
export function fromProfileIdColumn(value: string): ProfileId {
  return value as ProfileId;
}

export function fromIdentityRow(row: IdentityRow): { kind: IdentifierKind; value: string; firstSeenMs: number } {
  return { kind: toIdentifierKind(row.kind), value: row.value, firstSeenMs: row.first_seen_ms };
}

export interface MergeRow {
  readonly survivor_id: string;
  readonly merged_id: string;
  readonly reason: string;
  readonly message_id: string;
  readonly via: string;
  readonly at_ms: number;
}

export const MERGE_COLUMNS = 'survivor_id, merged_id, reason, message_id, via, at_ms';

/** Parameters of `INSERT INTO merges (workspace_id, survivor_id, merged_id, reason, message_id, via, at_ms)`. */
export function toMergeParams(
  workspace: WorkspaceId,
  merge: MergeRecord,
): [string, string, string, string, string, string, number] {
  const via: Identifier[] = merge.via.map((id) => ({ kind: id.kind, value: id.value }));
  return [workspace, merge.survivorId, merge.mergedId, merge.reason, merge.messageId, JSON.stringify(via), merge.atMs];
}

function toMergeReason(value: string): MergeReason {
  if (value === 'identified' || value === 'alias') return value;
  throw new Error(`merges table holds an unknown merge reason "${value}"`);
}

export function fromMergeRow(row: MergeRow): MergeRecord {
  return {
    survivorId: row.survivor_id as ProfileId,
    mergedId: row.merged_id as ProfileId,
    reason: toMergeReason(row.reason),
    messageId: row.message_id,
    via: JSON.parse(row.via) as Identifier[],
    atMs: row.at_ms,
  };
}

// ---------------------------------------------------------------- catalog

export interface CatalogRow {
  readonly item_id: string;
  readonly name: string | null;
  readonly category: string | null;
  readonly price: number | null;
  readonly currency: string | null;
  readonly margin_rate: number | null;
  readonly stock: number | null;
  readonly attributes: string;
  readonly updated_at_ms: number;
}

export const CATALOG_COLUMNS = 'item_id, name, category, price, currency, margin_rate, stock, attributes, updated_at_ms';

/** Parameters of `INSERT INTO catalog_items (workspace_id, <CATALOG_COLUMNS>)`. */
export function toCatalogParams(
  workspace: WorkspaceId,
  item: CatalogItem,
): [string, string, string | null, string | null, number | null, string | null, number | null, number | null, string, number] {
  return [
    workspace,
    item.id,
    item.name,
    item.category,
    item.price,
    item.currency,
    item.marginRate,
    item.stock,
    JSON.stringify(item.attributes),
    item.updatedAtMs,
  ];
}

export function fromCatalogRow(row: CatalogRow): CatalogItem {
  return {
    id: row.item_id,
    name: row.name,
    category: row.category,
    price: row.price,
    currency: row.currency,
    marginRate: row.margin_rate,
    stock: row.stock,
    attributes: JSON.parse(row.attributes) as JsonObject,
    updatedAtMs: row.updated_at_ms,
  };
}

// ---------------------------------------------------------------- workspaces and keys

export interface WorkspaceRow {
  readonly workspace_id: string;
  readonly name: string;
  readonly created_at_ms: number;
}

export const WORKSPACE_COLUMNS = 'workspace_id, name, created_at_ms';

export function toWorkspaceParams(workspace: Workspace): [string, string, number] {
  return [workspace.id, workspace.name, workspace.createdAtMs];
}

export function fromWorkspaceRow(row: WorkspaceRow): Workspace {
  return { id: row.workspace_id as WorkspaceId, name: row.name, createdAtMs: row.created_at_ms };
}

export interface ApiKeyRow {
  readonly key_id: string;
  readonly workspace_id: string;
  readonly name: string;
  readonly scope: string;
  readonly secret_hash: string;
  readonly prefix: string;
  readonly created_at_ms: number;
  readonly revoked_at_ms: number | null;
}

export const API_KEY_COLUMNS = 'key_id, workspace_id, name, scope, secret_hash, prefix, created_at_ms, revoked_at_ms';

export function toApiKeyParams(key: ApiKeyRecord): [string, string, string, string, string, string, number, number | null] {
  return [key.id, key.workspaceId, key.name, key.scope, key.secretHash, key.prefix, key.createdAtMs, key.revokedAtMs];
}

const SCOPE_SET: ReadonlySet<string> = new Set(API_KEY_SCOPES);

function toScope(value: string): ApiKeyScope {
  if (!SCOPE_SET.has(value)) throw new Error(`api_keys table holds an unknown scope "${value}"`);
  return value as ApiKeyScope;
}

export function fromApiKeyRow(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.key_id as ApiKeyId,
    workspaceId: row.workspace_id as WorkspaceId,
    name: row.name,
    scope: toScope(row.scope),
    secretHash: row.secret_hash,
    prefix: row.prefix,
    createdAtMs: row.created_at_ms,
    revokedAtMs: row.revoked_at_ms,
  };
}

// ---------------------------------------------------------------- computed traits

export function toComputedTraitParams(workspace: WorkspaceId, definition: ComputedTraitDefinition): [string, string, string] {
  return [workspace, definition.name, JSON.stringify(definition)];
}

export function fromComputedTraitJson(definition: string): ComputedTraitDefinition {
  return JSON.parse(definition) as ComputedTraitDefinition;
}

import { z } from 'zod';
import type { JsonObject, JsonValue } from '../shared/json.js';
import { err, ok, type Result } from '../shared/result.js';
import { parseNaiveDateTimeAsUtc } from './naive-date-time.js';
import { rowHash64Hex } from './row-hash.js';

const columnName = z.string().min(1).max(200);

/** How a cell becomes a JSON value. Empty cells are left out of the event whatever the type. */
export const CSV_FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'json', 'timestamp'] as const;
export type CsvFieldType = (typeof CSV_FIELD_TYPES)[number];

/** How a timestamp column is written. `naive-utc`: `YYYY-MM-DD HH:MM[:SS]` or `M/D/YYYY H:MM`, read as UTC. */
export const CSV_TIMESTAMP_FORMATS = ['iso', 'epoch-ms', 'epoch-s', 'naive-utc'] as const;
export type CsvTimestampFormat = (typeof CSV_TIMESTAMP_FORMATS)[number];

const FieldSpecSchema = z.union([
  columnName,
  z.strictObject({ column: columnName, type: z.enum(CSV_FIELD_TYPES).default('string') }),
]);

const NameSpecSchema = z.union([
  z.strictObject({ column: columnName }),
  z.strictObject({ constant: z.string().min(1).max(200) }),
]);

/**
 * A CSV import mapping (the JSON file given to `attune import --mapping`). Column names refer to the
 * CSV header. Example:
 * ```json
 * { "type": "track", "userId": "customer", "event": { "constant": "Order Completed" },
 *   "timestamp": { "column": "date", "format": "naive-utc" }, "messageId": "order_id",
 *   "properties": { "order_id": "order_id", "revenue": { "column": "total", "type": "number" } } }
 * ```
 */
export const CsvMappingSchema = z
  .strictObject({
    type: z.enum(['track', 'identify', 'page', 'screen']).default('track'),
    userId: columnName.optional(),
    anonymousId: columnName.optional(),
    /** track: the event name, from a column or a constant. Required for track. */
    event: NameSpecSchema.optional(),
    /** page/screen: the page name. */
    name: NameSpecSchema.optional(),
    timestamp: z
      .union([columnName, z.strictObject({ column: columnName, format: z.enum(CSV_TIMESTAMP_FORMATS).default('iso') })])
      .optional(),
    /** Column holding a messageId. Without it the id is derived from the row's content (re-imports stay idempotent). */
    messageId: columnName.optional(),
    /** Prefix of derived message ids: `<prefix>-<64-bit content hash>`. Default "csv". */
    messageIdPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default('csv'),
    properties: z.record(z.string().min(1), FieldSpecSchema).default({}),
    traits: z.record(z.string().min(1), FieldSpecSchema).default({}),
  })
  .superRefine((mapping, ctx) => {
    if (mapping.userId === undefined && mapping.anonymousId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'map at least one of userId and anonymousId' });
    }
    if (mapping.type === 'track' && mapping.event === undefined) {
      ctx.addIssue({ code: 'custom', path: ['event'], message: 'a track mapping needs "event": {"column"} or {"constant"}' });
    }
  });

export type CsvMapping = z.output<typeof CsvMappingSchema>;

interface CompiledField {
  readonly key: string;
  readonly column: string;
  readonly index: number;
  readonly type: CsvFieldType;
}

type CompiledName = { readonly kind: 'column'; readonly column: string; readonly index: number } | { readonly kind: 'constant'; readonly value: string };

/** A mapping checked against a header: every column resolved to its index. */
export interface CompiledCsvMapping {
  readonly type: CsvMapping['type'];
  readonly header: readonly string[];
  readonly userId: CompiledField | null;
  readonly anonymousId: CompiledField | null;
  readonly event: CompiledName | null;
  readonly name: CompiledName | null;
  readonly timestamp: { readonly column: string; readonly index: number; readonly format: CsvTimestampFormat } | null;
  readonly messageId: CompiledField | null;
  readonly messageIdPrefix: string;
  readonly properties: readonly CompiledField[];
  readonly traits: readonly CompiledField[];
}

/** Why one row produced no event; `reason` is stable and holds no cell values (it is grouped and printed). */
export interface CsvRowProblem {
  readonly reason: string;
  readonly column: string | null;
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(mapping)' : path.map(String).join('.');
}

/** Validates a mapping (parsed JSON) and resolves its columns against the CSV header. Returns every problem. */
export function compileCsvMapping(input: unknown, header: readonly string[]): Result<CompiledCsvMapping, string[]> {
  const parsed = CsvMappingSchema.safeParse(input);
  if (!parsed.success) {
    return err(parsed.error.issues.map((issue) => `mapping ${formatIssuePath(issue.path)}: ${issue.message}`));
  }
  const mapping = parsed.data;
  const problems: string[] = [];
  const indexOf = (column: string, where: string): number => {
    const index = header.indexOf(column);
    if (index === -1) problems.push(`mapping ${where}: column "${column}" is not in the CSV header`);
    return index;
  };
  const field = (key: string, spec: z.output<typeof FieldSpecSchema>, where: string): CompiledField => {
    const column = typeof spec === 'string' ? spec : spec.column;
    const type = typeof spec === 'string' ? 'string' : spec.type;
    return { key, column, type, index: indexOf(column, where) };
  };
  const name = (spec: z.output<typeof NameSpecSchema> | undefined, where: string): CompiledName | null => {
    if (spec === undefined) return null;
    if ('constant' in spec) return { kind: 'constant', value: spec.constant };
    return { kind: 'column', column: spec.column, index: indexOf(spec.column, where) };
  };
  const timestampSpec = mapping.timestamp;
  const compiled: CompiledCsvMapping = {
    type: mapping.type,
    header,
    userId: mapping.userId === undefined ? null : field('userId', mapping.userId, 'userId'),
    anonymousId: mapping.anonymousId === undefined ? null : field('anonymousId', mapping.anonymousId, 'anonymousId'),
    event: name(mapping.event, 'event'),
    name: name(mapping.name, 'name'),
    timestamp:
      timestampSpec === undefined
        ? null
        : typeof timestampSpec === 'string'
          ? { column: timestampSpec, format: 'iso', index: indexOf(timestampSpec, 'timestamp') }
          : { column: timestampSpec.column, format: timestampSpec.format, index: indexOf(timestampSpec.column, 'timestamp') },
    messageId: mapping.messageId === undefined ? null : field('messageId', mapping.messageId, 'messageId'),
    messageIdPrefix: mapping.messageIdPrefix,
    properties: Object.entries(mapping.properties).map(([key, spec]) => field(key, spec, `properties.${key}`)),
    traits: Object.entries(mapping.traits).map(([key, spec]) => field(key, spec, `traits.${key}`)),
  };
  return problems.length > 0 ? err(problems) : ok(compiled);
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

function convertCell(text: string, type: CsvFieldType): Result<JsonValue, string> {
  switch (type) {
    case 'string':
      return ok(text);
    case 'number': {
      const value = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(value) ? ok(value) : err('not a number');
    }
    case 'integer': {
      const value = Number(text.trim());
      return Number.isSafeInteger(value) ? ok(value) : err('not an integer');
    }
    case 'boolean': {
      const word = text.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return ok(true);
      if (FALSE_WORDS.has(word)) return ok(false);
      return err('not a boolean');
    }
    case 'json':
      try {
        return ok(JSON.parse(text) as JsonValue);
      } catch {
        return err('not valid JSON');
      }
    case 'timestamp': {
      const ms = parseNaiveDateTimeAsUtc(text);
      if (ms !== null) return ok(new Date(ms).toISOString());
      const parsed = Date.parse(text);
      return Number.isNaN(parsed) ? err('not a date-time') : ok(new Date(parsed).toISOString());
    }
  }
}

function convertTimestamp(text: string, format: CsvTimestampFormat): string | null {
  const value = text.trim();
  switch (format) {
    case 'iso':
      return Number.isNaN(Date.parse(value)) ? null : value;
    case 'epoch-ms':
    case 'epoch-s': {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) return null;
      const ms = format === 'epoch-s' ? n * 1000 : n;
      const date = new Date(ms);
      return Number.isNaN(date.getTime()) ? null : date.toISOString();
    }
    case 'naive-utc': {
      const ms = parseNaiveDateTimeAsUtc(value);
      return ms === null ? null : new Date(ms).toISOString();
    }
  }
}

function fillFields(target: JsonObject, specs: readonly CompiledField[], fields: readonly string[]): CsvRowProblem | null {
  for (const spec of specs) {
    const cell = fields[spec.index] ?? '';
    if (cell === '') continue;
    const value = convertCell(cell, spec.type);
    if (!value.ok) return { reason: `column "${spec.column}": ${value.error}`, column: spec.column };
    target[spec.key] = value.value;
  }
  return null;
}

function resolveName(spec: CompiledName, fields: readonly string[]): string {
  return spec.kind === 'constant' ? spec.value : (fields[spec.index] ?? '').trim();
}

/**
 * Turns one CSV record into a Segment-shaped event (validated later by ingest, like any HTTP event).
 * Empty cells are omitted. Without a messageId column the id is `<prefix>-<hash of header and cells>`,
 * so importing the same file twice yields the same ids (and identical rows collapse into one event).
 */
export function mapCsvRow(mapping: CompiledCsvMapping, fields: readonly string[]): Result<JsonObject, CsvRowProblem> {
  if (fields.length !== mapping.header.length) {
    return err({ reason: `row has ${fields.length} fields, header has ${mapping.header.length}`, column: null });
  }
  const event: JsonObject = { type: mapping.type };
  const cell = (index: number): string => (fields[index] ?? '').trim();
  if (mapping.userId !== null && cell(mapping.userId.index) !== '') event['userId'] = cell(mapping.userId.index);
  if (mapping.anonymousId !== null && cell(mapping.anonymousId.index) !== '') {
    event['anonymousId'] = cell(mapping.anonymousId.index);
  }
  if (mapping.event !== null) {
    const name = resolveName(mapping.event, fields);
    if (name === '') return err({ reason: 'empty event name', column: mapping.event.kind === 'column' ? mapping.event.column : null });
    event['event'] = name;
  }
  if (mapping.name !== null) {
    const name = resolveName(mapping.name, fields);
    if (name !== '') event['name'] = name;
  }
  if (mapping.timestamp !== null) {
    const text = cell(mapping.timestamp.index);
    if (text !== '') {
      const timestamp = convertTimestamp(text, mapping.timestamp.format);
      if (timestamp === null) {
        return err({ reason: `column "${mapping.timestamp.column}": not a ${mapping.timestamp.format} timestamp`, column: mapping.timestamp.column });
      }
      event['timestamp'] = timestamp;
    }
  }
  const messageId = mapping.messageId === null ? '' : cell(mapping.messageId.index);
  event['messageId'] =
    messageId !== '' ? messageId : `${mapping.messageIdPrefix}-${rowHash64Hex([String(mapping.header.length), ...mapping.header, ...fields])}`;
  if (mapping.properties.length > 0) {
    const properties: JsonObject = {};
    const problem = fillFields(properties, mapping.properties, fields);
    if (problem !== null) return err(problem);
    event['properties'] = properties;
  }
  if (mapping.traits.length > 0) {
    const traits: JsonObject = {};
    const problem = fillFields(traits, mapping.traits, fields);
    if (problem !== null) return err(problem);
    event['traits'] = traits;
  }
  return ok(event);
}

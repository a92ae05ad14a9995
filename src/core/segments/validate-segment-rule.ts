import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';
import { toInstantMs } from './match-comparison.js';
import type { FieldType, RuleSchema } from './rule-schema.js';
import { lookupFeature } from './rule-schema.js';
import type {
  CompareRule,
  CountBound,
  Duration,
  EventCondition,
  ScalarValue,
  SegmentRule,
  SequenceFirstStep,
  SequenceThenStep,
} from './segment-rule.js';
import { COMPARE_OPS, COUNT_OPS, DURATION_UNITS, PATH_NAMESPACES, SEGMENT_RULE_KINDS, makeDuration } from './segment-rule.js';

export interface RuleError {
  /** JSON path of the field at fault, e.g. `children[1].value` ('' for the whole rule). */
  readonly path: string;
  readonly message: string;
}

/** Guards against rules that would make evaluation or storage expensive. */
export const RULE_LIMITS = { maxDepth: 32, maxNodes: 500, maxListValues: 1000, maxStringLength: 1000, maxEventNameLength: 200 } as const;

const SEGMENT_PART = /^[A-Za-z0-9_]+$/;
const FIRST_PART = /^[A-Za-z_]/;
const RESERVED_PROPERTY_WORDS = new Set(['not', 'true', 'false', 'and', 'or']);

type Raw = Readonly<Record<string, unknown>>;

/**
 * Checks the JSON form against the language and the schema and rebuilds it as a typed rule.
 * Every problem is reported with its JSON path, so an editor can show them all at once.
 */
export function validateSegmentRule(raw: unknown, schema: RuleSchema): Result<SegmentRule, RuleError[]> {
  const checker = new Checker(schema);
  const rule = checker.rule(raw, '', 0);
  if (checker.errors.length > 0 || rule === null) {
    return err(checker.errors.length > 0 ? checker.errors : [{ path: '', message: 'the rule is empty' }]);
  }
  return ok(rule);
}

function join(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(values: readonly string[]): string {
  return values.join(', ');
}

class Checker {
  readonly errors: RuleError[] = [];
  private nodes = 0;
  private readonly schema: RuleSchema;

  constructor(schema: RuleSchema) {
    this.schema = schema;
  }

  private fail(path: string, message: string): null {
    this.errors.push({ path, message });
    return null;
  }

  private fields(raw: Raw, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(raw)) {
      if (!allowed.includes(key)) this.fail(join(path, key), `unknown field; expected ${list(allowed)}`);
    }
  }

  rule(raw: unknown, path: string, depth: number): SegmentRule | null {
    if (!isRecord(raw)) return this.fail(path, 'a condition must be a JSON object with a "kind"');
    if (depth > RULE_LIMITS.maxDepth) return this.fail(path, `nested deeper than ${RULE_LIMITS.maxDepth} levels`);
    this.nodes += 1;
    if (this.nodes === RULE_LIMITS.maxNodes + 1) return this.fail(path, `more than ${RULE_LIMITS.maxNodes} conditions`);
    const kind = raw['kind'];
    switch (kind) {
      case 'and':
      case 'or': {
        this.fields(raw, path, ['kind', 'children']);
        const children = this.childList(raw['children'], join(path, 'children'), (child, childPath) => this.rule(child, childPath, depth + 1));
        return children === null ? null : { kind, children };
      }
      case 'not': {
        this.fields(raw, path, ['kind', 'child']);
        const child = this.rule(raw['child'], join(path, 'child'), depth + 1);
        return child === null ? null : { kind, child };
      }
      case 'compare':
        return this.compare(raw, path, 'profile');
      case 'in_segment': {
        this.fields(raw, path, ['kind', 'segment']);
        const segment = raw['segment'];
        if (typeof segment !== 'string' || segment.length === 0) return this.fail(join(path, 'segment'), 'required: a segment key');
        if (!this.schema.allowUnknownSegments && !this.schema.knownSegments.includes(segment)) {
          return this.fail(join(path, 'segment'), `unknown segment "${segment}"`);
        }
        return { kind, segment };
      }
      case 'geo_within':
        return this.geo(raw, path);
      case 'did':
      case 'did_not':
        return this.did(raw, path, kind, depth);
      case 'sequence':
        return this.sequence(raw, path, depth);
      default:
        return this.fail(join(path, 'kind'), `unknown kind ${JSON.stringify(kind) ?? 'undefined'}; expected one of ${list(SEGMENT_RULE_KINDS)}`);
    }
  }

  private childList<T>(raw: unknown, path: string, each: (child: unknown, childPath: string) => T | null): T[] | null {
    if (!Array.isArray(raw) || raw.length === 0) return this.fail(path, 'required: a non-empty array of conditions');
    const out: T[] = [];
    let failed = false;
    raw.forEach((child: unknown, index: number) => {
      const checked = each(child, join(path, index));
      if (checked === null) failed = true;
      else out.push(checked);
    });
    return failed ? null : out;
  }

  /** A comparison on a profile path, or on an event property path inside a `where`. */
  private compare(raw: Raw, path: string, scope: 'profile' | 'event'): CompareRule | null {
    this.fields(raw, path, ['kind', 'path', 'op', 'value']);
    const pathValue = raw['path'];
    const fieldType = scope === 'profile' ? this.profilePath(pathValue, join(path, 'path')) : this.eventPath(pathValue, join(path, 'path'));
    const op = raw['op'];
    if (typeof op !== 'string' || !(COMPARE_OPS as readonly string[]).includes(op)) {
      return this.fail(join(path, 'op'), `unknown operator ${JSON.stringify(op) ?? 'undefined'}; expected one of ${list(COMPARE_OPS)}`);
    }
    if (fieldType === false || typeof pathValue !== 'string') return null;
    const valuePath = join(path, 'value');
    const value = raw['value'];
    const hasValue = value !== undefined;
    const type = fieldType;
    const typeName = type === null ? '' : ` (${pathValue} is a ${type})`;
    const base = { kind: 'compare' as const, path: pathValue };
    switch (op) {
      case 'exists':
      case 'not_exists':
        if (hasValue) return this.fail(valuePath, `"${op}" takes no value`);
        return { ...base, op };
      case 'eq':
      case 'neq':
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        if ((op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') && type === 'boolean') {
          return this.fail(join(path, 'op'), `"${op}" does not apply to a boolean${typeName}`);
        }
        const scalar = this.scalar(value, valuePath, type, op);
        return scalar === null ? null : { ...base, op, value: scalar };
      }
      case 'between': {
        if (type === 'boolean' || type === 'string') return this.fail(join(path, 'op'), `"between" needs numbers or timestamps${typeName}`);
        if (!Array.isArray(value) || value.length !== 2) return this.fail(valuePath, 'for "between", value must be [low, high]');
        const low = this.scalar(value[0], join(valuePath, 0), type, op);
        const high = this.scalar(value[1], join(valuePath, 1), type, op);
        if (low === null || high === null) return null;
        if (typeof low === 'boolean' || typeof high === 'boolean') return this.fail(valuePath, 'for "between", the bounds must be numbers or dates');
        const lowMs = typeof low === 'number' ? low : toInstantMs(low);
        const highMs = typeof high === 'number' ? high : toInstantMs(high);
        if (typeof low === typeof high && (lowMs !== null && highMs !== null ? lowMs > highMs : low > high)) {
          return this.fail(valuePath, `for "between", the low bound ${JSON.stringify(low)} is above the high bound ${JSON.stringify(high)}`);
        }
        return { ...base, op, value: [low, high] };
      }
      case 'in':
      case 'not_in': {
        if (!Array.isArray(value) || value.length === 0) return this.fail(valuePath, `for "${op}", value must be a non-empty array`);
        if (value.length > RULE_LIMITS.maxListValues) return this.fail(valuePath, `for "${op}", at most ${RULE_LIMITS.maxListValues} values`);
        const values: ScalarValue[] = [];
        let failed = false;
        value.forEach((item: unknown, index: number) => {
          const scalar = this.scalar(item, join(valuePath, index), type, op);
          if (scalar === null) failed = true;
          else values.push(scalar);
        });
        return failed ? null : { ...base, op, value: values };
      }
      case 'contains':
      case 'starts_with': {
        if (type !== null && type !== 'string') return this.fail(join(path, 'op'), `"${op}" applies to text${typeName}`);
        if (op === 'starts_with' && typeof value !== 'string') return this.fail(valuePath, 'for "starts_with", value must be a string');
        const scalar = this.scalar(value, valuePath, null, op);
        return scalar === null ? null : { ...base, op, value: scalar };
      }
      case 'within_last':
      case 'more_than_ago': {
        if (scope === 'event') return this.fail(join(path, 'op'), `"${op}" is not available in a where clause: use "within" on the condition instead`);
        if (type !== null && type !== 'timestamp') return this.fail(join(path, 'op'), `"${op}" applies to timestamps${typeName}`);
        const duration = this.duration(value, valuePath);
        return duration === null ? null : { ...base, op, value: duration };
      }
      default:
        return this.fail(join(path, 'op'), `unknown operator "${op}"`);
    }
  }

  /** The feature type for features.*, null for open namespaces, false when the path is bad. */
  private profilePath(raw: unknown, path: string): FieldType | null | false {
    const syntax = checkPathSyntax(raw);
    if (syntax !== null) return this.fail(path, syntax) ?? false;
    const text = raw as string;
    const dot = text.indexOf('.');
    const namespace = text.slice(0, dot);
    if (!(PATH_NAMESPACES as readonly string[]).includes(namespace) || dot < 0) {
      return this.fail(path, `"${text}" must start with ${list(PATH_NAMESPACES.map((n) => `${n}.`))}`) ?? false;
    }
    if (namespace === 'predicted') return 'number';
    if (namespace !== 'features') return null;
    const feature = lookupFeature(this.schema, text.slice(dot + 1));
    if (feature === null) {
      const known = Object.keys(this.schema.features).slice(0, 12);
      return this.fail(path, `unknown feature "${text.slice(dot + 1)}"; known features include ${list(known)}`) ?? false;
    }
    return feature.type;
  }

  private eventPath(raw: unknown, path: string): null | false {
    const syntax = checkPathSyntax(raw);
    if (syntax !== null) return this.fail(path, syntax) ?? false;
    if (RESERVED_PROPERTY_WORDS.has(raw as string)) return this.fail(path, `"${String(raw)}" is a keyword of the rule language, not a property name`) ?? false;
    return null;
  }

  private scalar(value: unknown, path: string, type: FieldType | null, op: string): ScalarValue | null {
    const expected = type === null ? 'a string, number or boolean' : type === 'timestamp' ? 'epoch milliseconds or an ISO-8601 date' : `a ${type}`;
    const fail = (): null => this.fail(path, `for "${op}", value must be ${expected}`);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return fail();
      if (type !== null && type !== 'number' && type !== 'timestamp') return fail();
      if (type === 'timestamp' && toInstantMs(value) === null) return fail();
      return value === 0 ? 0 : value;
    }
    if (typeof value === 'string') {
      if (value.length > RULE_LIMITS.maxStringLength) return this.fail(path, `at most ${RULE_LIMITS.maxStringLength} characters`);
      if (type === 'timestamp') return toInstantMs(value) === null ? fail() : value;
      if (type !== null && type !== 'string') return fail();
      return value;
    }
    if (typeof value === 'boolean') {
      if (type !== null && type !== 'boolean') return fail();
      return value;
    }
    return fail();
  }

  private duration(value: unknown, path: string): Duration | null {
    const message = `a duration must be an object with one unit, such as { "days": 30 } (units: ${list(DURATION_UNITS)})`;
    if (!isRecord(value)) return this.fail(path, message);
    const keys = Object.keys(value);
    const unit = keys[0];
    if (keys.length !== 1 || unit === undefined || !(DURATION_UNITS as readonly string[]).includes(unit)) return this.fail(path, message);
    const amount = value[unit];
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
      return this.fail(join(path, unit), 'must be a positive number');
    }
    return makeDuration(unit as (typeof DURATION_UNITS)[number], amount);
  }

  private geo(raw: Raw, path: string): SegmentRule | null {
    this.fields(raw, path, ['kind', 'center', 'radiusKm', 'latPath', 'lonPath']);
    const center = raw['center'];
    const radiusKm = raw['radiusKm'];
    const before = this.errors.length;
    let lat = 0;
    let lon = 0;
    if (!isRecord(center)) this.fail(join(path, 'center'), 'required: { "lat": number, "lon": number }');
    else {
      this.fields(center, join(path, 'center'), ['lat', 'lon']);
      const rawLat = center['lat'];
      const rawLon = center['lon'];
      if (typeof rawLat !== 'number' || !(rawLat >= -90 && rawLat <= 90)) this.fail(join(path, 'center.lat'), 'must be a latitude from -90 to 90');
      else lat = rawLat;
      if (typeof rawLon !== 'number' || !(rawLon >= -180 && rawLon <= 180)) this.fail(join(path, 'center.lon'), 'must be a longitude from -180 to 180');
      else lon = rawLon;
    }
    if (typeof radiusKm !== 'number' || !Number.isFinite(radiusKm) || radiusKm <= 0) this.fail(join(path, 'radiusKm'), 'must be a positive number of km');
    const paths: { latPath?: string; lonPath?: string } = {};
    for (const key of ['latPath', 'lonPath'] as const) {
      const value = raw[key];
      if (value === undefined) continue;
      const type = this.profilePath(value, join(path, key));
      if (type === false) continue;
      if (type !== null && type !== 'number') this.fail(join(path, key), 'must name a number');
      else paths[key] = value as string;
    }
    if ((paths.latPath === undefined) !== (paths.lonPath === undefined) && this.errors.length === before) {
      this.fail(path, 'give both latPath and lonPath, or neither');
    }
    if (this.errors.length > before) return null;
    return { kind: 'geo_within', center: { lat: lat === 0 ? 0 : lat, lon: lon === 0 ? 0 : lon }, radiusKm: radiusKm as number, ...paths };
  }

  private did(raw: Raw, path: string, kind: 'did' | 'did_not', depth: number): SegmentRule | null {
    this.fields(raw, path, kind === 'did' ? ['kind', 'event', 'where', 'count', 'within', 'since'] : ['kind', 'event', 'where', 'within', 'since']);
    const before = this.errors.length;
    const event = this.eventName(raw['event'], join(path, 'event'));
    const where = raw['where'] === undefined ? undefined : this.condition(raw['where'], join(path, 'where'), depth + 1);
    let count: CountBound | undefined;
    if (kind === 'did' && raw['count'] !== undefined) count = this.count(raw['count'], join(path, 'count')) ?? undefined;
    const within = raw['within'] === undefined ? undefined : this.duration(raw['within'], join(path, 'within'));
    let since: number | string | undefined;
    const rawSince = raw['since'];
    if (rawSince !== undefined) {
      if ((typeof rawSince !== 'number' && typeof rawSince !== 'string') || toInstantMs(rawSince) === null) {
        this.fail(join(path, 'since'), 'must be an instant: epoch milliseconds or an ISO-8601 date');
      } else since = rawSince;
    }
    if (within !== undefined && rawSince !== undefined) this.fail(join(path, 'since'), 'give "within" or "since", not both');
    if (this.errors.length > before || event === null || where === null || within === null) return null;
    const optional = {
      ...(where === undefined ? {} : { where }),
      ...(count === undefined ? {} : { count }),
      ...(within === undefined ? {} : { within }),
      ...(since === undefined ? {} : { since }),
    };
    return { kind, event, ...optional };
  }

  private sequence(raw: Raw, path: string, depth: number): SegmentRule | null {
    this.fields(raw, path, ['kind', 'first', 'then', 'within']);
    const before = this.errors.length;
    const first = this.step(raw['first'], join(path, 'first'), depth, 'first');
    const then = this.step(raw['then'], join(path, 'then'), depth, 'then');
    const within = this.duration(raw['within'], join(path, 'within'));
    if (this.errors.length > before || first === null || then === null || within === null) return null;
    return { kind: 'sequence', first: first as SequenceFirstStep, then: then as SequenceThenStep, within };
  }

  private step(raw: unknown, path: string, depth: number, which: 'first' | 'then'): SequenceFirstStep | SequenceThenStep | null {
    if (!isRecord(raw)) {
      return this.fail(path, which === 'first' ? 'required: { "event", "where"?, "within"? }' : 'required: { "kind": "did" | "did_not", "event", "where"? }');
    }
    this.fields(raw, path, which === 'first' ? ['event', 'where', 'within'] : ['kind', 'event', 'where']);
    const event = this.eventName(raw['event'], join(path, 'event'));
    const where = raw['where'] === undefined ? undefined : this.condition(raw['where'], join(path, 'where'), depth + 1);
    if (which === 'first') {
      const within = raw['within'] === undefined ? undefined : this.duration(raw['within'], join(path, 'within'));
      if (event === null || where === null || within === null) return null;
      return { event, ...(where === undefined ? {} : { where }), ...(within === undefined ? {} : { within }) };
    }
    const kind = raw['kind'];
    if (kind !== 'did' && kind !== 'did_not') return this.fail(join(path, 'kind'), 'must be "did" or "did_not"');
    if (event === null || where === null) return null;
    return { kind, event, ...(where === undefined ? {} : { where }) };
  }

  private eventName(raw: unknown, path: string): string | null {
    if (typeof raw !== 'string' || raw.length === 0) return this.fail(path, 'required: an event name such as "Order Completed"');
    if (raw.length > RULE_LIMITS.maxEventNameLength) return this.fail(path, `at most ${RULE_LIMITS.maxEventNameLength} characters`);
    return raw;
  }

  private count(raw: unknown, path: string): CountBound | null {
    if (!isRecord(raw)) return this.fail(path, 'must be { "op": "gte" | "lte" | "eq", "value": N }');
    this.fields(raw, path, ['op', 'value']);
    const op = raw['op'];
    const value = raw['value'];
    if (typeof op !== 'string' || !(COUNT_OPS as readonly string[]).includes(op)) return this.fail(join(path, 'op'), `must be one of ${list(COUNT_OPS)}`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return this.fail(join(path, 'value'), 'must be a whole number, 0 or more');
    return { op: op as CountBound['op'], value };
  }

  private condition(raw: unknown, path: string, depth: number): EventCondition | null {
    if (!isRecord(raw)) return this.fail(path, 'a condition must be a JSON object with a "kind"');
    if (depth > RULE_LIMITS.maxDepth) return this.fail(path, `nested deeper than ${RULE_LIMITS.maxDepth} levels`);
    this.nodes += 1;
    const kind = raw['kind'];
    switch (kind) {
      case 'and':
      case 'or': {
        this.fields(raw, path, ['kind', 'children']);
        const children = this.childList(raw['children'], join(path, 'children'), (child, childPath) => this.condition(child, childPath, depth + 1));
        return children === null ? null : { kind, children };
      }
      case 'not': {
        this.fields(raw, path, ['kind', 'child']);
        const child = this.condition(raw['child'], join(path, 'child'), depth + 1);
        return child === null ? null : { kind, child };
      }
      case 'compare':
        return this.compare(raw, path, 'event');
      default:
        return this.fail(join(path, 'kind'), `unknown kind ${JSON.stringify(kind) ?? 'undefined'} in a where clause; expected and, or, not, compare`);
    }
  }
}

/** Null when `raw` is a dot path the text form can spell, else what is wrong. */
function checkPathSyntax(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0) return 'required: a dot path such as "traits.country"';
  if (raw.length > 200) return 'must be at most 200 characters';
  const parts = raw.split('.');
  if (!FIRST_PART.test(parts[0] ?? '') || !parts.every((part) => SEGMENT_PART.test(part))) {
    return `"${raw}" is not a valid path: use dot-separated names of letters, digits and underscores`;
  }
  if (parts.includes('__proto__')) return 'must not contain "__proto__"';
  return null;
}

import { assertNever } from '../shared/assert-never.js';
import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';
import type { CompiledNode, CompiledRule, RuleDependencies } from './compiled-rule.js';
import { formatSegmentRule } from './format-segment-rule.js';
import { toIso } from '../shared/time.js';
import { toInstantMs } from './match-comparison.js';
import type { RuleSchema } from './rule-schema.js';
import { lookupFeature } from './rule-schema.js';
import type { CompareRule, Comparison, Duration, PathNamespace, ScalarValue, SegmentRule } from './segment-rule.js';
import { DEFAULT_LAT_PATH, DEFAULT_LON_PATH, comparisonOf, describeDuration, durationParts, durationToMs } from './segment-rule.js';
import { compileEventFilter } from './compile-event-filter.js';
import type { RuleError } from './validate-segment-rule.js';
import { validateSegmentRule } from './validate-segment-rule.js';

export { DEFAULT_RULE_SCHEMA } from './rule-schema.js';
export type { RuleError } from './validate-segment-rule.js';

/**
 * Validates the JSON form (see validate-segment-rule.ts) and lowers it into a CompiledRule:
 * durations become milliseconds, timestamp feature values become epoch ms, `where` clauses become
 * EventFilters, and the inputs the rule reads are collected into `dependsOn`.
 */
export function compileSegmentRule(ast: unknown, schema: RuleSchema): Result<CompiledRule, RuleError[]> {
  const validated = validateSegmentRule(ast, schema);
  if (!validated.ok) return err(validated.error);
  const deps = new DependencyCollector();
  const root = lower(validated.value, schema, deps);
  return ok({ format: 'segment-rule@1', rule: validated.value, text: formatSegmentRule(validated.value), dependsOn: deps.toDependencies(), root });
}

class DependencyCollector {
  readonly traits = new Set<string>();
  readonly features = new Set<string>();
  readonly computed = new Set<string>();
  readonly predicted = new Set<string>();
  readonly events = new Set<string>();
  readonly segments = new Set<string>();
  timeRelative = false;
  unscheduledTime = false;

  path(namespace: PathNamespace, segments: readonly string[]): void {
    const head = segments[0] ?? '';
    if (namespace === 'traits') this.traits.add(head);
    else if (namespace === 'features') this.features.add(segments.join('.'));
    else if (namespace === 'computed') this.computed.add(head);
    else this.predicted.add(head);
  }

  toDependencies(): RuleDependencies {
    const sorted = (set: ReadonlySet<string>): string[] => [...set].sort();
    return {
      traits: sorted(this.traits),
      features: sorted(this.features),
      computed: sorted(this.computed),
      predicted: sorted(this.predicted),
      events: sorted(this.events),
      segments: sorted(this.segments),
      timeRelative: this.timeRelative,
      unscheduledTime: this.unscheduledTime,
    };
  }
}

function splitPath(path: string): { namespace: PathNamespace; segments: string[] } {
  const [namespace, ...segments] = path.split('.');
  return { namespace: namespace as PathNamespace, segments };
}

function lower(rule: SegmentRule, schema: RuleSchema, deps: DependencyCollector): CompiledNode {
  switch (rule.kind) {
    case 'and':
    case 'or':
      return { kind: rule.kind, children: rule.children.map((child) => lower(child, schema, deps)) };
    case 'not':
      return { kind: 'not', child: lower(rule.child, schema, deps) };
    case 'compare': {
      const { namespace, segments } = splitPath(rule.path);
      deps.path(namespace, segments);
      const feature = namespace === 'features' ? lookupFeature(schema, segments.join('.')) : null;
      const clock = feature?.clock ?? 'static';
      if (clock !== 'static' || rule.op === 'within_last' || rule.op === 'more_than_ago') deps.timeRelative = true;
      // A model score moves as the features it reads move with time: it can only be swept.
      if (clock === 'unknown' || namespace === 'predicted') {
        deps.timeRelative = true;
        deps.unscheduledTime = true;
      }
      const comparison = feature?.type === 'timestamp' ? toEpochComparison(rule) : comparisonOf(rule);
      return {
        kind: 'compare',
        namespace,
        segments,
        label: namespace === 'features' ? segments.join('.') : rule.path,
        comparison,
        fieldType: namespace === 'predicted' ? 'number' : (feature?.type ?? null),
        clock,
      };
    }
    case 'geo_within': {
      const lat = splitPath(rule.latPath ?? DEFAULT_LAT_PATH);
      const lon = splitPath(rule.lonPath ?? DEFAULT_LON_PATH);
      deps.path(lat.namespace, lat.segments);
      deps.path(lon.namespace, lon.segments);
      return { kind: 'geo_within', center: rule.center, radiusKm: rule.radiusKm, lat, lon };
    }
    case 'in_segment':
      deps.segments.add(rule.segment);
      return { kind: 'in_segment', segment: rule.segment };
    case 'did':
    case 'did_not': {
      deps.events.add(rule.event);
      if (rule.within !== undefined) deps.timeRelative = true;
      const count = rule.kind === 'did' ? (rule.count ?? { op: 'gte' as const, value: 1 }) : { op: 'eq' as const, value: 0 };
      const sinceMs = rule.since === undefined ? null : toInstantMs(rule.since);
      return {
        kind: 'did',
        negated: rule.kind === 'did_not',
        event: rule.event,
        filter: rule.where === undefined ? null : compileEventFilter(rule.where),
        whereText: rule.where === undefined ? '' : whereText(rule),
        count,
        windowMs: rule.within === undefined ? null : durationToMs(rule.within),
        windowText: rule.within !== undefined ? `in the last ${describeDuration(rule.within)}` : sinceMs !== null ? `since ${toIso(sinceMs)}` : 'ever',
        sinceMs,
      };
    }
    case 'sequence':
      deps.events.add(rule.first.event);
      deps.events.add(rule.then.event);
      if (rule.then.kind === 'did_not' || rule.first.within !== undefined) deps.timeRelative = true;
      return {
        kind: 'sequence',
        first: { event: rule.first.event, filter: rule.first.where === undefined ? null : compileEventFilter(rule.first.where) },
        then: { event: rule.then.event, filter: rule.then.where === undefined ? null : compileEventFilter(rule.then.where) },
        thenKind: rule.then.kind,
        firstWindowMs: rule.first.within === undefined ? null : durationToMs(rule.first.within),
        firstWindowText: rule.first.within === undefined ? '' : describeDuration(rule.first.within),
        windowMs: durationToMs(rule.within),
        windowText: amountText(rule.within),
      };
    default:
      return assertNever(rule, 'segment rule');
  }
}

/** The readable where clause, taken from the text form so reasons and rules read the same. */
function whereText(rule: SegmentRule & { readonly kind: 'did' | 'did_not' }): string {
  const text = formatSegmentRule({ kind: rule.kind, event: rule.event, ...(rule.where === undefined ? {} : { where: rule.where }) });
  const at = text.indexOf(' where ');
  return at < 0 ? '' : text.slice(at);
}


/** "1 hour", "2 days": a window after an event, with its amount always spelled out. */
function amountText(duration: Duration): string {
  const parts = durationParts(duration);
  if (parts === null) return '0 days';
  return `${parts.amount} ${parts.amount === 1 ? parts.unit.slice(0, -1) : parts.unit}`;
}

/** Timestamp features hold epoch ms: read ISO-8601 values once, here, not per evaluation. */
function toEpochComparison(rule: CompareRule): Comparison {
  const toMs = (value: ScalarValue): ScalarValue => (typeof value === 'string' ? (toInstantMs(value) ?? value) : value);
  const comparison = comparisonOf(rule);
  switch (comparison.op) {
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { op: comparison.op, value: toMs(comparison.value) };
    case 'between':
      return { op: 'between', value: [toMs(comparison.value[0]), toMs(comparison.value[1])] };
    case 'in':
    case 'not_in':
      return { op: comparison.op, value: comparison.value.map(toMs) };
    default:
      return comparison;
  }
}


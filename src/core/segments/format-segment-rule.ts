import { assertNever } from '../shared/assert-never.js';
import type { CompareRule, CountBound, Duration, EventCondition, ScalarValue, SegmentRule } from './segment-rule.js';
import { durationParts } from './segment-rule.js';

/**
 * Prints a rule in the readable text form. parseSegmentRule(formatSegmentRule(rule)) deep-equals
 * rule for every rule that compiles, with one exception by design: an and/or group of a single
 * child prints as that child (the text form has no one-element group).
 */
export function formatSegmentRule(rule: SegmentRule): string {
  return formatExpr(rule);
}

function formatExpr(rule: SegmentRule): string {
  switch (rule.kind) {
    case 'and':
      return rule.children.map((child) => (child.kind === 'and' || child.kind === 'or' ? `(${formatExpr(child)})` : formatExpr(child))).join(' and ');
    case 'or':
      return rule.children.map((child) => (child.kind === 'or' ? `(${formatExpr(child)})` : formatExpr(child))).join(' or ');
    case 'not':
      return `not ${rule.child.kind === 'and' || rule.child.kind === 'or' ? `(${formatExpr(rule.child)})` : formatExpr(rule.child)}`;
    case 'compare':
      return formatCompare(rule);
    case 'geo_within': {
      const using = rule.latPath === undefined && rule.lonPath === undefined ? '' : ` using ${rule.latPath ?? 'traits.latitude'}, ${rule.lonPath ?? 'traits.longitude'}`;
      return `geo within ${formatNumber(rule.radiusKm)} km of (${formatNumber(rule.center.lat)}, ${formatNumber(rule.center.lon)})${using}`;
    }
    case 'in_segment':
      return `in_segment(${JSON.stringify(rule.segment)})`;
    case 'did':
      return `did ${JSON.stringify(rule.event)}${formatWhere(rule.where)}${formatCount(rule.count)}${formatRange(rule.within, rule.since)}`;
    case 'did_not':
      return `did not ${JSON.stringify(rule.event)}${formatWhere(rule.where)}${formatRange(rule.within, rule.since)}`;
    case 'sequence': {
      const first = `did ${JSON.stringify(rule.first.event)}${formatWhere(rule.first.where)}${formatRange(rule.first.within, undefined)}`;
      const then = `${rule.then.kind === 'did' ? 'did' : 'did not'} ${JSON.stringify(rule.then.event)}${formatWhere(rule.then.where)}`;
      return `${first} then ${then} within ${formatDuration(rule.within)}`;
    }
    default:
      return assertNever(rule, 'segment rule');
  }
}

function formatCompare(rule: CompareRule): string {
  const path = rule.path;
  switch (rule.op) {
    case 'eq':
      return `${path} = ${formatValue(rule.value)}`;
    case 'neq':
      return `${path} != ${formatValue(rule.value)}`;
    case 'gt':
      return `${path} > ${formatValue(rule.value)}`;
    case 'gte':
      return `${path} >= ${formatValue(rule.value)}`;
    case 'lt':
      return `${path} < ${formatValue(rule.value)}`;
    case 'lte':
      return `${path} <= ${formatValue(rule.value)}`;
    case 'between':
      return `${path} between ${formatValue(rule.value[0])} and ${formatValue(rule.value[1])}`;
    case 'in':
      return `${path} in ${formatList(rule.value)}`;
    case 'not_in':
      return `${path} not in ${formatList(rule.value)}`;
    case 'contains':
      return `${path} contains ${formatValue(rule.value)}`;
    case 'starts_with':
      return `${path} starts_with ${formatValue(rule.value)}`;
    case 'exists':
      return `${path} exists`;
    case 'not_exists':
      return `${path} not exists`;
    case 'within_last':
      return `${path} within last ${formatDuration(rule.value)}`;
    case 'more_than_ago':
      return `${path} more than ${formatDuration(rule.value)} ago`;
    default:
      return assertNever(rule, 'comparison');
  }
}

/** A where clause holds one condition: compound ones are parenthesized (see the grammar). */
function formatWhere(condition: EventCondition | undefined): string {
  return condition === undefined ? '' : ` where ${formatConditionUnary(condition)}`;
}

function formatConditionUnary(condition: EventCondition): string {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return `(${formatConditionExpr(condition)})`;
    case 'not':
      return `not ${formatConditionUnary(condition.child)}`;
    case 'compare':
      return formatCompare(condition);
    default:
      return assertNever(condition, 'event condition');
  }
}

function formatConditionExpr(condition: EventCondition): string {
  switch (condition.kind) {
    case 'and':
      return condition.children.map((child) => formatConditionUnary(child)).join(' and ');
    case 'or':
      return condition.children
        .map((child) => (child.kind === 'or' ? `(${formatConditionExpr(child)})` : child.kind === 'and' ? formatConditionExpr(child) : formatConditionUnary(child)))
        .join(' or ');
    default:
      return formatConditionUnary(condition);
  }
}

function formatCount(count: CountBound | undefined): string {
  if (count === undefined) return '';
  const words = count.op === 'gte' ? 'at least' : count.op === 'lte' ? 'at most' : 'exactly';
  return ` ${words} ${formatNumber(count.value)} ${count.value === 1 ? 'time' : 'times'}`;
}

function formatRange(within: Duration | undefined, since: number | string | undefined): string {
  if (within !== undefined) return ` within ${formatDuration(within)}`;
  if (since !== undefined) return ` since ${typeof since === 'number' ? formatNumber(since) : JSON.stringify(since)}`;
  return '';
}

function formatDuration(duration: Duration): string {
  const parts = durationParts(duration);
  if (parts === null) return '0 days';
  const unit = parts.amount === 1 ? parts.unit.slice(0, -1) : parts.unit;
  return `${formatNumber(parts.amount)} ${unit}`;
}

function formatList(values: readonly ScalarValue[]): string {
  return `[${values.map((value) => formatValue(value)).join(', ')}]`;
}

function formatValue(value: ScalarValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return formatNumber(value);
  return value ? 'true' : 'false';
}

/** String(n) reads back to the same number; -0 prints as 0 (compile normalizes it away). */
function formatNumber(value: number): string {
  return String(value);
}

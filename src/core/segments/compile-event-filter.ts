import { assertNever } from '../shared/assert-never.js';
import type { JsonObject } from '../shared/json.js';
import type { EventFilter } from './behavior-view.js';
import { matchComparison } from './match-comparison.js';
import { readPath } from './read-path.js';
import type { EventCondition } from './segment-rule.js';
import { comparisonOf } from './segment-rule.js';

/** A where clause as a predicate over event properties, with the same value semantics. */
export function compileEventFilter(condition: EventCondition): EventFilter {
  const test = buildTest(condition);
  return { key: JSON.stringify(condition), test };
}

function buildTest(condition: EventCondition): (properties: JsonObject) => boolean {
  switch (condition.kind) {
    case 'and': {
      const tests = condition.children.map(buildTest);
      return (properties) => tests.every((test) => test(properties));
    }
    case 'or': {
      const tests = condition.children.map(buildTest);
      return (properties) => tests.some((test) => test(properties));
    }
    case 'not': {
      const test = buildTest(condition.child);
      return (properties) => !test(properties);
    }
    case 'compare': {
      const segments = condition.path.split('.');
      const comparison = comparisonOf(condition);
      // Relative dates are refused in where clauses (validate-segment-rule.ts), so no clock is needed.
      return (properties) => matchComparison(comparison, readPath(properties, segments), Number.NaN).matched;
    }
    default:
      return assertNever(condition, 'event condition');
  }
}


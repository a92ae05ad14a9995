import type { FieldError } from '../recs/engine/placement.js';
import type { CompiledRule } from '../segments/compiled-rule.js';
import { compileSegmentRule } from '../segments/compile-segment-rule.js';
import { parseSegmentRule } from '../segments/parse-segment-rule.js';
import type { RuleSchema } from '../segments/rule-schema.js';

/**
 * A segment rule given in a decision config (offer or placement eligibility): the text form (a
 * string) or the JSON form (an object), compiled once; problems are reported under `field`
 * (`field.<json path>` for the JSON form). Null when absent or invalid.
 */
export function parseRule(raw: unknown, field: string, schema: RuleSchema, errors: FieldError[]): CompiledRule | null {
  if (raw === undefined || raw === null) return null;
  let ast: unknown = raw;
  if (typeof raw === 'string') {
    const parsed = parseSegmentRule(raw);
    if (!parsed.ok) {
      errors.push({ field, message: parsed.error.message });
      return null;
    }
    ast = parsed.value;
  } else if (typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push({ field, message: 'a segment rule: the text form (a string) or the JSON form (an object)' });
    return null;
  }
  const compiled = compileSegmentRule(ast, schema);
  if (!compiled.ok) {
    for (const e of compiled.error) errors.push({ field: e.path === '' ? field : `${field}.${e.path}`, message: e.message });
    return null;
  }
  return compiled.value;
}

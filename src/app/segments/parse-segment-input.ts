import type { CompiledRule } from '../../core/segments/compiled-rule.js';
import { compileSegmentRule } from '../../core/segments/compile-segment-rule.js';
import { parseSegmentRule } from '../../core/segments/parse-segment-rule.js';
import type { RuleSchema } from '../../core/segments/rule-schema.js';
import { AppError } from '../app-error.js';
import type { AppErrorDetail } from '../app-error.js';

/** A rule as a person or a program sends it: the JSON form, or the text form. */
export interface RuleInput {
  readonly rule?: unknown;
  readonly text?: unknown;
}

/**
 * Parses and compiles a rule from either form, or throws ERR_SEGMENT_RULE_INVALID listing every
 * problem: the text form's with line and column, the JSON form's with the path of the field.
 */
export function compileRuleInput(input: RuleInput, schema: RuleSchema): CompiledRule {
  const hasRule = input.rule !== undefined && input.rule !== null;
  const hasText = input.text !== undefined && input.text !== null;
  if (hasRule === hasText) {
    throw invalid([{ field: hasRule ? 'text' : 'rule', message: 'send exactly one of `rule` (the JSON form) or `text` (the text form)' }]);
  }
  let ast: unknown = input.rule;
  if (hasText) {
    if (typeof input.text !== 'string') throw invalid([{ field: 'text', message: 'must be a string' }]);
    const parsed = parseSegmentRule(input.text);
    if (!parsed.ok) {
      const { line, column, offset } = parsed.error.position;
      throw invalid([{ field: 'text', message: parsed.error.message, position: { line, column, offset } }]);
    }
    ast = parsed.value;
  }
  const compiled = compileSegmentRule(ast, schema);
  if (!compiled.ok) {
    const base = hasText ? 'text' : 'rule';
    throw invalid(compiled.error.map((e) => ({ field: e.path === '' ? base : `${base}.${e.path}`, message: e.message })));
  }
  return compiled.value;
}

function invalid(details: readonly AppErrorDetail[]): AppError {
  const first = details[0]?.message ?? 'invalid rule';
  return new AppError('ERR_SEGMENT_RULE_INVALID', `The segment rule is invalid: ${first}`, { details });
}

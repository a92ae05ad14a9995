import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';
import type {
  CompareRule,
  CountBound,
  Duration,
  DurationUnit,
  EventCondition,
  ScalarValue,
  SegmentRule,
  SequenceFirstStep,
  SequenceThenStep,
} from './segment-rule.js';
import { PATH_NAMESPACES, makeDuration } from './segment-rule.js';
import type { SourcePosition, Token } from './tokenize-segment-rule.js';
import { positionAt, tokenizeSegmentRule } from './tokenize-segment-rule.js';

export interface RuleParseError {
  /** A sentence that ends with where it happened: "... at line 1, column 22". */
  readonly message: string;
  readonly position: SourcePosition;
  /** What would have been accepted at that point, in words. */
  readonly expected?: readonly string[];
}

const UNIT_WORDS: Readonly<Record<string, DurationUnit>> = {
  second: 'seconds',
  seconds: 'seconds',
  minute: 'minutes',
  minutes: 'minutes',
  hour: 'hours',
  hours: 'hours',
  day: 'days',
  days: 'days',
  week: 'weeks',
  weeks: 'weeks',
};

const ORDER_OP_WORDS: Readonly<Record<string, 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte'>> = {
  '=': 'eq',
  '==': 'eq',
  '!=': 'neq',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
};

const COMPARE_EXPECTED = ['=', '!=', '>', '>=', '<', '<=', 'between', 'in', 'not in', 'contains', 'starts_with', 'exists', 'not exists', 'within last', 'more than'];
const VALUE_EXPECTED = ['a "string"', 'a number', 'true', 'false'];
const CONDITION_EXPECTED = ['a path such as traits.country', 'not', '(', 'did', 'geo', 'in_segment'];

/**
 * Recursive descent unwinds through this private error; it never escapes parseSegmentRule, which
 * turns it into a value (STYLE 2.5: expected outcomes are values).
 */
class ParseFailure extends Error {
  readonly detail: string;
  readonly offset: number;
  readonly expected: readonly string[] | null;

  constructor(detail: string, offset: number, expected: readonly string[] | null) {
    super(detail);
    this.name = 'ParseFailure';
    this.detail = detail;
    this.offset = offset;
    this.expected = expected;
  }
}

/**
 * Parses the readable text form into the same AST as the JSON form. Precedence: `not` binds
 * tighter than `and`, which binds tighter than `or`; parentheses group. Grammar:
 *
 *   expr      := and ('or' and)*
 *   and       := unary ('and' unary)*
 *   unary     := 'not' unary | '(' expr ')' | in_segment | geo | did | PATH compare
 *   compare   := OP value | 'between' value 'and' value | ['not'] 'in' list | 'contains' value
 *              | 'starts_with' value | ['not'] 'exists' | 'within' 'last' DURATION
 *              | 'more' 'than' DURATION 'ago'
 *   did       := 'did' ['not'] STRING ['where' cond] [count] ['within' DURATION | 'since' instant]
 *                ['then' 'did' ['not'] STRING ['where' cond] 'within' DURATION]
 *   count     := ('at' 'least' | 'at' 'most' | 'exactly') NUMBER ('time' | 'times')
 *   cond      := 'not' cond | '(' cond_expr ')' | PROPERTY compare    (a where clause holds one
 *                condition; parenthesize to combine, so its `and` never swallows the outer rule's)
 *   geo       := 'geo' 'within' NUMBER 'km' 'of' '(' NUMBER ',' NUMBER ')' ['using' PATH ',' PATH]
 *
 * Semantic checks (known features, value types, segment names) belong to compileSegmentRule.
 */
export function parseSegmentRule(source: string): Result<SegmentRule, RuleParseError> {
  const tokenized = tokenizeSegmentRule(source);
  if ('error' in tokenized) {
    const position = positionAt(source, tokenized.error.offset);
    return err({ message: `${tokenized.error.message} ${where(position)}`, position });
  }
  const parser = new Parser(tokenized.tokens);
  try {
    const rule = parser.parseExpr();
    parser.expectEnd();
    return ok(rule);
  } catch (caught: unknown) {
    if (!(caught instanceof ParseFailure)) throw caught;
    const position = positionAt(source, caught.offset);
    const error: RuleParseError = {
      message: `${caught.detail} ${where(position)}`,
      position,
      ...(caught.expected === null ? {} : { expected: caught.expected }),
    };
    return err(error);
  }
}

function where(position: SourcePosition): string {
  return `at line ${position.line}, column ${position.column}`;
}

function describe(token: Token): string {
  return token.kind === 'eof' ? 'the end of the rule' : `'${token.text}'`;
}

class Parser {
  private index = 0;
  private readonly tokens: readonly Token[];

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }

  parseExpr(): SegmentRule {
    const children = [this.parseAnd()];
    while (this.acceptWord('or')) children.push(this.parseAnd());
    return children.length === 1 && children[0] !== undefined ? children[0] : { kind: 'or', children };
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') {
      throw new ParseFailure(`expected 'and', 'or' or the end of the rule, found ${describe(token)}`, token.offset, [
        'and',
        'or',
        'the end of the rule',
      ]);
    }
  }

  private parseAnd(): SegmentRule {
    const children = [this.parseUnary()];
    while (this.acceptWord('and')) children.push(this.parseUnary());
    return children.length === 1 && children[0] !== undefined ? children[0] : { kind: 'and', children };
  }

  private parseUnary(): SegmentRule {
    const token = this.peek();
    if (this.acceptWord('not')) return { kind: 'not', child: this.parseUnary() };
    if (this.acceptPunct('(')) {
      const inner = this.parseExpr();
      this.expectPunct(')', 'to close the parenthesis');
      return inner;
    }
    if (this.acceptWord('in_segment')) {
      this.expectPunct('(', "after 'in_segment'");
      const name = this.expectString('a segment key in double quotes');
      this.expectPunct(')', 'after the segment key');
      return { kind: 'in_segment', segment: name };
    }
    if (this.acceptWord('geo')) return this.parseGeo();
    if (this.acceptWord('did')) return this.parseDid();
    if (token.kind === 'word') {
      this.index += 1;
      const namespace = token.text.split('.')[0] ?? '';
      if (!(PATH_NAMESPACES as readonly string[]).includes(namespace) || !token.text.includes('.')) {
        throw new ParseFailure(
          `'${token.text}' is not a known path: a path starts with traits., features., computed. or predicted.`,
          token.offset,
          CONDITION_EXPECTED,
        );
      }
      return this.parseCompareTail(token);
    }
    throw new ParseFailure(`expected a condition, found ${describe(token)}`, token.offset, CONDITION_EXPECTED);
  }

  private parseCompareTail(pathToken: Token): CompareRule {
    const path = pathToken.text;
    const token = this.peek();
    if (token.kind === 'op') {
      this.index += 1;
      const op = ORDER_OP_WORDS[token.text];
      if (op === undefined) throw new ParseFailure(`unknown operator '${token.text}'`, token.offset, COMPARE_EXPECTED);
      return { kind: 'compare', path, op, value: this.expectValue(`'${token.text}'`) };
    }
    if (this.acceptWord('between')) {
      const low = this.expectValue("'between'");
      this.expectWord('and', "between the two bounds of 'between'");
      const high = this.expectValue("'and'");
      return { kind: 'compare', path, op: 'between', value: [low, high] };
    }
    if (this.acceptWord('in')) return { kind: 'compare', path, op: 'in', value: this.expectList("'in'") };
    if (this.acceptWord('contains')) return { kind: 'compare', path, op: 'contains', value: this.expectValue("'contains'") };
    if (this.acceptWord('starts_with')) {
      return { kind: 'compare', path, op: 'starts_with', value: this.expectValue("'starts_with'") };
    }
    if (this.acceptWord('exists')) return { kind: 'compare', path, op: 'exists' };
    if (this.acceptWord('not')) {
      if (this.acceptWord('in')) return { kind: 'compare', path, op: 'not_in', value: this.expectList("'not in'") };
      if (this.acceptWord('exists')) return { kind: 'compare', path, op: 'not_exists' };
      const next = this.peek();
      throw new ParseFailure(`expected 'in' or 'exists' after 'not', found ${describe(next)}`, next.offset, ['in', 'exists']);
    }
    if (this.acceptWord('within')) {
      this.expectWord('last', "after 'within' (as in 'within last 7 days')");
      return { kind: 'compare', path, op: 'within_last', value: this.expectDuration("'within last'") };
    }
    if (this.acceptWord('more')) {
      this.expectWord('than', "after 'more' (as in 'more than 30 days ago')");
      const duration = this.expectDuration("'more than'");
      this.expectWord('ago', 'after the duration');
      return { kind: 'compare', path, op: 'more_than_ago', value: duration };
    }
    throw new ParseFailure(
      `expected a comparison after '${path}', found ${describe(token)}`,
      token.offset,
      COMPARE_EXPECTED,
    );
  }

  private parseGeo(): SegmentRule {
    this.expectWord('within', "after 'geo'");
    const radiusKm = this.expectNumber("a distance after 'geo within'");
    this.expectWord('km', 'after the distance (distances are in km)');
    this.expectWord('of', "after 'km'");
    this.expectPunct('(', "before the latitude, as in '(51.5, -0.12)'");
    const lat = this.expectNumber('a latitude');
    this.expectPunct(',', 'between the latitude and the longitude');
    const lon = this.expectNumber('a longitude');
    this.expectPunct(')', 'after the longitude');
    if (!this.acceptWord('using')) return { kind: 'geo_within', center: { lat, lon }, radiusKm };
    const latPath = this.expectPath('a latitude path such as traits.lat');
    this.expectPunct(',', 'between the latitude and longitude paths');
    const lonPath = this.expectPath('a longitude path such as traits.lon');
    return { kind: 'geo_within', center: { lat, lon }, radiusKm, latPath, lonPath };
  }

  private parseDid(): SegmentRule {
    const negated = this.acceptWord('not');
    const event = this.expectString("an event name in double quotes after 'did'");
    const condition = this.acceptWord('where') ? this.parseCondition() : null;
    const countToken = this.peek();
    const count = this.parseCount();
    if (negated && count !== null) {
      throw new ParseFailure("'did not' takes no count: it means zero times", countToken.offset, null);
    }
    const windowToken = this.peek();
    let within: Duration | null = null;
    let since: number | string | null = null;
    if (this.acceptWord('within')) within = this.expectDuration("'within'");
    else if (this.acceptWord('since')) since = this.expectInstant();
    const thenToken = this.peek();
    if (this.acceptWord('then')) {
      if (negated) throw new ParseFailure("a sequence starts with 'did', not 'did not'", thenToken.offset, null);
      if (count !== null) throw new ParseFailure('the first step of a sequence takes no count', countToken.offset, null);
      if (since !== null) {
        throw new ParseFailure("the first step of a sequence takes 'within', not 'since'", windowToken.offset, null);
      }
      const first: SequenceFirstStep = {
        event,
        ...(condition === null ? {} : { where: condition }),
        ...(within === null ? {} : { within }),
      };
      this.expectWord('did', "after 'then'");
      const thenNegated = this.acceptWord('not');
      const thenEvent = this.expectString("an event name in double quotes after 'then did'");
      const thenCondition = this.acceptWord('where') ? this.parseCondition() : null;
      const then: SequenceThenStep = {
        kind: thenNegated ? 'did_not' : 'did',
        event: thenEvent,
        ...(thenCondition === null ? {} : { where: thenCondition }),
      };
      this.expectWord('within', "after the second step (a sequence needs 'within', as in 'within 2 days')");
      return { kind: 'sequence', first, then, within: this.expectDuration("'within'") };
    }
    const range = { ...(within === null ? {} : { within }), ...(since === null ? {} : { since }) };
    const filter = condition === null ? {} : { where: condition };
    if (negated) return { kind: 'did_not', event, ...filter, ...range };
    return { kind: 'did', event, ...filter, ...(count === null ? {} : { count }), ...range };
  }

  private parseCount(): CountBound | null {
    let op: CountBound['op'];
    if (this.acceptWord('exactly')) op = 'eq';
    else if (this.acceptWord('at')) {
      if (this.acceptWord('least')) op = 'gte';
      else if (this.acceptWord('most')) op = 'lte';
      else {
        const token = this.peek();
        throw new ParseFailure(`expected 'least' or 'most' after 'at', found ${describe(token)}`, token.offset, ['least', 'most']);
      }
    } else return null;
    const value = this.expectNumber('a number of times');
    if (!this.acceptWord('times') && !this.acceptWord('time')) {
      const token = this.peek();
      throw new ParseFailure(`expected 'times' after the count, found ${describe(token)}`, token.offset, ['times']);
    }
    return { op, value };
  }

  /** One where-condition: a comparison, `not` one, or a parenthesized and/or of them. */
  private parseCondition(): EventCondition {
    const token = this.peek();
    if (this.acceptWord('not')) return { kind: 'not', child: this.parseCondition() };
    if (this.acceptPunct('(')) {
      const inner = this.parseConditionOr();
      this.expectPunct(')', 'to close the parenthesis');
      return inner;
    }
    if (token.kind === 'word') {
      this.index += 1;
      return this.parseCompareTail(token);
    }
    throw new ParseFailure(`expected an event property after 'where', found ${describe(token)}`, token.offset, [
      'a property name such as category',
      'not',
      '(',
    ]);
  }

  private parseConditionOr(): EventCondition {
    const children = [this.parseConditionAnd()];
    while (this.acceptWord('or')) children.push(this.parseConditionAnd());
    return children.length === 1 && children[0] !== undefined ? children[0] : { kind: 'or', children };
  }

  private parseConditionAnd(): EventCondition {
    const children = [this.parseCondition()];
    while (this.acceptWord('and')) children.push(this.parseCondition());
    return children.length === 1 && children[0] !== undefined ? children[0] : { kind: 'and', children };
  }

  // -- terminals --------------------------------------------------------------------------

  private expectValue(after: string): ScalarValue {
    const token = this.peek();
    if (token.kind === 'string' && typeof token.value === 'string') {
      this.index += 1;
      return token.value;
    }
    if (token.kind === 'number' && typeof token.value === 'number') {
      this.index += 1;
      return token.value;
    }
    if (token.kind === 'word' && (token.text === 'true' || token.text === 'false')) {
      this.index += 1;
      return token.text === 'true';
    }
    throw new ParseFailure(`expected a value after ${after}, found ${describe(token)}`, token.offset, VALUE_EXPECTED);
  }

  private expectList(after: string): ScalarValue[] {
    this.expectPunct('[', `after ${after} (a list looks like ["UK", "FR"])`);
    const values = [this.expectValue(`'['`)];
    while (this.acceptPunct(',')) values.push(this.expectValue("','"));
    this.expectPunct(']', 'to close the list');
    return values;
  }

  private expectDuration(after: string): Duration {
    const amount = this.expectNumber(`a duration after ${after}, such as 30 days`);
    const token = this.peek();
    const unit = token.kind === 'word' ? UNIT_WORDS[token.text] : undefined;
    if (unit === undefined) {
      throw new ParseFailure(`expected a time unit after ${amount}, found ${describe(token)}`, token.offset, [
        'seconds',
        'minutes',
        'hours',
        'days',
        'weeks',
      ]);
    }
    this.index += 1;
    return makeDuration(unit, amount);
  }

  private expectInstant(): number | string {
    const token = this.peek();
    if ((token.kind === 'number' || token.kind === 'string') && token.value !== null) {
      this.index += 1;
      return token.value;
    }
    throw new ParseFailure(`expected an instant after 'since' (epoch ms or an ISO date in double quotes), found ${describe(token)}`, token.offset, [
      'a number of epoch milliseconds',
      'an ISO-8601 date in double quotes',
    ]);
  }

  private expectNumber(what: string): number {
    const token = this.peek();
    if (token.kind === 'number' && typeof token.value === 'number') {
      this.index += 1;
      return token.value;
    }
    throw new ParseFailure(`expected ${what}, found ${describe(token)}`, token.offset, ['a number']);
  }

  private expectString(what: string): string {
    const token = this.peek();
    if (token.kind === 'string' && typeof token.value === 'string') {
      this.index += 1;
      return token.value;
    }
    throw new ParseFailure(`expected ${what}, found ${describe(token)}`, token.offset, ['a "string"']);
  }

  private expectPath(what: string): string {
    const token = this.peek();
    if (token.kind === 'word' && token.text.includes('.')) {
      this.index += 1;
      return token.text;
    }
    throw new ParseFailure(`expected ${what}, found ${describe(token)}`, token.offset, ['a path']);
  }

  private expectWord(word: string, context: string): void {
    if (this.acceptWord(word)) return;
    const token = this.peek();
    throw new ParseFailure(`expected '${word}' ${context}, found ${describe(token)}`, token.offset, [word]);
  }

  private expectPunct(punct: string, context: string): void {
    if (this.acceptPunct(punct)) return;
    const token = this.peek();
    throw new ParseFailure(`expected '${punct}' ${context}, found ${describe(token)}`, token.offset, [punct]);
  }

  private acceptWord(word: string): boolean {
    const token = this.peek();
    if (token.kind !== 'word' || token.text !== word) return false;
    this.index += 1;
    return true;
  }

  private acceptPunct(punct: string): boolean {
    const token = this.peek();
    if (token.kind !== 'punct' || token.text !== punct) return false;
    this.index += 1;
    return true;
  }

  private peek(): Token {
    const token = this.tokens[this.index] ?? this.tokens[this.tokens.length - 1];
    if (token === undefined) throw new Error('the tokenizer always ends with an eof token');
    return token;
  }
}

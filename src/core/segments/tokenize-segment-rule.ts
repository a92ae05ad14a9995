/**
 * The tokenizer of the text form. Hand-written so every token keeps its offset, which the parser
 * turns into "line L, column C" in its messages.
 */

export type TokenKind = 'word' | 'string' | 'number' | 'op' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token ('' for eof). */
  readonly text: string;
  /** Decoded value: the string's contents, or the number. */
  readonly value: string | number | null;
  readonly offset: number;
}

export interface SourcePosition {
  readonly offset: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based, counted in UTF-16 code units like the offset. */
  readonly column: number;
}

export interface TokenizeError {
  readonly message: string;
  readonly offset: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*/y;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATORS = ['>=', '<=', '!=', '==', '=', '>', '<'] as const;
const PUNCTUATION = new Set(['(', ')', '[', ']', ',']);
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export function tokenizeSegmentRule(source: string): { tokens: Token[] } | { error: TokenizeError } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i += 1;
      continue;
    }
    if (ch === '"') {
      const read = readString(source, i);
      if ('error' in read) return read;
      tokens.push({ kind: 'string', text: source.slice(i, read.end), value: read.value, offset: i });
      i = read.end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(source);
    if (number !== null && (ch !== '-' || /[\d.]/.test(source[i + 1] ?? ''))) {
      const value = Number(number[0]);
      if (!Number.isFinite(value)) return { error: { message: `the number ${number[0]} is too large`, offset: i } };
      tokens.push({ kind: 'number', text: number[0], value, offset: i });
      i += number[0].length;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(source);
    if (word !== null) {
      tokens.push({ kind: 'word', text: word[0], value: null, offset: i });
      i += word[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (op !== undefined) {
      tokens.push({ kind: 'op', text: op, value: null, offset: i });
      i += op.length;
      continue;
    }
    if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: 'punct', text: ch, value: null, offset: i });
      i += 1;
      continue;
    }
    const hint = ch === "'" ? ' (strings use double quotes)' : '';
    return { error: { message: `unexpected character '${ch}'${hint}`, offset: i } };
  }
  tokens.push({ kind: 'eof', text: '', value: null, offset: source.length });
  return { tokens };
}

/** A JSON-style string starting at `start` (the opening quote). */
function readString(source: string, start: number): { value: string; end: number } | { error: TokenizeError } {
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '"') return { value, end: i + 1 };
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if (next === 'u') {
        const hex = source.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          return { error: { message: 'a \\u escape needs four hex digits', offset: i } };
        }
        value += String.fromCharCode(Number.parseInt(hex, 16));
        i += 6;
        continue;
      }
      const escaped = ESCAPES[next];
      if (escaped === undefined) return { error: { message: `unknown escape '\\${next}' in a string`, offset: i } };
      value += escaped;
      i += 2;
      continue;
    }
    value += ch;
    i += 1;
  }
  return { error: { message: 'this string is never closed: add a closing "', offset: start } };
}

export function positionAt(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

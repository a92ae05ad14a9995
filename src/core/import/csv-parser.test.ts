import { describe, expect, it } from 'vitest';
import { createCsvRecordParser, formatCsvField, parseCsvLine, type CsvRecordResult } from './csv-parser.js';

function feed(lines: readonly string[]): CsvRecordResult[] {
  const parser = createCsvRecordParser();
  const out: CsvRecordResult[] = [];
  for (const line of lines) {
    const record = parser.pushLine(line);
    if (record !== null) out.push(record);
  }
  const last = parser.finish();
  if (last !== null) out.push(last);
  return out;
}

function fieldsOf(results: readonly CsvRecordResult[]): string[][] {
  return results.map((r) => (r.ok ? r.value.fields : [`ERROR: ${r.error.message}`]));
}

describe('parseCsvLine', () => {
  it('splits plain fields, keeping empty ones', () => {
    expect(parseCsvLine('a,b,,d,')).toEqual({ ok: true, value: ['a', 'b', '', 'd', ''] });
  });

  it('handles quoted fields with delimiters and escaped quotes', () => {
    expect(parseCsvLine('536381,"AIRLINE LOUNGE,METAL SIGN",2')).toEqual({ ok: true, value: ['536381', 'AIRLINE LOUNGE,METAL SIGN', '2'] });
    expect(parseCsvLine('x,"RECORD FRAME 7"" SINGLE SIZE ",48')).toEqual({ ok: true, value: ['x', 'RECORD FRAME 7" SINGLE SIZE ', '48'] });
    expect(parseCsvLine('"",""""')).toEqual({ ok: true, value: ['', '"'] });
  });

  it('keeps a stray quote inside an unquoted field as a character', () => {
    expect(parseCsvLine('a"b,c')).toEqual({ ok: true, value: ['a"b', 'c'] });
  });

  it('appends text that follows a closing quote', () => {
    expect(parseCsvLine('"ab"c,d')).toEqual({ ok: true, value: ['abc', 'd'] });
  });

  it('reports an unclosed quote', () => {
    expect(parseCsvLine('a,"b')).toEqual({ ok: false, error: 'unclosed quoted field' });
  });

  it('supports another delimiter', () => {
    expect(parseCsvLine('a;"b;c";d', ';')).toEqual({ ok: true, value: ['a', 'b;c', 'd'] });
  });
});

describe('createCsvRecordParser', () => {
  it('joins lines while a quoted field is open (embedded newlines)', () => {
    const results = feed(['id,note', '1,"first line', 'second ""line""', 'third",x', '2,plain']);
    expect(fieldsOf(results)).toEqual([['id', 'note'], ['1', 'first line\nsecond "line"\nthird', 'x'], ['2', 'plain']]);
    const second = results[1];
    expect(second?.ok === true ? second.value.firstLine : -1).toBe(2);
    const third = results[2];
    expect(third?.ok === true ? third.value.firstLine : -1).toBe(5);
  });

  it('strips a UTF-8 byte order mark from the first line only', () => {
    expect(fieldsOf(feed(['\uFEFFa,b', '\uFEFFc,d']))).toEqual([['a', 'b'], ['\uFEFFc', 'd']]);
  });

  it('reports a file that ends inside quotes', () => {
    const results = feed(['a,b', '1,"open']);
    expect(fieldsOf(results)).toEqual([['a', 'b'], ['ERROR: file ends inside a quoted field']]);
  });

  it('gives up on a record that grows past the limit and carries on', () => {
    const parser = createCsvRecordParser({ maxRecordChars: 20 });
    expect(parser.pushLine('1,"aaaaaaaaaa')).toBeNull();
    const failed = parser.pushLine('bbbbbbbbbbbbbbbbbbbbbbb');
    expect(failed?.ok).toBe(false);
    expect(parser.pushLine('2,ok')).toEqual({ ok: true, value: { fields: ['2', 'ok'], firstLine: 3 } });
  });

  it('round-trips formatted fields', () => {
    const values = ['plain', 'with,comma', 'with "quote"', 'multi\nline', ''];
    const line = values.map((v) => formatCsvField(v)).join(',');
    expect(fieldsOf(feed(line.split('\n')))).toEqual([values]);
  });
});

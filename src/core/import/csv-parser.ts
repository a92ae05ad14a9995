import { err, ok, type Result } from '../shared/result.js';

/**
 * RFC 4180 CSV, fed one physical line at a time (as `readline` yields them, terminator removed).
 * Handles quoted fields, escaped quotes (`""`) and newlines inside quotes: a line that ends inside a
 * quoted field is held until the quote closes on a later line. Pure and streaming: memory holds one
 * record, never the file.
 *
 * Lenient where common exports are sloppy (as Python's csv module is): a quote inside an unquoted
 * field is kept as a character, and text after a closing quote is appended to the field.
 */
export interface CsvRecordParser {
  /**
   * Feeds one physical line. Returns the finished record, or null while a quoted field continues
   * on the next line. An error record comes back when a record grows past `maxRecordChars`.
   */
  pushLine(line: string): CsvRecordResult | null;
  /** End of input: an error when the last quoted field was never closed, else null. */
  finish(): CsvRecordResult | null;
}

export interface CsvRecord {
  readonly fields: string[];
  /** 1-based number of the physical line the record starts on. */
  readonly firstLine: number;
}

export interface CsvRecordError {
  readonly message: string;
  readonly firstLine: number;
}

export type CsvRecordResult = Result<CsvRecord, CsvRecordError>;

/** Largest record held while waiting for a closing quote (characters): 1 MiB of text. */
export const DEFAULT_MAX_RECORD_CHARS = 1_048_576;

export function createCsvRecordParser(opts: { readonly maxRecordChars?: number; readonly delimiter?: string } = {}): CsvRecordParser {
  const maxRecordChars = opts.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const delimiter = opts.delimiter ?? ',';
  let lineNo = 0;
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let recordChars = 0;
  let firstLine = 0;

  function reset(): void {
    fields = [];
    field = '';
    inQuotes = false;
    recordChars = 0;
  }

  return {
    pushLine(rawLine: string): CsvRecordResult | null {
      lineNo += 1;
      let line = rawLine;
      if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (inQuotes) {
        field += '\n';
      } else {
        firstLine = lineNo;
      }
      recordChars += line.length + 1;
      if (recordChars > maxRecordChars) {
        const started = firstLine;
        reset();
        return err({ message: `record longer than ${maxRecordChars} characters (unclosed quote?)`, firstLine: started });
      }
      let i = 0;
      const n = line.length;
      while (i < n) {
        const ch = line[i];
        if (inQuotes) {
          if (ch === '"') {
            if (line[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            inQuotes = false;
            i += 1;
            continue;
          }
          // Copy a run of ordinary characters at once.
          const next = line.indexOf('"', i);
          const end = next === -1 ? n : next;
          field += line.slice(i, end);
          i = end;
          continue;
        }
        if (ch === delimiter) {
          fields.push(field);
          field = '';
          i += 1;
          continue;
        }
        if (ch === '"' && field.length === 0) {
          inQuotes = true;
          i += 1;
          continue;
        }
        const next = line.indexOf(delimiter, i + 1);
        const end = next === -1 ? n : next;
        field += line.slice(i, end);
        i = end;
      }
      if (inQuotes) return null;
      fields.push(field);
      const record: CsvRecord = { fields, firstLine };
      reset();
      return ok(record);
    },
    finish(): CsvRecordResult | null {
      if (!inQuotes) return null;
      const started = firstLine;
      reset();
      return err({ message: 'file ends inside a quoted field', firstLine: started });
    },
  };
}

/** Parses one complete line (no embedded newlines); an error when a quote is left open. */
export function parseCsvLine(line: string, delimiter = ','): Result<string[], string> {
  const parser = createCsvRecordParser({ delimiter });
  const result = parser.pushLine(line);
  if (result === null) return err('unclosed quoted field');
  return result.ok ? ok(result.value.fields) : err(result.error.message);
}

/** Quotes a field when it needs it (delimiter, quote, CR or LF), doubling inner quotes. */
export function formatCsvField(value: string, delimiter = ','): string {
  if (value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r')) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

import { createCsvRecordParser } from '../../core/import/csv-parser.js';
import { openLineSource } from '../import/read-lines.js';
import { UsageError } from '../usage-error.js';

export interface TableFile {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A delimited file (plain or .gz) with a header row, whole in memory (eval tables are small). */
export async function readTableFile(path: string, delimiter: string): Promise<TableFile> {
  const source = await openLineSource(path);
  const parser = createCsvRecordParser({ delimiter });
  let header: string[] | null = null;
  const rows: string[][] = [];
  const take = (result: ReturnType<typeof parser.pushLine>): void => {
    if (result === null) return;
    if (!result.ok) throw new UsageError(`${path}: ${result.error.message} (line ${result.error.firstLine})`);
    if (header === null) header = result.value.fields.map((h) => h.trim());
    else if (result.value.fields.some((f) => f.trim() !== '')) rows.push(result.value.fields);
  };
  for await (const chunk of source.chunks) for (const line of chunk) take(parser.pushLine(line));
  take(parser.finish());
  if (header === null) throw new UsageError(`${path}: the file is empty (a header row is needed)`);
  return { header, rows };
}

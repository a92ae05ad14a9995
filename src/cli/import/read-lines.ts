import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UsageError } from '../usage-error.js';

/** A text file read line by line, gzip or not, with how far through the file we are. */
export interface LineSource {
  /** Lines in chunks (one chunk per block read), terminators removed (LF or CRLF). */
  readonly chunks: AsyncIterable<readonly string[]>;
  /** Bytes of the file consumed so far (compressed bytes for a .gz). */
  bytesRead(): number;
  readonly totalBytes: number;
  readonly gzip: boolean;
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buffer, 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function* splitLines(input: AsyncIterable<Buffer>): AsyncGenerator<readonly string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    const text = rest + decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline !== -1) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      lines.push(text.slice(start, end));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    if (lines.length > 0) yield lines;
  }
  rest += decoder.end();
  if (rest !== '') yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}

/** Fails early (usage error) when the file is missing or not a regular file: before any store is opened. */
export async function assertReadableFile(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path} is not a file`);
    const handle = await open(path, 'r');
    await handle.close();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    throw new UsageError(`cannot read ${path} (${code})`, { cause: e });
  }
}

/**
 * Streams a file (gzip detected by its magic bytes, not its name) without loading it: memory holds
 * one block at a time. A missing or unreadable file is a usage error.
 */
export async function openLineSource(path: string): Promise<LineSource> {
  let totalBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path} is not a file`);
    totalBytes = info.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    throw new UsageError(`cannot read ${path} (${code})`, { cause: e });
  }
  const gzip = totalBytes >= 2 && (await startsWithGzipMagic(path));
  let bytesRead = 0;
  const counted = async function* countBytes(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      bytesRead += chunk.length;
      yield chunk;
    }
  };
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  let input: AsyncIterable<Buffer>;
  if (gzip) {
    const gunzip = createGunzip();
    // An error in any stage ends the iteration over gunzip with that error.
    pipeline(file, counted, gunzip, () => undefined);
    input = gunzip;
  } else {
    input = counted(file);
  }
  return { chunks: splitLines(input), bytesRead: () => bytesRead, totalBytes, gzip };
}

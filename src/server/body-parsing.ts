import { createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-errors.js';
import type { TooLargeCode } from './route-config.js';

/**
 * Media types the ingest routes read as JSON. Segment's analytics-node sends application/json;
 * RudderStack's Node SDK labels its gzipped JSON application/x-www-form-urlencoded (an axios
 * default, see STACK.md); analytics.js in browsers sends text/plain to avoid a CORS preflight.
 */
export const INGEST_MEDIA_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'] as const;

/**
 * How far past the limit a compressed body is decompressed (and counted, never kept) to tell the
 * client its real size. Beyond this the answer is "more than N bytes": a gzip bomb costs at most
 * this much CPU and `limit` bytes of memory.
 */
const MEASURE_FACTOR = 16;

type Decoded =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'too_large'; readonly decodedBytes: number; readonly exact: boolean };

/**
 * Ingest routes: JSON under any of INGEST_MEDIA_TYPES, or with no Content-Type at all (curl without
 * -H); gzip/deflate bodies are decompressed first. Registered inside the ingest plugin only.
 */
export function registerIngestBodyParsers(instance: FastifyInstance): void {
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser([...INGEST_MEDIA_TYPES], { parseAs: 'buffer' }, async function parseIngestBody(request: FastifyRequest, raw: Buffer) {
    return parseJsonBody(request, raw, { emptyAs: null });
  });
  instance.addContentTypeParser('*', { parseAs: 'buffer' }, async function parseUnlabelledBody(request: FastifyRequest, raw: Buffer) {
    rejectUnsupportedMediaType(request, INGEST_MEDIA_TYPES);
    return parseJsonBody(request, raw, { emptyAs: null });
  });
}

/**
 * Every other route: application/json only. Accepting text/plain there would let a web page POST to
 * admin routes without a CORS preflight, riding on Basic credentials the browser has cached.
 */
export function registerJsonBodyParser(instance: FastifyInstance): void {
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('application/json', { parseAs: 'buffer' }, async function parseApiBody(request: FastifyRequest, raw: Buffer) {
    return parseJsonBody(request, raw, { emptyAs: undefined });
  });
  instance.addContentTypeParser('*', { parseAs: 'buffer' }, async function parseUnlabelledBody(request: FastifyRequest) {
    if (request.is404) return undefined;
    rejectUnsupportedMediaType(request, ['application/json']);
    throw new HttpError('ERR_BODY_MEDIA_TYPE_UNSUPPORTED', {
      message: 'This route reads a JSON body: send Content-Type: application/json',
    });
  });
}

function rejectUnsupportedMediaType(request: FastifyRequest, accepted: readonly string[]): void {
  if (request.headers['content-type'] === undefined) return;
  throw new HttpError('ERR_BODY_MEDIA_TYPE_UNSUPPORTED', {
    message: `This route reads JSON sent as ${accepted.join(', ')}`,
    details: [{ field: 'content-type', message: `accepted: ${accepted.join(', ')}` }],
  });
}

/** Decompresses (when Content-Encoding says so), enforces the decoded-size limit, and parses JSON. */
export async function parseJsonBody(
  request: FastifyRequest,
  raw: Buffer,
  opts: { readonly emptyAs: null | undefined },
): Promise<unknown> {
  // Unknown routes answer 404 whatever their body holds.
  if (request.is404) return undefined;
  const limitBytes = request.routeOptions.bodyLimit;
  const decoded = await decodeBody(raw, contentEncoding(request), limitBytes);
  if (decoded.kind === 'too_large') {
    throw tooLargeError({
      code: request.routeOptions.config.tooLargeCode ?? 'ERR_BODY_TOO_LARGE',
      receivedBytes: decoded.decodedBytes,
      exact: decoded.exact,
      limitBytes,
      afterDecompression: true,
    });
  }
  if (decoded.body.length === 0) return opts.emptyAs;
  return parseJsonText(decoded.body.toString('utf8'));
}

function contentEncoding(request: FastifyRequest): string {
  const header = request.headers['content-encoding'];
  return (typeof header === 'string' ? header : '').trim().toLowerCase();
}

export function tooLargeError(input: {
  readonly code: TooLargeCode;
  readonly receivedBytes: number | null;
  readonly exact: boolean;
  readonly limitBytes: number;
  readonly afterDecompression: boolean;
}): HttpError {
  const what = input.code === 'ERR_BATCH_TOO_LARGE' ? 'The batch' : 'The request body';
  const stage = input.afterDecompression ? ' after decompression' : '';
  const size =
    input.receivedBytes === null
      ? 'is larger than the limit'
      : `is ${input.exact ? '' : 'more than '}${input.receivedBytes} bytes${stage}`;
  return new HttpError(input.code, {
    message: `${what} ${size}; the limit is ${input.limitBytes} bytes`,
    details: [
      {
        field: null,
        message: 'Split the batch into smaller requests',
        limitBytes: input.limitBytes,
        receivedBytes: input.receivedBytes,
        receivedBytesExact: input.exact,
      },
    ],
  });
}

async function decodeBody(raw: Buffer, encoding: string, limitBytes: number): Promise<Decoded> {
  switch (encoding) {
    case '':
    case 'identity':
      return raw.length > limitBytes ? { kind: 'too_large', decodedBytes: raw.length, exact: true } : { kind: 'ok', body: raw };
    case 'gzip':
    case 'x-gzip':
      return inflateCapped(raw, () => createGunzip(), limitBytes);
    case 'deflate':
      // RFC 9110 says zlib-wrapped; some clients send raw deflate. Try the standard form first.
      return looksZlibWrapped(raw)
        ? inflateCapped(raw, () => createInflate(), limitBytes)
        : inflateCapped(raw, () => createInflateRaw(), limitBytes);
    default:
      throw new HttpError('ERR_BODY_ENCODING_UNSUPPORTED', {
        message: 'Supported Content-Encoding values: gzip, deflate, identity',
        details: [{ field: 'content-encoding', message: 'accepted: gzip, deflate, identity' }],
      });
  }
}

/** A zlib stream starts with CMF=0x?8 and a header checksum divisible by 31 (RFC 1950). */
function looksZlibWrapped(raw: Buffer): boolean {
  const cmf = raw[0];
  const flg = raw[1];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}

/**
 * Inflates `raw`, keeping at most `limitBytes` of output. Past the limit it keeps counting (without
 * keeping) up to MEASURE_FACTOR × limit to report the size, then stops.
 */
function inflateCapped(raw: Buffer, createStream: () => Transform, limitBytes: number): Promise<Decoded> {
  return new Promise<Decoded>((resolve, reject) => {
    const stream = createStream();
    const chunks: Buffer[] = [];
    const measureCapBytes = limitBytes * MEASURE_FACTOR;
    let totalBytes = 0;
    let settled = false;
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      totalBytes += chunk.length;
      if (totalBytes <= limitBytes) chunks.push(chunk);
      if (totalBytes > measureCapBytes) {
        settled = true;
        stream.destroy();
        resolve({ kind: 'too_large', decodedBytes: measureCapBytes, exact: false });
      }
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(
        totalBytes > limitBytes
          ? { kind: 'too_large', decodedBytes: totalBytes, exact: true }
          : { kind: 'ok', body: Buffer.concat(chunks, totalBytes) },
      );
    });
    stream.on('error', (cause: unknown) => {
      if (settled) return;
      settled = true;
      reject(
        new HttpError('ERR_BODY_DECOMPRESSION_FAILED', {
          message: 'The body is not valid for its Content-Encoding',
          details: [{ field: 'content-encoding', message: 'the compressed data is corrupt or truncated' }],
          cause,
        }),
      );
    });
    stream.end(raw);
  });
}

/**
 * JSON.parse, plus: `__proto__` keys are dropped (they would become own properties that a later
 * merge could turn into prototype pollution). The reviver only runs when the text contains one.
 */
export function parseJsonText(text: string): unknown {
  try {
    return text.includes('"__proto__"') ? JSON.parse(text, dropProtoKeys) : JSON.parse(text);
  } catch (cause: unknown) {
    // V8's message quotes part of the body; only the position goes back to the client.
    const position = cause instanceof Error ? /position (\d+)/.exec(cause.message)?.[1] : undefined;
    throw new HttpError('ERR_BODY_INVALID_JSON', {
      message: position === undefined ? 'The request body is not valid JSON' : `The request body is not valid JSON (at position ${position})`,
      cause,
    });
  }
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

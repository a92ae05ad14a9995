/**
 * The TemplateRenderer port on liquidjs. Templates and data are both treated as hostile:
 * - no file system: the `include`, `render` and `layout` tags are refused at compile time, and the
 *   engine is given an empty in-memory template map, so no lookup can ever reach the disk;
 * - no prototype reads (`ownPropertyOnly`), and data is copied into fresh plain objects first: keys
 *   that JavaScript or liquidjs treat specially (`__proto__`, `constructor`, `toString` ...) are dropped,
 *   non-JSON values become null, nesting deeper than `maxDataDepth` is cut;
 * - unknown filters are compile errors (`strictFilters`); missing variables render empty, so
 *   `{{ traits.first_name | default: "there" }}` gives the fallback;
 * - HTML escaping of every output by default, decided per render; the `raw` filter is removed, so
 *   nothing in a template can opt out of escaping;
 * - limits: template length (`parseLimit` plus a clear check of our own), render time
 *   (`renderLimit`), allocations in filters and ranges (`memoryLimit`), and output length (a bounded
 *   emitter that stops the render as soon as the output passes `maxOutputLength`).
 */
import { Context, Liquid, Tag, toValueSync } from 'liquidjs';
import type { Emitter, TagToken, TopLevelToken, Template } from 'liquidjs';
import type { JsonObject, JsonValue } from '../../core/shared/json.js';
import type {
  CompiledTemplate,
  TemplateData,
  TemplateError,
  TemplateEscape,
  TemplateRenderError,
  TemplateRenderer,
  TemplateRenderOptions,
} from '../../ports/template-renderer.js';

export interface LiquidTemplateRendererOptions {
  /** Longest template source accepted, in characters. Default 20,000. */
  readonly maxTemplateLength?: number;
  /** Longest output a render may produce, in characters; a longer one stops the render. Default 100,000. */
  readonly maxOutputLength?: number;
  /** Time budget of one render, in milliseconds. Default 100. */
  readonly renderTimeMs?: number;
  /** liquidjs' allocation budget of one render (string filters, ranges, joins). Default 1,000,000. */
  readonly memoryLimit?: number;
  /** Data nested deeper than this is cut (the value becomes null). Default 32. */
  readonly maxDataDepth?: number;
  /** Time zone offset of the `date` filter, in minutes (liquidjs semantics). Default 0 (UTC). */
  readonly timezoneOffset?: number;
}

/** Tags that would load another template (from disk or a map): refused, templates are self-contained. */
const REFUSED_TAGS = ['include', 'render', 'layout'] as const;

/**
 * Keys dropped from data: prototype plumbing, and names that JavaScript or liquidjs call as methods
 * when converting a value (a `toString` key holding a string makes `String(obj)` throw).
 */
const DROPPED_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'toLocaleString',
  'toJSON',
  'toLiquid',
  'toValue',
  'liquidMethodMissing',
]);

const POSITION_SUFFIX = /, line:\d+, col:\d+$/;

/** Escape table of the `html` mode: the five characters that matter in text and attribute values. */
const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** The escape mode of each live render, read by the engine's output-escape hook. */
const escapeModes = new WeakMap<object, TemplateEscape>();

class RenderFailure extends Error implements TemplateRenderError {
  override readonly name = 'TemplateRenderError' as const;
  readonly reason: 'limit' | 'runtime';

  constructor(message: string, reason: 'limit' | 'runtime') {
    super(message);
    this.reason = reason;
  }
}

/** Stops the render as soon as the output passes the limit, instead of building it first. */
class BoundedEmitter implements Emitter {
  buffer = '';
  exceeded = false;
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  write(html: unknown): void {
    const text = typeof html === 'string' ? html : stringifyOutput(html);
    if (this.buffer.length + text.length > this.#limit) {
      this.exceeded = true;
      throw new Error('output length limit exceeded');
    }
    this.buffer += text;
  }
}

/** What Liquid writes for a value: strings as is, nil as nothing, arrays joined. */
function stringifyOutput(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(stringifyOutput).join('');
  if (typeof value === 'object') return '[object Object]';
  return String(value);
}

/**
 * A fresh copy of the data holding only JSON: own enumerable string keys, minus DROPPED_KEYS, into
 * ordinary objects (so output of an object reads "[object Object]" and never throws).
 */
function sanitize(value: unknown, depth: number): JsonValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object': {
      if (depth <= 0) return null;
      if (Array.isArray(value)) return value.map((item) => sanitize(item, depth - 1));
      const out: JsonObject = {};
      for (const key of Object.keys(value)) {
        if (DROPPED_KEYS.has(key)) continue;
        const item = (value as Record<string, unknown>)[key];
        Object.defineProperty(out, key, { value: sanitize(item, depth - 1), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    default:
      return null; // functions, symbols, bigints, undefined: not JSON
  }
}

function toTemplateError(error: unknown): TemplateError {
  const e = error as { message?: unknown; originalError?: { message?: unknown }; token?: { getPosition?: () => number[] } };
  const raw = typeof e.originalError?.message === 'string' ? e.originalError.message : typeof e.message === 'string' ? e.message : String(error);
  const message = raw.replace(POSITION_SUFFIX, '');
  const position = typeof e.token?.getPosition === 'function' ? e.token.getPosition() : [];
  return { message, line: position[0] ?? 1, column: position[1] ?? 1 };
}

function createRefusedTag(name: string): new (token: TagToken, remain: TopLevelToken[], liquid: Liquid) => Tag {
  return class RefusedTag extends Tag {
    constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
      super(token, remain, liquid);
      throw new Error(`the "${name}" tag is not allowed: a template cannot load other templates or files`);
    }

    *render(): Generator<unknown, void, unknown> {
      // never reached: the constructor refuses the tag at compile time
    }
  };
}

/** The output hook: HTML-escapes in `html` mode, passes values through in `none` mode. */
function escapeOutput(this: { context: { memoryLimit: { use(count: number): void } } }, value: unknown): string {
  const text = stringifyOutput(value);
  if (escapeModes.get(this.context) === 'none') return text;
  this.context.memoryLimit.use(text.length);
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

export function createLiquidTemplateRenderer(options: LiquidTemplateRendererOptions = {}): TemplateRenderer {
  const maxTemplateLength = options.maxTemplateLength ?? 20_000;
  const maxOutputLength = options.maxOutputLength ?? 100_000;
  const renderTimeMs = options.renderTimeMs ?? 100;
  const memoryLimit = options.memoryLimit ?? 1_000_000;
  const maxDataDepth = options.maxDataDepth ?? 32;

  const liquid = new Liquid({
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    outputEscape: escapeOutput,
    templates: {}, // lookups go to an empty in-memory map, never to the file system
    relativeReference: false,
    dynamicPartials: false,
    jsTruthy: false,
    cache: false,
    parseLimit: maxTemplateLength,
    renderLimit: renderTimeMs,
    memoryLimit,
    timezoneOffset: options.timezoneOffset ?? 0,
  });
  for (const name of REFUSED_TAGS) liquid.registerTag(name, createRefusedTag(name));
  liquid.unregisterFilter('raw'); // nothing may opt out of escaping

  // The clean copy of a data object, made once however many templates render it (a decision
  // renders its subject, body and text from one object). Keyed by identity: callers build a fresh
  // object per message and do not change it afterwards.
  const cleaned = new WeakMap<object, JsonValue>();
  function render(templates: Template[], data: TemplateData, opts: TemplateRenderOptions | undefined): string {
    let scope = cleaned.get(data);
    if (scope === undefined) {
      scope = sanitize(data, maxDataDepth);
      cleaned.set(data, scope);
    }
    const context = new Context(scope as object, liquid.options, { sync: true }, { liquid });
    escapeModes.set(context, opts?.escape ?? 'html');
    const emitter = new BoundedEmitter(maxOutputLength);
    try {
      toValueSync(liquid.renderer.renderTemplates(templates, context, emitter));
    } catch (error) {
      const { message } = toTemplateError(error);
      const limit = emitter.exceeded || /limit exceeded|Invalid string length|Maximum call stack/.test(message);
      throw new RenderFailure(`template render failed: ${message}`, limit ? 'limit' : 'runtime');
    }
    return emitter.buffer;
  }

  return {
    compile(source: string): CompiledTemplate | TemplateError {
      if (source.length > maxTemplateLength) {
        return { message: `template is ${source.length} characters long, over the limit of ${maxTemplateLength}`, line: 1, column: 1 };
      }
      let templates: Template[];
      try {
        templates = liquid.parse(source);
      } catch (error) {
        const refusal = toTemplateError(error);
        return /Maximum call stack/.test(refusal.message) ? { ...refusal, message: 'template nests too deeply' } : refusal;
      }
      return { render: (data, opts) => render(templates, data, opts) };
    },
  };
}

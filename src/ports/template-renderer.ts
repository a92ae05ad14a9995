import type { JsonObject } from '../core/shared/json.js';

/**
 * Message templates (issue 6): a port, so that core and app stay free of packages while an adapter
 * (adapters/liquid) brings the template language. Templates are written by workspace users and the
 * data they read holds end-user input (traits), so an implementation treats both as hostile: a
 * template never runs code, never reads a file or another template, never reads past the own
 * properties of its data (no prototype members), and is bounded in size, output and time.
 */

/**
 * What a template may read: plain JSON, passed by value. The decision API passes `traits`,
 * `features`, `segments`, `predicted`, `recommendations`, `offer`, `channel` and `now`
 * (docs/templates.md describes the shape). Nothing else is visible to a template.
 */
export type TemplateData = JsonObject;

/**
 * How output values are written. `html` (the default) HTML-escapes every `{{ }}` output, for email
 * bodies, web and in-app messages; `none` writes values as they are, for plain-text channels (email
 * subject, SMS, chatbot), whose receiver does not interpret HTML. Literal template text is never changed.
 */
export type TemplateEscape = 'html' | 'none';

export interface TemplateRenderOptions {
  readonly escape: TemplateEscape;
}

/**
 * Why a template was refused: a syntax error, an unknown filter, a refused tag (include, render,
 * layout) or a template over the size limit. `line` and `column` are 1-based and point at the
 * offending tag or output; an error about the whole template (its size) points at 1:1.
 */
export interface TemplateError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Why a render stopped: a limit was hit (render time, output length, memory) or a runtime error
 * came from the template itself. Data values never cause one. It is thrown by `render`, with
 * `name === 'TemplateRenderError'` so that a caller can tell it from a bug without importing the adapter.
 */
export interface TemplateRenderError extends Error {
  readonly name: 'TemplateRenderError';
  readonly reason: 'limit' | 'runtime';
}

/** A template that compiled: render it as many times as needed, with any data. */
export interface CompiledTemplate {
  /**
   * Renders synchronously. The data object is read, never changed; an implementation may keep a
   * cleaned copy of it for the next render of the same object, so do not change it between renders. Missing variables render empty (use `| default:` for fallbacks).
   * Throws a TemplateRenderError only when a limit is hit or the template fails at run time.
   */
  render(data: TemplateData, opts?: TemplateRenderOptions): string;
}

/**
 * Compiles template sources. `compile` validates the whole template up front; tell the outcomes
 * apart with `'render' in result`.
 */
export interface TemplateRenderer {
  compile(source: string): CompiledTemplate | TemplateError;
}

/**
 * The dependency rules of STYLE.md 2.2, enforced by a machine (GrowthBook's ESLint zones, without a
 * dependency): every import/export-from specifier of every file under src/ is classified and checked
 * against the table below; cycles, process.env outside the config loader, and `.only` in tests fail.
 * Comments are stripped first; strings are kept, so specifiers are read exactly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

/**
 * Core modules in dependency order: a module may import core/shared and the modules before it,
 * never one after it. A new core module must be placed here.
 */
const CORE_ORDER = ['events', 'catalog', 'auth', 'identity', 'profiles', 'features', 'segments', 'models', 'recs', 'decisions', 'experiments', 'import'] as const;

/** The database driver each adapter may use besides node:* (none for memory). */
const ADAPTER_DRIVERS: Readonly<Record<string, readonly string[]>> = {
  sqlite: ['better-sqlite3'],
  memory: [],
  postgres: ['pg', 'pg-copy-streams'],
  liquid: ['liquidjs'],
};

/** Packages the HTTP face is built on. */
const SERVER_PACKAGES: readonly string[] = ['fastify', '@fastify/swagger', '@fastify/swagger-ui', 'fastify-type-provider-zod', 'zod'];

// ---------------------------------------------------------------------------------------------
// Reading sources

function listFiles(dir: string, accept: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...listFiles(path, accept));
    } else if (accept(path)) {
      out.push(path);
    }
  }
  return out.sort();
}

const REGEX_PRECEDERS = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);

/**
 * Removes // and block comments, keeping string, template and regex literals intact (a `//` inside
 * 'http://...' or /\/\// is not a comment). Newlines are kept so statement starts stay visible.
 */
export function stripComments(source: string): string {
  let out = '';
  let i = 0;
  let lastSignificant = '';
  const n = source.length;
  while (i < n) {
    const ch = source[i] ?? '';
    const next = source[i + 1] ?? '';
    if (ch === '/' && next === '/') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, '');
      i = stop;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < n && source[j] !== ch) {
        if (source[j] === '\\') j++;
        j++;
      }
      out += source.slice(i, j + 1);
      i = j + 1;
      lastSignificant = ch;
      continue;
    }
    if (ch === '/' && (lastSignificant === '' || REGEX_PRECEDERS.has(lastSignificant) || /\b(return|typeof|case|in|of)$/.test(out.trimEnd()))) {
      let j = i + 1;
      let inClass = false;
      while (j < n && source[j] !== '\n') {
        const c = source[j];
        if (c === '\\') j++;
        else if (c === '[') inClass = true;
        else if (c === ']') inClass = false;
        else if (c === '/' && !inClass) break;
        j++;
      }
      out += source.slice(i, j + 1);
      i = j + 1;
      lastSignificant = '/';
      continue;
    }
    out += ch;
    if (!/\s/.test(ch)) lastSignificant = ch;
    i++;
  }
  return out;
}

interface ImportEdge {
  readonly specifier: string;
  /** `import type` / `export type ... from`: erased at runtime. */
  readonly typeOnly: boolean;
}

const STATIC_FROM = /(?:^|[\n;])\s*(import|export)\s+(type\s+)?((?:(?!\b(?:import|export)\b)[^;'"`])*?)\bfrom\s*['"]([^'"]+)['"]/g;
const SIDE_EFFECT = /(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

export function readImports(source: string): ImportEdge[] {
  const code = stripComments(source);
  const edges: ImportEdge[] = [];
  for (const m of code.matchAll(STATIC_FROM)) edges.push({ specifier: m[4] ?? '', typeOnly: m[2] !== undefined });
  for (const m of code.matchAll(SIDE_EFFECT)) edges.push({ specifier: m[1] ?? '', typeOnly: false });
  for (const m of code.matchAll(DYNAMIC)) edges.push({ specifier: m[1] ?? '', typeOnly: false });
  return edges;
}

// ---------------------------------------------------------------------------------------------
// Classifying

type Target =
  | { readonly kind: 'file'; readonly path: string; readonly area: string }
  | { readonly kind: 'outside'; readonly path: string }
  | { readonly kind: 'node'; readonly name: string }
  | { readonly kind: 'package'; readonly name: string };

const BUILTINS = new Set(builtinModules);

/** The area of a file under src/: core/<module>, ports, app, adapters/<name>, server, cli, config, main. */
export function areaOf(absolutePath: string): string {
  const parts = relative(SRC, absolutePath).split(sep);
  const [top, second] = parts;
  if (top === 'core' || top === 'adapters') return `${top}/${second ?? ''}`;
  if (top === 'main.ts') return 'main';
  return top ?? '';
}

function classify(fromFile: string, specifier: string): Target {
  if (specifier.startsWith('.')) {
    const path = resolve(dirname(fromFile), specifier).replace(/\.js$/, '.ts');
    const rel = relative(SRC, path);
    if (rel.startsWith('..')) return { kind: 'outside', path: relative(ROOT, path) };
    return { kind: 'file', path, area: areaOf(path) };
  }
  if (specifier.startsWith('node:')) return { kind: 'node', name: specifier };
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier);
  if (BUILTINS.has(name)) return { kind: 'node', name: `node:${name}` };
  return { kind: 'package', name };
}

function coreIndex(area: string): number {
  return (CORE_ORDER as readonly string[]).indexOf(area.slice('core/'.length));
}

/** Why an edge is forbidden, or null when the table allows it. */
export function violation(fromArea: string, target: Target, typeOnly: boolean): string | null {
  if (fromArea === 'main') return target.kind === 'outside' ? 'imports from outside src/' : null;
  if (target.kind === 'outside') return 'imports from outside src/';
  const toArea = target.kind === 'file' ? target.area : null;

  if (fromArea.startsWith('core/')) {
    if (target.kind === 'node') return 'core is pure: no node:* modules';
    if (target.kind === 'package') return target.name === 'zod' ? null : `core may use only zod, not ${target.name}`;
    if (toArea === fromArea || toArea === 'core/shared') return null;
    if (fromArea === 'core/shared') return `core/shared imports nothing but zod (found ${toArea ?? '?'})`;
    if (toArea === null || !toArea.startsWith('core/')) return `core may not import ${toArea ?? '?'}`;
    const from = coreIndex(fromArea);
    const to = coreIndex(toArea);
    if (from === -1) return `${fromArea} is not in CORE_ORDER: add it to the dependency order`;
    if (to === -1) return `${toArea} is not in CORE_ORDER: add it to the dependency order`;
    return to < from ? null : `${fromArea} may not import ${toArea}, which comes after it (${CORE_ORDER.join(' → ')})`;
  }

  if (fromArea === 'ports') {
    if (target.kind !== 'file') return `ports are types only: no ${target.kind === 'node' ? target.name : target.name}`;
    if (toArea === 'ports') return null;
    if (toArea?.startsWith('core/') === true) return typeOnly ? null : 'ports import core with `import type` only';
    return `ports may not import ${toArea ?? '?'}`;
  }

  if (fromArea === 'app') {
    if (target.kind === 'node') return target.name === 'node:crypto' ? null : `app may use node:crypto only, not ${target.name}`;
    if (target.kind === 'package') return `app may not use packages (${target.name})`;
    if (toArea === 'app' || toArea === 'ports' || toArea?.startsWith('core/') === true) return null;
    return `app may not import ${toArea ?? '?'}`;
  }

  if (fromArea.startsWith('adapters/')) {
    const name = fromArea.slice('adapters/'.length);
    if (target.kind === 'node') return null;
    if (target.kind === 'package') {
      return (ADAPTER_DRIVERS[name] ?? []).includes(target.name) ? null : `${fromArea} may use only its driver, not ${target.name}`;
    }
    if (toArea === fromArea || toArea === 'ports' || toArea?.startsWith('core/') === true) return null;
    return `${fromArea} may not import ${toArea ?? '?'}`;
  }

  if (fromArea === 'server' || fromArea === 'cli') {
    if (target.kind === 'node') return null;
    if (target.kind === 'package') {
      return fromArea === 'server' && SERVER_PACKAGES.includes(target.name) ? null : `${fromArea} may not use ${target.name}`;
    }
    if (toArea === fromArea || toArea === 'app' || toArea === 'config' || toArea?.startsWith('core/') === true) return null;
    if (toArea === 'ports') return typeOnly ? null : `${fromArea} imports ports with \`import type\` only`;
    if (toArea?.startsWith('adapters/') === true) return `${fromArea} must never import adapters (main.ts passes them in)`;
    return `${fromArea} may not import ${toArea ?? '?'}`;
  }

  if (fromArea === 'config') {
    if (target.kind === 'node') return null;
    if (target.kind === 'package') return target.name === 'zod' ? null : `config may use only zod, not ${target.name}`;
    if (toArea === 'config' || toArea === 'core/shared') return null;
    return `config may not import ${toArea ?? '?'}`;
  }

  return `no rule for files in src/${fromArea}: add the area to the dependency table`;
}

// ---------------------------------------------------------------------------------------------
// The checks

const isTest = (path: string): boolean => path.endsWith('.test.ts');
const sourceFiles = listFiles(SRC, (p) => p.endsWith('.ts') && !isTest(p));
const rel = (path: string): string => relative(ROOT, path).split(sep).join('/');

interface GraphEdge {
  readonly from: string;
  readonly to: Target;
  readonly typeOnly: boolean;
  readonly specifier: string;
}

const edges: GraphEdge[] = sourceFiles.flatMap((file) =>
  readImports(readFileSync(file, 'utf8')).map((edge) => ({ from: file, to: classify(file, edge.specifier), typeOnly: edge.typeOnly, specifier: edge.specifier })),
);

/** Strongly connected components of more than one file (or a file importing itself): Tarjan. */
function findCycles(nodes: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, indexOf.get(w) ?? 0));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of nodes) if (!indexOf.has(v)) visit(v);
  return cycles;
}

describe('architecture: import boundaries (STYLE.md 2.2)', () => {
  it('finds the source files and their imports (the scanner works)', () => {
    expect(sourceFiles.length).toBeGreaterThan(20);
    expect(edges.length).toBeGreaterThan(50);
    expect(readImports("import type { A } from './a.js';\nexport { b } from \"./b.js\";\nimport './c.js';\nconst d = await import('./d.js');")).toEqual([
      { specifier: './a.js', typeOnly: true },
      { specifier: './b.js', typeOnly: false },
      { specifier: './c.js', typeOnly: false },
      { specifier: './d.js', typeOnly: false },
    ]);
    expect(readImports("// import x from 'commented';\nconst url = 'http://x'; /* import y from 'z' */\nconst re = /\\/\\/'/;\nimport {\n  a,\n  type B,\n} from 'zod';")).toEqual([
      { specifier: 'zod', typeOnly: false },
    ]);
  });

  it('has no edge the dependency table forbids', () => {
    const problems = edges.flatMap((edge) => {
      const reason = violation(areaOf(edge.from), edge.to, edge.typeOnly);
      return reason === null ? [] : [`${rel(edge.from)} → '${edge.specifier}': ${reason}`];
    });
    expect(problems).toEqual([]);
  });

  it('flags forbidden edges (the rules themselves)', () => {
    const file = (area: string): Target => ({ kind: 'file', path: '', area });
    expect(violation('core/events', { kind: 'node', name: 'node:crypto' }, false)).toMatch(/pure/);
    expect(violation('core/events', file('core/profiles'), true)).toMatch(/comes after/);
    expect(violation('core/import', file('core/events'), false)).toBeNull();
    expect(violation('core/import', file('core/catalog'), false)).toBeNull();
    expect(violation('core/shared', file('core/events'), false)).toMatch(/nothing but zod/);
    expect(violation('ports', file('core/events'), false)).toMatch(/import type/);
    expect(violation('app', { kind: 'node', name: 'node:fs' }, false)).toMatch(/node:crypto only/);
    expect(violation('cli', file('adapters/sqlite'), false)).toMatch(/never import adapters/);
    expect(violation('server', file('adapters/memory'), true)).toMatch(/never import adapters/);
    expect(violation('cli', file('ports'), false)).toMatch(/import type/);
    expect(violation('cli', file('server'), false)).not.toBeNull();
    expect(violation('adapters/memory', { kind: 'package', name: 'better-sqlite3' }, false)).not.toBeNull();
    expect(violation('main', file('adapters/sqlite'), false)).toBeNull();
  });

  it('has no import cycle', () => {
    const next = new Map<string, string[]>();
    for (const edge of edges) {
      if (edge.to.kind !== 'file') continue;
      const list = next.get(edge.from) ?? [];
      list.push(edge.to.path);
      next.set(edge.from, list);
    }
    expect(findCycles(sourceFiles, next).map((cycle) => cycle.map(rel))).toEqual([]);
  });

  it('lets only main.ts import the config loader', () => {
    const loader = join(SRC, 'config', 'load-config.ts');
    const importers = edges.filter((e) => e.to.kind === 'file' && e.to.path === loader).map((e) => rel(e.from));
    expect(importers.filter((f) => f !== 'src/main.ts')).toEqual([]);
  });
});

describe('architecture: environment and tests', () => {
  it('reads process.env only in src/config/load-config.ts', () => {
    const offenders = listFiles(SRC, (p) => p.endsWith('.ts'))
      .filter((file) => /\bprocess\s*(\.\s*env\b|\[\s*['"`]env['"`]\s*\])/.test(stripComments(readFileSync(file, 'utf8'))))
      .map(rel)
      .filter((file) => file !== 'src/config/load-config.ts');
    expect(offenders).toEqual([]);
  });

  it('has no .only in any test', () => {
    const only = new RegExp(`\\b(describe|it|test|suite|bench)\\.${'only'}\\s*\\(`);
    const testFiles = [
      ...listFiles(SRC, isTest),
      ...listFiles(join(ROOT, 'test'), (p) => p.endsWith('.ts')),
    ];
    const offenders = testFiles.filter((file) => only.test(stripComments(readFileSync(file, 'utf8')))).map(rel);
    expect(offenders).toEqual([]);
  });
});

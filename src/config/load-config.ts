import { readFileSync } from 'node:fs';
import { isJsonObject, type JsonObject } from '../core/shared/json.js';
import { err, ok, type Result } from '../core/shared/result.js';
import { CONFIG_FILE_ENV, CONFIG_FILE_FLAG, listConfigSettings, type ConfigSetting } from './config-settings.js';
import type { ConfigFlags, ConfigLayer } from './config-input.js';
import { ConfigSchema, type Config } from './config.schema.js';
import { defaultStorageUrl, parseStorageUrl } from './storage-url.js';

export interface LoadConfigInput {
  /** The environment; defaults to process.env. Tests pass their own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Command-line flags (see ConfigFlags). */
  readonly argv?: ConfigFlags;
  /**
   * The config file's parsed contents. When absent, the file named by --config or ATTUNE_CONFIG is
   * read (JSON); when neither is set there is no file.
   */
  readonly file?: unknown;
  /** Defaults of the running command (e.g. `demo` uses ./data/demo), between the schema's defaults and the file. */
  readonly commandDefaults?: ConfigLayer;
}

type Source = { readonly kind: 'flag' | 'env' | 'file' | 'command'; readonly name: string };

function describeSource(source: Source | undefined): string {
  if (source === undefined) return '';
  switch (source.kind) {
    case 'flag':
      return ` (from flag ${source.name})`;
    case 'env':
      return ` (from ${source.name})`;
    case 'file':
      return ` (from ${source.name})`;
    case 'command':
      return '';
  }
}

function flagName(flag: string): string {
  return flag.replace(/^--/, '');
}

/** Environment and flag values are text; numbers and booleans are converted, anything unreadable is a problem. */
function coerce(setting: ConfigSetting, text: string, origin: string, problems: string[]): unknown {
  switch (setting.type) {
    case 'string':
      return text;
    case 'integer':
    case 'number': {
      const trimmed = text.trim();
      const pattern = setting.type === 'integer' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
      if (!pattern.test(trimmed)) {
        problems.push(`${setting.key}: ${origin} must be ${setting.type === 'integer' ? 'an integer' : 'a number'}`);
        return undefined;
      }
      return Number(trimmed);
    }
    case 'boolean': {
      const word = text.trim().toLowerCase();
      if (word === 'true' || word === '1') return true;
      if (word === 'false' || word === '0') return false;
      problems.push(`${setting.key}: ${origin} must be true or false`);
      return undefined;
    }
  }
}

function setPath(target: Record<string, unknown>, path: readonly [string, string], value: unknown): void {
  const [area, name] = path;
  const existing = target[area];
  const areaObject: Record<string, unknown> = isPlainObject(existing) ? existing : {};
  areaObject[name] = value;
  target[area] = areaObject;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function readConfigFile(path: string, problems: string[]): JsonObject | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    problems.push(`config file ${path}: cannot be read (${code})`);
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isJsonObject(parsed)) {
      problems.push(`config file ${path}: must hold a JSON object`);
      return null;
    }
    return parsed;
  } catch (e) {
    problems.push(`config file ${path}: not valid JSON (${e instanceof Error ? e.message : 'parse error'})`);
    return null;
  }
}

function recordSources(sources: Map<string, Source>, layer: Readonly<Record<string, unknown>>, source: Source): void {
  for (const [area, value] of Object.entries(layer)) {
    if (!isPlainObject(value)) continue;
    for (const name of Object.keys(value)) sources.set(`${area}.${name}`, source);
  }
}

/**
 * Builds the configuration from, in rising precedence: the schema's defaults, the command's own
 * defaults, the config file, the environment (ATTUNE_*), and command-line flags. Validates all of it
 * at once and returns every problem, each naming the key and where its value came from (values of
 * secrets are never echoed). The only code in Attune that reads process.env; only main.ts calls it.
 */
export function loadConfig(input: LoadConfigInput = {}): Result<Config, string[]> {
  const env = input.env ?? process.env;
  const argv = input.argv ?? {};
  const problems: string[] = [];
  const settings = listConfigSettings();
  const sources = new Map<string, Source>();

  let merged: Record<string, unknown> = {};
  if (input.commandDefaults !== undefined) {
    merged = deepMerge(merged, input.commandDefaults);
    recordSources(sources, input.commandDefaults, { kind: 'command', name: 'command default' });
  }

  let fileContents: unknown = input.file;
  let fileName = 'config file';
  if (fileContents === undefined) {
    const flagPath = argv[flagName(CONFIG_FILE_FLAG)];
    const envPath = env[CONFIG_FILE_ENV];
    const path = flagPath !== undefined && flagPath !== '' ? flagPath : envPath !== undefined && envPath !== '' ? envPath : null;
    if (path !== null) {
      fileName = `config file ${path}`;
      fileContents = readConfigFile(path, problems) ?? undefined;
    }
  }
  if (fileContents !== undefined) {
    if (isPlainObject(fileContents)) {
      merged = deepMerge(merged, fileContents);
      recordSources(sources, fileContents, { kind: 'file', name: fileName });
    } else {
      problems.push(`${fileName}: must hold a JSON object`);
    }
  }

  const envLayer: Record<string, unknown> = {};
  const flagLayer: Record<string, unknown> = {};
  for (const setting of settings) {
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      const value = coerce(setting, fromEnv, setting.env, problems);
      if (value !== undefined) {
        setPath(envLayer, setting.path, value);
        sources.set(setting.key, { kind: 'env', name: setting.env });
      }
    }
    if (setting.flag !== null) {
      const fromFlag = argv[flagName(setting.flag)];
      if (fromFlag !== undefined) {
        const value = coerce(setting, fromFlag, `flag ${setting.flag}`, problems);
        if (value !== undefined) {
          setPath(flagLayer, setting.path, value);
          sources.set(setting.key, { kind: 'flag', name: setting.flag });
        }
      }
    }
  }
  merged = deepMerge(deepMerge(merged, envLayer), flagLayer);

  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.');
      const source = issue.code === 'unrecognized_keys' && fileContents !== undefined ? { kind: 'file' as const, name: fileName } : sources.get(key);
      problems.push(`${key === '' ? '(config)' : key}: ${issue.message}${describeSource(source)}`);
    }
  }
  if (problems.length > 0 || !parsed.success) return err(problems);

  const config = parsed.data;
  const url = config.storage.url ?? defaultStorageUrl(config.storage.dataDir);
  const location = parseStorageUrl(url);
  if (!location.ok) return err([`storage.url: ${location.error}${describeSource(sources.get('storage.url'))}`]);
  return ok({ ...config, storage: { ...config.storage, url } });
}

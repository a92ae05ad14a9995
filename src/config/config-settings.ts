import { z } from 'zod';
import { ConfigSchema } from './config.schema.js';

/** One leaf of the configuration, as documented and as loadConfig reads it from env and flags. */
export interface ConfigSetting {
  /** Dotted path, e.g. "server.port". */
  readonly key: string;
  readonly path: readonly [string, string];
  readonly env: string;
  /** e.g. "--port"; null when the setting has no flag. */
  readonly flag: string | null;
  readonly description: string;
  /** The schema default; undefined when the setting has none (optional). */
  readonly defaultValue: string | number | boolean | undefined;
  readonly type: 'string' | 'integer' | 'number' | 'boolean';
  /** Allowed values for enums; null otherwise. */
  readonly values: readonly string[] | null;
  /** Secrets are never printed (docs say so; problems do not echo them). */
  readonly secret: boolean;
}

/** Also read: the file named by ATTUNE_CONFIG or --config (JSON, same shape as the schema). */
export const CONFIG_FILE_ENV = 'ATTUNE_CONFIG';
export const CONFIG_FILE_FLAG = '--config';

interface JsonSchemaNode {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly env?: unknown;
  readonly flag?: unknown;
  readonly secret?: unknown;
}

function isNode(value: unknown): value is JsonSchemaNode {
  return typeof value === 'object' && value !== null;
}

let cached: readonly ConfigSetting[] | null = null;

/** Every setting of ConfigSchema, in schema order, from the schema's JSON Schema with its metadata. */
export function listConfigSettings(): readonly ConfigSetting[] {
  if (cached !== null) return cached;
  const root: unknown = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'throw' });
  if (!isNode(root) || root.properties === undefined) throw new Error('config schema has no properties');
  const settings: ConfigSetting[] = [];
  for (const [area, areaNode] of Object.entries(root.properties)) {
    if (areaNode.properties === undefined) throw new Error(`config area ${area} is not an object`);
    for (const [name, leaf] of Object.entries(areaNode.properties)) {
      const key = `${area}.${name}`;
      if (typeof leaf.env !== 'string' || typeof leaf.description !== 'string') {
        throw new Error(`config setting ${key} lacks env or description metadata`);
      }
      const values = leaf.enum === undefined ? null : leaf.enum.map(String);
      const type = leaf.type === 'integer' || leaf.type === 'number' || leaf.type === 'boolean' ? leaf.type : 'string';
      const defaultValue =
        typeof leaf.default === 'string' || typeof leaf.default === 'number' || typeof leaf.default === 'boolean' ? leaf.default : undefined;
      settings.push({
        key,
        path: [area, name],
        env: leaf.env,
        flag: typeof leaf.flag === 'string' ? leaf.flag : null,
        description: leaf.description,
        defaultValue,
        type,
        values,
        secret: leaf.secret === true,
      });
    }
  }
  cached = settings;
  return settings;
}

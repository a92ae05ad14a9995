import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ConfigFlags } from '../config/config-input.js';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command that opens the store accepts (they feed the configuration). */
export const STORE_OPTIONS = {
  data: { type: 'string' },
  storage: { type: 'string' },
  config: { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const STORE_OPTIONS_HELP = `Store options:
  --data DIR          data directory (default ./data; env ATTUNE_DATA_DIR)
  --storage URL       sqlite:///abs/path.db, sqlite://./rel.db or memory:// (env ATTUNE_STORAGE_URL;
                      default: DIR/attune.db)
  --config FILE       JSON config file (env ATTUNE_CONFIG); see docs/config.md
  --log-level LEVEL   debug, info, warn, error or silent (env ATTUNE_LOG_LEVEL)
  -h, --help          show this help`;

/** node:util parseArgs in strict mode, positionals allowed; its errors become usage errors (exit 2). */
export function parseCommandArgs<const O extends Options>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : 'invalid arguments', { cause: e });
  }
}

/**
 * A command's arguments, or null after printing its help for -h/--help (the command then exits 0).
 * Every store command starts this way.
 */
export function parseCommandArgsOrHelp<const O extends Options>(
  args: readonly string[],
  options: O,
  help: { readonly text: string; readonly out: { write(text: string): unknown } },
): ReturnType<typeof parseCommandArgs<O>> | null {
  const parsed = parseCommandArgs(args, options);
  if ((parsed.values as Record<string, unknown>)['help'] === true) {
    help.out.write(help.text);
    return null;
  }
  return parsed;
}

/** The config-relevant flags among parsed values (strings only; booleans are not config). */
export function configFlagsOf(values: Readonly<Record<string, string | boolean | undefined>>, names: readonly string[]): ConfigFlags {
  const flags: Record<string, string> = {};
  for (const name of names) {
    const value = values[name];
    if (typeof value === 'string') flags[name] = value;
  }
  return flags;
}

export const STORE_FLAG_NAMES = ['data', 'storage', 'config', 'log-level'] as const;

/** A positive integer flag, or a usage error naming the flag. */
export function parsePositiveInt(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got "${value}"`);
  }
  return Number(value);
}

/** A required flag that must be one of `choices`, or a usage error naming the action and the choices. */
export function parseChoice<const C extends string>(value: string | undefined, flag: string, choices: readonly C[], action: string): C {
  if (value === undefined) throw new UsageError(`${action} needs ${flag} ${choices.join('|')}`);
  const choice = choices.find((c) => c === value);
  if (choice === undefined) throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got "${value}"`);
  return choice;
}

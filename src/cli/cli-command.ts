import type { CliRuntime } from './cli-runtime.js';

/** One `attune` command: parses its own arguments, calls the app, prints, returns an exit status. */
export interface CliCommand {
  readonly name: string;
  readonly aliases: readonly string[];
  /** One line for `attune --help`. */
  readonly summary: string;
  /** Full text for `attune <name> --help`. */
  readonly help: string;
  run(args: readonly string[], runtime: CliRuntime): Promise<number>;
}

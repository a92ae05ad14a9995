/** Flag values as parsed from the command line, keyed by flag name without dashes ("port", "log-level", "config"). */
export type ConfigFlags = Readonly<Record<string, string | undefined>>;

/** A nested, partial configuration object (same shape as the schema), e.g. a command's own defaults. */
export type ConfigLayer = Readonly<Record<string, unknown>>;

/** What a command hands to the config loader (main.ts adds the environment). */
export interface CommandConfigRequest {
  readonly argv: ConfigFlags;
  readonly commandDefaults?: ConfigLayer;
}

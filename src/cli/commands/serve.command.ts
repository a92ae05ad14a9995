import { bootstrapStore, formatBootstrapNotice, loadCommandConfig, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  port: { type: 'string' },
  host: { type: 'string' },
} as const;

const HELP = `Usage: attune serve [--port N] [--host H] [--data DIR] [--storage URL]

Runs the HTTP API (Segment-compatible /v1/batch, /v1/track ..., profiles, catalog, keys, /health,
/openapi.json) until SIGINT or SIGTERM. On the first start of an empty store it creates the default
workspace and prints its admin and write keys ONCE (unless ATTUNE_ADMIN_KEY / ATTUNE_WRITE_KEY are
set: then those are used and not printed). Shutdown is graceful: requests in flight finish and every
acknowledged event is written before the process exits with status 0.

Options:
  --port N            TCP port (default 4680; 0 picks a free one; env ATTUNE_PORT)
  --host H            interface to bind (default 127.0.0.1; env ATTUNE_HOST)
${STORE_OPTIONS_HELP}

Example:
  attune serve --port 4680 --data ./data
`;

export const serveCommand: CliCommand = {
  name: 'serve',
  aliases: [],
  summary: 'run the HTTP API until SIGINT/SIGTERM',
  help: HELP,
  async run(args: readonly string[], runtime: CliRuntime): Promise<number> {
    const parsed = parseCommandArgsOrHelp(args, OPTIONS, { text: HELP, out: runtime.stdout });
    if (parsed === null) return EXIT_OK;
    const { values, positionals } = parsed;
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
    const config = loadCommandConfig(runtime, { argv: configFlagsOf(values, [...STORE_FLAG_NAMES, 'port', 'host']) });
    return withApp(runtime, config, async (session) => {
      const outcome = await bootstrapStore(session);
      if (outcome !== null) runtime.stdout.write(formatBootstrapNotice(outcome));
      const server = await runtime.startHttpServer(session.app, config, session.logger);
      // Armed before the URL is printed: whoever reads it may signal at once.
      const shutdown = runtime.waitForShutdownSignal();
      runtime.stdout.write(
        [
          `Attune ${runtime.version} is listening on ${server.url}`,
          `  storage: ${config.storage.url}`,
          `  health:  curl ${server.url}/health`,
          `  API:     ${server.url}/openapi.json`,
          `  dashboard: ${server.url}/app/ (npm run build:dashboard first)`,
          'Press Ctrl+C to stop.',
          '',
        ].join('\n'),
      );
      const signal = await shutdown;
      runtime.stdout.write(`Received ${signal}: finishing requests in flight and flushing events...\n`);
      await server.close();
      return EXIT_OK;
    }).then((code) => {
      runtime.stdout.write('Stopped cleanly.\n');
      return code;
    });
  },
};

import { loadCommandConfig, resolveWorkspace, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { formatCount, formatDurationMs, ratePerSecond } from '../format.js';
import { createProgressBar } from '../progress-bar.js';
import { EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = { ...STORE_OPTIONS, workspace: { type: 'string' }, json: { type: 'boolean' } } as const;

const HELP = `Usage: attune rebuild [--workspace WS] [--json]

Replays a workspace's event log into fresh identities and profiles (after a bug fix, or to prove the
live profiles are right: the result must be identical). Shows progress on stderr, then a summary.
Run it while no server is writing to the same store.

Options:
  --workspace WS      workspace to rebuild (default ws_default)
  --json              print the summary as JSON on stdout
${STORE_OPTIONS_HELP}
`;

export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  aliases: [],
  summary: 'replay the event log into fresh profiles',
  help: HELP,
  async run(args: readonly string[], runtime: CliRuntime): Promise<number> {
    const parsed = parseCommandArgsOrHelp(args, OPTIONS, { text: HELP, out: runtime.stdout });
    if (parsed === null) return EXIT_OK;
    const { values, positionals } = parsed;
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
    const config = loadCommandConfig(runtime, { argv: configFlagsOf(values, STORE_FLAG_NAMES) });
    return withApp(runtime, config, async (session) => {
      const workspaceId = await resolveWorkspace(session.app, values.workspace);
      const bar = createProgressBar({ stream: runtime.stderr, label: 'rebuild', unit: 'events', nowMs: () => runtime.nowMs() });
      const outcome = await session.app.rebuild(workspaceId, (progress) => {
        bar.update({ done: progress.eventsDone, fraction: progress.eventsTotal > 0 ? progress.eventsDone / progress.eventsTotal : null });
      });
      bar.finish({ done: outcome.events, fraction: 1 });
      const summary = {
        workspaceId,
        events: outcome.events,
        profiles: outcome.profiles,
        merges: outcome.merges,
        elapsedMs: outcome.elapsedMs,
        eventsPerSecond: Math.round(ratePerSecond(outcome.events, outcome.elapsedMs)),
      };
      if (values.json === true) {
        runtime.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        runtime.stdout.write(
          [
            `Rebuilt workspace ${workspaceId}`,
            `  events replayed  ${formatCount(summary.events)}`,
            `  profiles         ${formatCount(summary.profiles)}`,
            `  merges           ${formatCount(summary.merges)}`,
            `  elapsed          ${formatDurationMs(summary.elapsedMs)} (${formatCount(summary.eventsPerSecond)} events/s)`,
            '',
          ].join('\n'),
        );
      }
      return EXIT_OK;
    });
  },
};

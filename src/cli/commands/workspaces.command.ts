import type { Workspace } from '../../core/auth/workspace.js';
import { toIso } from '../../core/shared/time.js';
import { bootstrapStore, formatBootstrapNotice, loadCommandConfig, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { formatTable } from '../format.js';
import { EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  name: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const HELP = `Usage: attune workspaces list [--json]
       attune workspaces create SLUG [--name NAME] [--json]

Workspaces are tenants: every key, event and profile belongs to one, and no key of one workspace
reads another's data. "create" makes workspace ws_SLUG with an admin key and a write key, whose
secrets are printed ONCE. Works directly on the store (no server needed).

Options:
  --name NAME         a display name (create; default: the slug)
  --json              print JSON
${STORE_OPTIONS_HELP}
`;

const toWorkspaceJson = (w: Workspace): Record<string, string> => ({ id: w.id, name: w.name, createdAt: toIso(w.createdAtMs) });

export const workspacesCommand: CliCommand = {
  name: 'workspaces',
  aliases: ['workspace'],
  summary: 'list or create workspaces (tenants), each with its own keys',
  help: HELP,
  async run(args: readonly string[], runtime: CliRuntime): Promise<number> {
    const parsed = parseCommandArgsOrHelp(args, OPTIONS, { text: HELP, out: runtime.stdout });
    if (parsed === null) return EXIT_OK;
    const { values, positionals } = parsed;
    const [action, ...rest] = positionals;
    if (action !== 'list' && action !== 'create') throw new UsageError('missing or unknown action: use list or create');
    if (action === 'create' && rest.length !== 1) throw new UsageError('create needs exactly one SLUG, e.g. `attune workspaces create shop-eu`');
    if (action === 'list' && rest.length > 0) throw new UsageError(`unexpected argument "${rest[0] ?? ''}"`);
    const json = values.json === true;
    const config = loadCommandConfig(runtime, { argv: configFlagsOf(values, STORE_FLAG_NAMES) });
    return withApp(runtime, config, async (session) => {
      const outcome = await bootstrapStore(session);
      if (outcome !== null) runtime.stderr.write(formatBootstrapNotice(outcome));
      if (action === 'list') {
        const workspaces = await session.app.listWorkspaces();
        runtime.stdout.write(
          json
            ? `${JSON.stringify({ workspaces: workspaces.map(toWorkspaceJson) }, null, 2)}\n`
            : `${formatTable(['ID', 'NAME', 'CREATED'], workspaces.map((w) => [w.id, w.name, toIso(w.createdAtMs)]))}\n`,
        );
        return EXIT_OK;
      }
      const slug = rest[0] ?? '';
      const created = await session.app.createWorkspace({ slug, name: values.name?.trim() || slug });
      if (json) {
        const keys = created.keys.map((k) => ({ id: k.record.id, scope: k.record.scope, secret: k.secret }));
        runtime.stdout.write(`${JSON.stringify({ workspace: toWorkspaceJson(created.workspace), keys }, null, 2)}\n`);
      } else {
        runtime.stdout.write(
          [
            `Created workspace ${created.workspace.id} ("${created.workspace.name}").`,
            'Its keys are shown ONCE; store them now:',
            '',
            ...created.keys.map((k) => `  ${k.record.scope.padEnd(6)} ${k.secret}   (id ${k.record.id})`),
            '',
          ].join('\n'),
        );
      }
      return EXIT_OK;
    });
  },
};

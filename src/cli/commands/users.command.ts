import { SESSION_SCOPES, type SessionScope } from '../../core/auth/dashboard.js';
import { MIN_PASSWORD_LENGTH } from '../../core/auth/dashboard.js';
import { toIso } from '../../core/shared/time.js';
import type { UserView } from '../../app/auth/sessions.js';
import { bootstrapStore, formatBootstrapNotice, loadCommandConfig, resolveWorkspace, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp, parseChoice } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { formatTable } from '../format.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  workspace: { type: 'string' },
  username: { type: 'string' },
  scope: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const HELP = `Usage: attune users list [--workspace WS] [--json]
       attune users create --username U --scope admin|read [--workspace WS] [--json]
       attune users delete USERNAME [--workspace WS]

Manages dashboard user accounts directly in the store (no server needed). "create" reads the
password from stdin (the first line) or prompts for it without echo on a terminal; it is never
taken from the command line. Passwords have at least ${MIN_PASSWORD_LENGTH} characters and are stored as scrypt
hashes. Usernames are global (a login names no workspace). "delete" also ends the user's sessions.

Options:
  --workspace WS      workspace (default ws_default)
  --username U        the login name (create)
  --scope SCOPE       admin or read (create)
  --json              print JSON
${STORE_OPTIONS_HELP}
`;

function toUserJson(user: UserView): Record<string, string> {
  return { username: user.username, workspace: user.workspaceId, scope: user.scope, createdAt: toIso(user.createdAtMs) };
}

export const usersCommand: CliCommand = {
  name: 'users',
  aliases: [],
  summary: 'list, create or delete dashboard users',
  help: HELP,
  async run(args: readonly string[], runtime: CliRuntime): Promise<number> {
    const parsed = parseCommandArgsOrHelp(args, OPTIONS, { text: HELP, out: runtime.stdout });
    if (parsed === null) return EXIT_OK;
    const { values, positionals } = parsed;
    const [action, ...rest] = positionals;
    if (action === undefined) throw new UsageError('missing action: list, create or delete');
    if (action !== 'list' && action !== 'create' && action !== 'delete') throw new UsageError(`unknown action "${action}": use list, create or delete`);
    if (action === 'delete' && rest.length !== 1) throw new UsageError('delete needs exactly one USERNAME');
    if (action !== 'delete' && rest.length > 0) throw new UsageError(`unexpected argument "${rest[0] ?? ''}" (the password is read from stdin, never from arguments)`);
    const json = values.json === true;
    let password: string | null = null;
    let scope: SessionScope | null = null;
    let username: string | null = null;
    if (action === 'create') {
      scope = parseChoice(values.scope, '--scope', SESSION_SCOPES, 'create');
      username = values.username?.trim() ?? '';
      if (username === '') throw new UsageError('create needs --username U');
      if (runtime.readSecret === undefined) throw new UsageError('this runtime cannot read a password');
      password = await runtime.readSecret(`Password for ${username}: `);
      if (password === null) throw new UsageError('no password given on stdin');
    }
    const config = loadCommandConfig(runtime, { argv: configFlagsOf(values, STORE_FLAG_NAMES) });
    return withApp(runtime, config, async (session) => {
      const outcome = await bootstrapStore(session);
      if (outcome !== null) runtime.stderr.write(formatBootstrapNotice(outcome));
      const workspaceId = await resolveWorkspace(session.app, values.workspace);
      if (action === 'list') {
        const users = await session.app.users.list(workspaceId);
        if (json) runtime.stdout.write(`${JSON.stringify({ users: users.map(toUserJson) }, null, 2)}\n`);
        else runtime.stdout.write(`${formatTable(['USERNAME', 'SCOPE', 'CREATED'], users.map((u) => [u.username, u.scope, toIso(u.createdAtMs)]))}\n`);
        return EXIT_OK;
      }
      if (action === 'create' && username !== null && password !== null && scope !== null) {
        const user = await session.app.users.create({ workspaceId, username, password, scope });
        runtime.stdout.write(json ? `${JSON.stringify(toUserJson(user), null, 2)}\n` : `Created ${scope} user "${username}" in ${workspaceId}.\n`);
        return EXIT_OK;
      }
      const target = rest[0] ?? '';
      if (!(await session.app.users.delete(workspaceId, target))) {
        runtime.stderr.write(`attune users: no user "${target}" in ${workspaceId}\n`);
        return EXIT_FAILURE;
      }
      runtime.stdout.write(json ? `${JSON.stringify({ deleted: target })}\n` : `Deleted user ${target} and its sessions.\n`);
      return EXIT_OK;
    });
  },
};

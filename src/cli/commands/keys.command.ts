import { API_KEY_SCOPES, type ApiKeyRecord } from '../../core/auth/workspace.js';
import { asApiKeyId } from '../../core/shared/ids.js';
import { toIso } from '../../core/shared/time.js';
import { bootstrapStore, formatBootstrapNotice, loadCommandConfig, resolveWorkspace, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp, parseChoice } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { formatTable } from '../format.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  workspace: { type: 'string' },
  name: { type: 'string' },
  scope: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const MAX_KEY_NAME_LENGTH = 200;

const HELP = `Usage: attune keys list [--workspace WS] [--json]
       attune keys create --name NAME --scope write|read|admin [--workspace WS] [--json]
       attune keys revoke ID [--workspace WS]

Manages API keys directly in the store (no server needed). Scopes: write sends events (the SDK
write key), read reads profiles, admin does everything. "create" prints the new secret ONCE; only
a hash is stored. "revoke" takes effect on running servers within seconds.

Options:
  --workspace WS      workspace (default ws_default)
  --name NAME         a label for the key (create)
  --scope SCOPE       write, read or admin (create)
  --json              print the same body the HTTP API returns (/v1/keys)
${STORE_OPTIONS_HELP}
`;

/** The same shape as GET /v1/keys: never the hash. */
function toKeyJson(key: ApiKeyRecord): Record<string, string | null> {
  return {
    id: key.id,
    name: key.name,
    scope: key.scope,
    prefix: key.prefix,
    createdAt: toIso(key.createdAtMs),
    revokedAt: key.revokedAtMs === null ? null : toIso(key.revokedAtMs),
  };
}

function readName(value: string | undefined): string {
  const name = value?.trim() ?? '';
  if (name === '') throw new UsageError('create needs --name NAME');
  if (name.length > MAX_KEY_NAME_LENGTH) throw new UsageError(`--name must be at most ${MAX_KEY_NAME_LENGTH} characters`);
  return name;
}

export const keysCommand: CliCommand = {
  name: 'keys',
  aliases: [],
  summary: 'list, create or revoke API keys',
  help: HELP,
  async run(args: readonly string[], runtime: CliRuntime): Promise<number> {
    const parsed = parseCommandArgsOrHelp(args, OPTIONS, { text: HELP, out: runtime.stdout });
    if (parsed === null) return EXIT_OK;
    const { values, positionals } = parsed;
    const [action, ...rest] = positionals;
    if (action === undefined) throw new UsageError('missing action: list, create or revoke');
    if (action !== 'list' && action !== 'create' && action !== 'revoke') {
      throw new UsageError(`unknown action "${action}": use list, create or revoke`);
    }
    if (action === 'revoke' && rest.length !== 1) throw new UsageError('revoke needs exactly one key ID (see `attune keys list`)');
    if (action !== 'revoke' && rest.length > 0) throw new UsageError(`unexpected argument "${rest[0] ?? ''}"`);
    const scope = action === 'create' ? parseChoice(values.scope, '--scope', API_KEY_SCOPES, 'create') : null;
    const name = action === 'create' ? readName(values.name) : null;
    const json = values.json === true;
    const config = loadCommandConfig(runtime, { argv: configFlagsOf(values, STORE_FLAG_NAMES) });
    return withApp(runtime, config, async (session) => {
      const outcome = await bootstrapStore(session);
      if (outcome !== null) runtime.stderr.write(formatBootstrapNotice(outcome));
      const workspaceId = await resolveWorkspace(session.app, values.workspace);
      if (action === 'list') {
        const keys = await session.app.listKeys(workspaceId);
        if (json) {
          runtime.stdout.write(`${JSON.stringify({ keys: keys.map(toKeyJson) }, null, 2)}\n`);
        } else {
          const rows = keys.map((k) => [k.id, k.name, k.scope, `${k.prefix}…`, toIso(k.createdAtMs), k.revokedAtMs === null ? 'active' : `revoked ${toIso(k.revokedAtMs)}`]);
          runtime.stdout.write(`${formatTable(['ID', 'NAME', 'SCOPE', 'PREFIX', 'CREATED', 'STATUS'], rows)}\n`);
        }
        return EXIT_OK;
      }
      if (action === 'create' && scope !== null && name !== null) {
        const created = await session.app.createKey({ workspaceId, name, scope });
        if (json) {
          runtime.stdout.write(`${JSON.stringify({ ...toKeyJson(created.record), secret: created.secret }, null, 2)}\n`);
        } else {
          runtime.stdout.write(
            [
              `Created ${scope} key "${name}" (id ${created.record.id}) in ${workspaceId}.`,
              'Its secret is shown ONCE; store it now:',
              '',
              `  ${created.secret}`,
              '',
            ].join('\n'),
          );
        }
        return EXIT_OK;
      }
      const id = rest[0] ?? '';
      const revoked = await session.app.revokeKey(workspaceId, asApiKeyId(id));
      if (!revoked) {
        runtime.stderr.write(`attune keys: no active key "${id}" in ${workspaceId} (unknown or already revoked)\n`);
        return EXIT_FAILURE;
      }
      runtime.stdout.write(json ? `${JSON.stringify({ revoked: id })}\n` : `Revoked key ${id}.\n`);
      return EXIT_OK;
    });
  },
};

import type { AttuneApp, BootstrapOutcome } from '../app/attune-app.js';
import type { CommandConfigRequest } from '../config/config-input.js';
import type { Config } from '../config/config.schema.js';
import { DEFAULT_WORKSPACE_ID, asWorkspaceId, type WorkspaceId } from '../core/shared/ids.js';
import type { Logger } from '../ports/logger.js';
import type { CliRuntime } from './cli-runtime.js';
import { UsageError } from './usage-error.js';

export interface AppSession {
  readonly app: AttuneApp;
  readonly config: Config;
  readonly logger: Logger;
}

/** Validates the configuration (every problem at once, exit 2) or returns it. */
export function loadCommandConfig(runtime: CliRuntime, request: CommandConfigRequest): Config {
  const loaded = runtime.loadConfig(request);
  if (!loaded.ok) throw new UsageError('invalid configuration', { details: loaded.error });
  return loaded.value;
}

/**
 * Opens the configured store and app, runs `fn`, and always closes the app (which flushes every
 * acknowledged event) even when `fn` fails.
 */
export async function withApp<T>(runtime: CliRuntime, config: Config, fn: (session: AppSession) => Promise<T>): Promise<T> {
  const logger = runtime.createLogger(config.log.level);
  const app = await runtime.openApp(config, logger);
  try {
    return await fn({ app, config, logger });
  } finally {
    await app.close();
  }
}

/**
 * Workspace ids are `ws_<name>`; `--workspace default` and `--workspace ws_default` mean the same.
 * Unknown workspaces are a usage error that lists the known ones.
 */
export async function resolveWorkspace(app: AttuneApp, text: string | undefined): Promise<WorkspaceId> {
  const id = text === undefined ? DEFAULT_WORKSPACE_ID : asWorkspaceId(text.startsWith('ws_') ? text : `ws_${text}`);
  const known = await app.listWorkspaces();
  if (known.some((w) => w.id === id)) return id;
  const list = known.map((w) => w.id).join(', ');
  throw new UsageError(`unknown workspace "${text ?? id}"${list === '' ? ' (the store has no workspace yet)' : `; known: ${list}`}`);
}

/** First start: creates the default workspace and its admin and write keys (see AttuneApp.bootstrap). */
export async function bootstrapStore(session: AppSession): Promise<BootstrapOutcome | null> {
  return session.app.bootstrap({
    adminSecret: session.config.auth.adminKey ?? null,
    writeSecret: session.config.auth.writeKey ?? null,
  });
}

/**
 * What to tell a person about a first start. Generated secrets are printed here and nowhere else,
 * once; supplied ones (ATTUNE_ADMIN_KEY / ATTUNE_WRITE_KEY or the config file) are never printed.
 */
export function formatBootstrapNotice(outcome: BootstrapOutcome): string {
  const lines: string[] = [
    '',
    '==================================================================================',
    ` First start: created workspace "${outcome.workspace.name}" (${outcome.workspace.id}).`,
  ];
  if (outcome.generated.length > 0) {
    lines.push(
      ' These API keys are shown ONCE. Store them now: they cannot be shown again',
      ' (only revoked and replaced with `attune keys create`).',
      '',
    );
    for (const key of outcome.generated) {
      lines.push(`   ${`${key.record.name} key`.padEnd(10)} (scope ${key.record.scope}, id ${key.record.id})`, `     ${key.secret}`);
    }
  }
  for (const record of outcome.supplied) {
    const source = record.scope === 'admin' ? 'ATTUNE_ADMIN_KEY' : 'ATTUNE_WRITE_KEY';
    lines.push(`   ${record.name} key: taken from the configuration (${source} or the config file); not printed.`);
  }
  lines.push(
    '',
    ' The write key goes into Segment / RudderStack SDKs (HTTP Basic username, empty password);',
    ' the admin key reads profiles and manages keys (Basic username or "Authorization: Bearer KEY").',
    '==================================================================================',
    '',
  );
  return `${lines.join('\n')}\n`;
}

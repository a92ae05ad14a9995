import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BootstrapOutcome } from '../../app/attune-app.js';
import type { ApiKeyScope } from '../../core/auth/workspace.js';
import type { Config } from '../../config/config.schema.js';
import { DEFAULT_WORKSPACE_ID, type WorkspaceId } from '../../core/shared/ids.js';
import { isJsonObject } from '../../core/shared/json.js';
import type { AppSession } from '../app-session.js';

/** A key the demo can put in its example commands: its secret, or the variable that holds it. */
export type DemoSecret =
  | { readonly kind: 'known'; readonly secret: string }
  | { readonly kind: 'env'; readonly variable: 'ATTUNE_ADMIN_KEY' | 'ATTUNE_WRITE_KEY' };

export interface DemoKeys {
  readonly workspaceId: WorkspaceId;
  readonly admin: DemoSecret;
  readonly write: DemoSecret;
  /** Something to tell the person (keys created or recovered), or null. */
  readonly note: string | null;
}

interface KeysFileContents {
  readonly storageUrl: string;
  readonly workspaceId: string;
  readonly admin: string | null;
  readonly write: string | null;
}

/**
 * The demo's own secrets file (DIR/demo-keys.json, mode 600), so that a second run can still print
 * working curl commands. Only for the demo; secrets supplied through the environment are never
 * written. Null for memory:// stores.
 */
export function demoKeysFile(config: Config): string | null {
  return config.storage.url === 'memory://' ? null : join(config.storage.dataDir, 'demo-keys.json');
}

function readKeysFile(path: string | null, storageUrl: string): KeysFileContents | null {
  if (path === null) return null;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!isJsonObject(parsed) || parsed['storageUrl'] !== storageUrl || typeof parsed['workspaceId'] !== 'string') return null;
    const admin = parsed['admin'];
    const write = parsed['write'];
    return {
      storageUrl,
      workspaceId: parsed['workspaceId'],
      admin: typeof admin === 'string' ? admin : null,
      write: typeof write === 'string' ? write : null,
    };
  } catch {
    return null;
  }
}

function writeKeysFile(path: string, contents: KeysFileContents): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

async function isValid(session: AppSession, secret: string | null | undefined, scope: ApiKeyScope, workspaceId: WorkspaceId): Promise<boolean> {
  if (secret === null || secret === undefined) return false;
  const auth = await session.app.authenticate(secret);
  return auth !== null && auth.scope === scope && auth.workspaceId === workspaceId;
}

/**
 * Finds usable admin and write keys for the demo's example commands: the configured ones
 * (ATTUNE_ADMIN_KEY / ATTUNE_WRITE_KEY), the ones just generated, or the ones saved by an earlier run;
 * otherwise creates fresh `demo-admin` / `demo-write` keys.
 */
export async function ensureDemoKeys(input: {
  readonly session: AppSession;
  readonly outcome: BootstrapOutcome | null;
  readonly keysFile: string | null;
  readonly nowMs: number;
}): Promise<DemoKeys> {
  const { session, outcome } = input;
  const workspaces = await session.app.listWorkspaces();
  const workspaceId = workspaces.find((w) => w.id === DEFAULT_WORKSPACE_ID)?.id ?? workspaces[0]?.id ?? DEFAULT_WORKSPACE_ID;
  const saved = readKeysFile(input.keysFile, session.config.storage.url);
  const generated = (scope: ApiKeyScope): string | null => outcome?.generated.find((k) => k.record.scope === scope)?.secret ?? null;
  const created: string[] = [];

  const pick = async (scope: 'admin' | 'write'): Promise<{ secret: DemoSecret; toSave: string | null }> => {
    const configured = scope === 'admin' ? session.config.auth.adminKey : session.config.auth.writeKey;
    if (await isValid(session, configured, scope, workspaceId)) {
      return { secret: { kind: 'env', variable: scope === 'admin' ? 'ATTUNE_ADMIN_KEY' : 'ATTUNE_WRITE_KEY' }, toSave: null };
    }
    const candidates = [generated(scope), saved !== null && saved.workspaceId === workspaceId ? saved[scope] : null];
    for (const candidate of candidates) {
      if (candidate !== null && (await isValid(session, candidate, scope, workspaceId))) {
        return { secret: { kind: 'known', secret: candidate }, toSave: candidate };
      }
    }
    const fresh = await session.app.createKey({ workspaceId, name: `demo-${scope}`, scope });
    created.push(`${scope} (id ${fresh.record.id})`);
    return { secret: { kind: 'known', secret: fresh.secret }, toSave: fresh.secret };
  };

  const admin = await pick('admin');
  const write = await pick('write');
  let note: string | null = null;
  if (input.keysFile !== null && (admin.toSave !== null || write.toSave !== null)) {
    writeKeysFile(input.keysFile, { storageUrl: session.config.storage.url, workspaceId, admin: admin.toSave, write: write.toSave });
    if (outcome !== null || created.length > 0) {
      note = `The demo keeps its keys in ${input.keysFile} (mode 600) to show working commands on later runs.`;
    }
  }
  if (created.length > 0) {
    note = `${note === null ? '' : `${note}\n`}Created demo keys (the earlier ones were not known to the demo): ${created.join(', ')}.`;
  }
  return { workspaceId, admin: admin.secret, write: write.secret, note };
}

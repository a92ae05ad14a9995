import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionRecord, SessionScope, UserRecord } from '../../core/auth/dashboard.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, USERNAME_PATTERN, isSessionScope, principalName } from '../../core/auth/dashboard.js';
import type { ApiKeyScope } from '../../core/auth/workspace.js';
import type { ApiKeyId, WorkspaceId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Clock } from '../../ports/clock.js';
import type { Storage } from '../../ports/storage.js';
import { AppError } from '../app-error.js';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords.js';

export type LoginCredentials =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'password'; readonly username: string; readonly password: string };

/** A live session as the dashboard sees it (never the session id, which only the cookie holds). */
export interface SessionView {
  /** What the session authenticates as: AuthContext (attune-app.ts), restated here to keep imports acyclic. */
  readonly auth: { readonly workspaceId: WorkspaceId; readonly keyId: ApiKeyId | null; readonly scope: ApiKeyScope };
  readonly workspaceId: WorkspaceId;
  readonly scope: SessionScope;
  /** The username, or the API key's name. */
  readonly user: string;
  readonly expiresAtMs: EpochMs;
  readonly csrfToken: string;
}

export interface OpenedSession {
  /** The secret for the cookie: 32 random bytes, base64url. Stored only as its SHA-256. */
  readonly sessionId: string;
  readonly view: SessionView;
  /** The session's lifetime, for the cookie's Max-Age. */
  readonly maxAgeSeconds: number;
}

/** Dashboard logins (docs/api.md "Dashboard sessions"). */
export interface SessionsApi {
  /** A new session, or null for wrong credentials (one answer for every failure: no user enumeration). */
  login(credentials: LoginCredentials): Promise<OpenedSession | null>;
  /** The live session of a cookie; null when unknown, expired (then purged), or its user or key is gone. */
  resolve(sessionId: string): Promise<SessionView | null>;
  /** Revokes the session; false when there was none. */
  logout(sessionId: string): Promise<boolean>;
}

export interface UserView {
  readonly username: string;
  readonly workspaceId: WorkspaceId;
  readonly scope: SessionScope;
  readonly createdAtMs: EpochMs;
}

/** Dashboard user accounts (`attune users`). */
export interface UsersApi {
  create(input: { readonly workspaceId: WorkspaceId; readonly username: string; readonly password: string; readonly scope: SessionScope }): Promise<UserView>;
  list(workspace: WorkspaceId): Promise<readonly UserView[]>;
  /** Deletes the user and its sessions; false when there was none in the workspace. */
  delete(workspace: WorkspaceId, username: string): Promise<boolean>;
}

/** Expired sessions are purged lazily: at most this often, on a login. */
const PURGE_EVERY_MS = 60_000;

export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex');
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Whether a request's CSRF header matches the session's token (constant time). */
export function csrfTokenMatches(session: SessionView, header: string | undefined): boolean {
  return header !== undefined && header !== '' && sameString(session.csrfToken, header);
}

function toView(session: SessionRecord): SessionView {
  return {
    auth: {
      workspaceId: session.workspaceId,
      keyId: session.principal.kind === 'key' ? session.principal.keyId : null,
      scope: session.scope,
    },
    workspaceId: session.workspaceId,
    scope: session.scope,
    user: principalName(session.principal),
    expiresAtMs: session.expiresAtMs,
    csrfToken: session.csrfToken,
  };
}

function toUserView(user: UserRecord): UserView {
  return { username: user.username, workspaceId: user.workspaceId, scope: user.scope, createdAtMs: user.createdAtMs };
}

export function createSessions(deps: {
  readonly storage: Storage;
  readonly clock: Clock;
  /** The API key authenticator (authenticator.ts), narrowed to what login needs. */
  readonly authenticator: { authenticate(secret: string, nowMs: EpochMs): Promise<SessionView['auth'] | null> };
  readonly ttlMs: number;
}): { readonly sessions: SessionsApi; readonly users: UsersApi } {
  const { storage, clock } = deps;
  let lastPurgeMs = Number.NEGATIVE_INFINITY;

  const open = async (input: Omit<SessionRecord, 'idHash' | 'csrfToken' | 'createdAtMs' | 'expiresAtMs'>): Promise<OpenedSession> => {
    const nowMs = clock.nowMs();
    const sessionId = randomBytes(32).toString('base64url');
    const record: SessionRecord = {
      ...input,
      idHash: hashSessionId(sessionId),
      csrfToken: randomBytes(24).toString('base64url'),
      createdAtMs: nowMs,
      expiresAtMs: nowMs + deps.ttlMs,
    };
    const purge = nowMs - lastPurgeMs >= PURGE_EVERY_MS;
    if (purge) lastPurgeMs = nowMs;
    await storage.uow.run('sessions:open', async (stores) => {
      if (purge) await stores.workspaces.deleteExpiredSessions(nowMs);
      await stores.workspaces.putSession(record);
    });
    return { sessionId, view: toView(record), maxAgeSeconds: Math.floor(deps.ttlMs / 1000) };
  };

  const sessions: SessionsApi = {
    async login(credentials) {
      if (credentials.kind === 'key') {
        const context = await deps.authenticator.authenticate(credentials.key, clock.nowMs());
        if (context === null || context.keyId === null || !isSessionScope(context.scope)) return null;
        const key = await storage.read.workspaces.getKey(context.keyId);
        if (key === null) return null;
        return open({ workspaceId: context.workspaceId, scope: context.scope, principal: { kind: 'key', keyId: key.id, name: key.name } });
      }
      const tooLong = credentials.password.length > MAX_PASSWORD_LENGTH || credentials.username.length > 200;
      const user = tooLong ? null : await storage.read.workspaces.getUser(credentials.username);
      // Unknown users cost one scrypt too, so timing does not tell them from wrong passwords.
      const matches = await verifyPassword(tooLong ? '' : credentials.password, user?.passwordHash ?? (await decoyPasswordHash()));
      if (user === null || !matches) return null;
      return open({ workspaceId: user.workspaceId, scope: user.scope, principal: { kind: 'user', username: user.username } });
    },

    async resolve(sessionId) {
      if (sessionId.length === 0 || sessionId.length > 128) return null;
      const idHash = hashSessionId(sessionId);
      const session = await storage.read.workspaces.findSessionByHash(idHash);
      if (session === null) return null;
      if (session.expiresAtMs <= clock.nowMs()) {
        await storage.uow.run('sessions:expire', (stores) => stores.workspaces.deleteSession(idHash));
        return null;
      }
      const { principal } = session;
      if (principal.kind === 'key') {
        // A revoked key ends the sessions it opened.
        const key = await storage.read.workspaces.getKey(principal.keyId);
        if (key === null || key.revokedAtMs !== null) return null;
      } else {
        const user = await storage.read.workspaces.getUser(principal.username);
        if (user === null || user.workspaceId !== session.workspaceId) return null;
      }
      return toView(session);
    },

    async logout(sessionId) {
      if (sessionId.length === 0 || sessionId.length > 128) return false;
      return storage.uow.run('sessions:close', (stores) => stores.workspaces.deleteSession(hashSessionId(sessionId)));
    },
  };

  const users: UsersApi = {
    async create(input) {
      const problems: { field: string; message: string }[] = [];
      if (!USERNAME_PATTERN.test(input.username)) {
        problems.push({ field: 'username', message: 'use 1 to 64 lowercase letters, digits, ".", "_", "-" or "@", starting with a letter or digit' });
      }
      if ([...input.password].length < MIN_PASSWORD_LENGTH) problems.push({ field: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` });
      if (input.password.length > MAX_PASSWORD_LENGTH) problems.push({ field: 'password', message: `must be at most ${MAX_PASSWORD_LENGTH} characters` });
      if (problems.length > 0) throw new AppError('ERR_VALIDATION', 'Invalid user', { details: problems });
      if ((await storage.read.workspaces.getWorkspace(input.workspaceId)) === null) {
        throw new AppError('ERR_WORKSPACE_UNKNOWN', `Workspace ${input.workspaceId} does not exist`);
      }
      if ((await storage.read.workspaces.getUser(input.username)) !== null) {
        throw new AppError('ERR_VALIDATION', `User ${input.username} already exists`, { details: [{ field: 'username', message: 'taken' }] });
      }
      const user: UserRecord = {
        username: input.username,
        workspaceId: input.workspaceId,
        scope: input.scope,
        passwordHash: await hashPassword(input.password),
        createdAtMs: clock.nowMs(),
      };
      await storage.uow.run('users:create', (stores) => stores.workspaces.putUser(user));
      return toUserView(user);
    },
    async list(workspace) {
      return (await storage.read.workspaces.listUsers(workspace)).map(toUserView);
    },
    async delete(workspace, username) {
      const user = await storage.read.workspaces.getUser(username);
      if (user === null || user.workspaceId !== workspace) return false;
      return storage.uow.run('users:delete', (stores) => stores.workspaces.deleteUser(username));
    },
  };

  return { sessions, users };
}

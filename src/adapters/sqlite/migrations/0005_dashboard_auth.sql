-- Dashboard logins (src/ports/workspace-store.ts): user accounts and sessions. Like api_keys these
-- are looked up globally (a login names no workspace), so their keys do not start with workspace_id.

-- A user account. password_hash: "scrypt$N$r$p$salt$hash" (src/app/auth/passwords.ts).
CREATE TABLE dashboard_users (
  username       TEXT    NOT NULL PRIMARY KEY,
  workspace_id   TEXT    NOT NULL REFERENCES workspaces (workspace_id),
  scope          TEXT    NOT NULL CHECK (scope IN ('read', 'admin')),
  password_hash  TEXT    NOT NULL,
  created_at_ms  INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
CREATE INDEX dashboard_users_by_workspace ON dashboard_users (workspace_id, username);

-- A session, under the SHA-256 (hex) of its id; the id itself is only in the browser's cookie.
-- principal_kind 'user': principal_name is the username; 'key': key_id is the key, principal_name its name.
CREATE TABLE dashboard_sessions (
  id_hash         TEXT    NOT NULL PRIMARY KEY,
  workspace_id    TEXT    NOT NULL,
  scope           TEXT    NOT NULL CHECK (scope IN ('read', 'admin')),
  principal_kind  TEXT    NOT NULL CHECK (principal_kind IN ('user', 'key')),
  principal_name  TEXT    NOT NULL,
  key_id          TEXT,
  csrf_token      TEXT    NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  expires_at_ms   INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
-- The lazy purge of expired sessions, and deleting a user's sessions.
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at_ms);
CREATE INDEX dashboard_sessions_by_principal ON dashboard_sessions (principal_kind, principal_name);

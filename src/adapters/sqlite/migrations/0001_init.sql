-- Attune schema v1. Every table but schema_migrations carries workspace_id, and every query of the
-- adapter filters by it: workspaces share one file but never see each other's rows.
-- STRICT tables make SQLite reject a value of the wrong type instead of storing it silently.
-- JSON columns hold domain objects the adapter never queries inside (row-mapping.ts owns them).

CREATE TABLE workspaces (
  workspace_id   TEXT    NOT NULL PRIMARY KEY,
  name           TEXT    NOT NULL,
  created_at_ms  INTEGER NOT NULL
) STRICT;

-- Keys belong to an existing workspace (foreign key): a key for an unknown workspace could never be used.
CREATE TABLE api_keys (
  key_id         TEXT    NOT NULL PRIMARY KEY,
  workspace_id   TEXT    NOT NULL REFERENCES workspaces (workspace_id),
  name           TEXT    NOT NULL,
  scope          TEXT    NOT NULL,
  secret_hash    TEXT    NOT NULL UNIQUE,
  prefix         TEXT    NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  revoked_at_ms  INTEGER
) STRICT;
CREATE INDEX api_keys_by_workspace ON api_keys (workspace_id, created_at_ms, key_id);

-- The event log. seq is the per-workspace arrival order (1, 2, 3, ...), assigned as MAX(seq) + 1.
-- The rowid stays the physical key so rows are appended at the end of the table b-tree.
-- body: JSON of the NormalizedEvent fields that have no column (see row-mapping.ts).
CREATE TABLE events (
  workspace_id   TEXT    NOT NULL,
  seq            INTEGER NOT NULL,
  message_id     TEXT    NOT NULL,
  profile_id     TEXT    NOT NULL,
  type           TEXT    NOT NULL,
  event          TEXT,
  ts_ms          INTEGER NOT NULL,
  received_ms    INTEGER NOT NULL,
  body           TEXT    NOT NULL,
  UNIQUE (workspace_id, seq),
  UNIQUE (workspace_id, message_id)
) STRICT;
-- Replay (ascending) and timeline (descending) both walk this index in fold order.
CREATE INDEX events_by_profile ON events (workspace_id, profile_id, ts_ms);

-- Folded profile state (derived from the log), one JSON document per profile.
-- updated_at_ms is wall-clock write time for operators; it is never read back into the domain.
CREATE TABLE profiles (
  workspace_id   TEXT    NOT NULL,
  profile_id     TEXT    NOT NULL,
  state          TEXT    NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, profile_id)
) STRICT;

CREATE TABLE identities (
  workspace_id   TEXT    NOT NULL,
  kind           TEXT    NOT NULL,
  value          TEXT    NOT NULL,
  profile_id     TEXT    NOT NULL,
  first_seen_ms  INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, kind, value)
) STRICT;
CREATE INDEX identities_by_profile ON identities (workspace_id, profile_id);

-- Merge history; merge_id (rowid) breaks ties between merges at the same instant (insertion order).
CREATE TABLE merges (
  merge_id       INTEGER PRIMARY KEY,
  workspace_id   TEXT    NOT NULL,
  survivor_id    TEXT    NOT NULL,
  merged_id      TEXT    NOT NULL,
  reason         TEXT    NOT NULL,
  message_id     TEXT    NOT NULL,
  via            TEXT    NOT NULL,
  at_ms          INTEGER NOT NULL
) STRICT;
CREATE INDEX merges_by_survivor ON merges (workspace_id, survivor_id, at_ms, merge_id);

CREATE TABLE catalog_items (
  workspace_id   TEXT    NOT NULL,
  item_id        TEXT    NOT NULL,
  name           TEXT,
  category       TEXT,
  price          REAL,
  currency       TEXT,
  margin_rate    REAL,
  stock          REAL,
  attributes     TEXT    NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, item_id)
) STRICT;
CREATE INDEX catalog_items_by_category ON catalog_items (workspace_id, category, item_id);

CREATE TABLE computed_traits (
  workspace_id   TEXT    NOT NULL,
  name           TEXT    NOT NULL,
  definition     TEXT    NOT NULL,
  PRIMARY KEY (workspace_id, name)
) STRICT;

-- Segments (src/ports/segment-store.ts): definitions, current memberships and their history, the
-- re-evaluation schedule, webhook subscriptions and segment models. Every key starts with
-- workspace_id, as in 0001. segment-row-mapping.ts owns the JSON columns.

-- One SegmentDefinition JSON document per key.
CREATE TABLE segment_definitions (
  workspace_id   TEXT    NOT NULL,
  segment_key    TEXT    NOT NULL,
  definition     TEXT    NOT NULL,
  PRIMARY KEY (workspace_id, segment_key)
) STRICT;

-- Current memberships. WITHOUT ROWID: the rows are small and always reached by their key, so the
-- table is its own (segment, profile) index: listAllMemberships and listMembers walk it in order,
-- and each enter/exit touches one b-tree instead of a table plus a key index.
-- reasons: JSON array of strings.
CREATE TABLE segment_memberships (
  workspace_id   TEXT    NOT NULL,
  segment_key    TEXT    NOT NULL,
  profile_id     TEXT    NOT NULL,
  entered_at_ms  INTEGER NOT NULL,
  reasons        TEXT    NOT NULL,
  PRIMARY KEY (workspace_id, segment_key, profile_id)
) WITHOUT ROWID, STRICT;

-- The membership history: every enter and exit, in seq order. seq is per workspace (1, 2, 3, ...)
-- and comes from segment_change_counters, not from MAX(seq): it never goes back, so the positions
-- webhooks and streams resume from stay valid after deleteAllMemberships empties the history.
-- WITHOUT ROWID keyed by (workspace_id, seq): appends go to the end of the workspace's range and
-- there is no separate key index to maintain on every insert.
CREATE TABLE segment_changes (
  workspace_id     TEXT    NOT NULL,
  seq              INTEGER NOT NULL,
  segment_key      TEXT    NOT NULL,
  profile_id       TEXT    NOT NULL,
  kind             TEXT    NOT NULL CHECK (kind IN ('enter', 'exit')),
  at_ms            INTEGER NOT NULL,
  reasons          TEXT    NOT NULL,
  segment_version  INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, seq)
) WITHOUT ROWID, STRICT;
-- dailyCounts: covering (kind included), so the GROUP BY never reads the table.
CREATE INDEX segment_changes_by_segment ON segment_changes (workspace_id, segment_key, at_ms, kind);
-- Per-profile history; the key (seq) is appended to the index, so it is also in seq order.
CREATE INDEX segment_changes_by_profile ON segment_changes (workspace_id, profile_id);

-- The last seq assigned in each workspace.
CREATE TABLE segment_change_counters (
  workspace_id   TEXT    NOT NULL PRIMARY KEY,
  last_seq       INTEGER NOT NULL
) STRICT;

-- When each profile must be re-evaluated without a new event (time windows).
CREATE TABLE segment_schedule (
  workspace_id   TEXT    NOT NULL,
  profile_id     TEXT    NOT NULL,
  due_at_ms      INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, profile_id)
) STRICT;
CREATE INDEX segment_schedule_by_due ON segment_schedule (workspace_id, due_at_ms, profile_id);

-- Webhook subscriptions. segments: JSON array of segment keys (empty: every segment).
CREATE TABLE segment_webhooks (
  workspace_id        TEXT    NOT NULL,
  webhook_id          TEXT    NOT NULL,
  url                 TEXT    NOT NULL,
  secret              TEXT    NOT NULL,
  segments            TEXT    NOT NULL,
  delivered_seq       INTEGER NOT NULL,
  failures            INTEGER NOT NULL,
  next_attempt_at_ms  INTEGER,
  last_error          TEXT,
  created_at_ms       INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, webhook_id)
) STRICT;

-- Segment models (RFM boundaries, clusterings): one JSON document per (kind, id).
CREATE TABLE segment_models (
  workspace_id   TEXT    NOT NULL,
  kind           TEXT    NOT NULL,
  model_id       TEXT    NOT NULL,
  body           TEXT    NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, kind, model_id)
) STRICT;

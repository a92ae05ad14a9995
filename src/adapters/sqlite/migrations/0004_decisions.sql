-- The decision log (src/ports/decision-store.ts): every served decision with its propensities, and
-- the outcomes attributed to it later. Every key starts with workspace_id, as in 0001. The
-- decision-store.ts adapter owns the JSON columns (items, context).

-- One row per served decision. A rowid table, not WITHOUT ROWID: a row carries the bandit context
-- (often hundreds of bytes), too wide to be a good clustered b-tree entry, and decision ids are
-- random, so a table clustered on them would take every append at a random place. As a rowid table
-- appends go to the end, and only the (workspace_id, decision_id) key index takes random inserts.
-- Nullable columns are the DecisionRecord fields that may be null.
CREATE TABLE decisions (
  workspace_id        TEXT    NOT NULL,
  decision_id         TEXT    NOT NULL,
  profile_id          TEXT,
  placement           TEXT    NOT NULL,
  channel             TEXT    NOT NULL,
  at_ms               INTEGER NOT NULL,
  personalized        INTEGER NOT NULL CHECK (personalized IN (0, 1)),
  offer_key           TEXT,
  offer_propensity    REAL,
  discount_percent    REAL,
  content_key         TEXT,
  content_propensity  REAL,
  items               TEXT    NOT NULL,   -- JSON array of item ids, in order
  context             TEXT    NOT NULL,   -- JSON object
  PRIMARY KEY (workspace_id, decision_id)
) STRICT;

-- listForProfile (attribution windows, frequency caps) and reassignProfile: a profile's decisions
-- newest first, ties by id descending, read straight off the index with no sort. Partial: visitors
-- without a profile (profile_id NULL) are never looked up by profile, so they take no entry
-- (`profile_id = ?` implies `profile_id IS NOT NULL`, so the planner uses it).
CREATE INDEX decisions_by_profile ON decisions (workspace_id, profile_id, at_ms DESC, decision_id DESC)
  WHERE profile_id IS NOT NULL;

-- scan with a placement (off-policy evaluation of one placement's policy): the page is a range
-- seek after the (at_ms, decision_id) cursor, in order, with no sort.
CREATE INDEX decisions_by_placement ON decisions (workspace_id, placement, at_ms, decision_id);

-- scan over every placement (reports, exports): the same seek without the placement. Without it a
-- page would read and sort the whole workspace, and paging through it would be quadratic.
CREATE INDEX decisions_by_time ON decisions (workspace_id, at_ms, decision_id);

-- The outcomes attributed to a decision: at most one per kind (the first click, add to cart and
-- order), which the primary key enforces. WITHOUT ROWID: small rows always reached by their key,
-- so the table is its own (decision, kind) index.
CREATE TABLE decision_outcomes (
  workspace_id   TEXT    NOT NULL,
  decision_id    TEXT    NOT NULL,
  kind           TEXT    NOT NULL CHECK (kind IN ('click', 'add_to_cart', 'order')),
  at_ms          INTEGER NOT NULL,
  value          REAL,
  message_id     TEXT    NOT NULL,
  PRIMARY KEY (workspace_id, decision_id, kind)
) WITHOUT ROWID, STRICT;

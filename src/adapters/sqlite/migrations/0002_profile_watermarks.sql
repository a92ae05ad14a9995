-- Write-behind profile persistence (ADR 0004): the highest event seq whose effects the stored
-- profiles include. Events after it are re-applied from the log when the store is opened.
CREATE TABLE profile_watermarks (
  workspace_id   TEXT    NOT NULL PRIMARY KEY,
  applied_seq    INTEGER NOT NULL
) STRICT;

-- The per-object change log: one row per change an applied run made (the
-- plan's changes, in plan order), so that a person's history is read
-- without decompressing every stored plan. Written in the apply
-- transaction together with the run row; deleted with its run when the
-- history is pruned. The rows of runs applied before this migration are
-- filled from their stored plans when it is applied (sqlite.backfills).
--
-- key is the login of a member or enrolment, the code of a department;
-- label its display name then; email the address the change carried (its
-- new value, or the old one of a delete), "" when it carried none.
-- reason, flags (JSON list) and fields (JSON object, old → new) are the
-- plan's; never a password (plans carry none).
CREATE TABLE run_changes (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq     INTEGER NOT NULL, -- the change's position in its plan
  target  TEXT NOT NULL,
  kind    TEXT NOT NULL,
  key     TEXT NOT NULL,
  label   TEXT NOT NULL DEFAULT '',
  email   TEXT NOT NULL DEFAULT '',
  action  TEXT NOT NULL,
  reason  TEXT NOT NULL DEFAULT '',
  flags   TEXT NOT NULL DEFAULT '',
  fields  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX run_changes_run ON run_changes (run_id, seq);
CREATE INDEX run_changes_key ON run_changes (key COLLATE NOCASE, kind);

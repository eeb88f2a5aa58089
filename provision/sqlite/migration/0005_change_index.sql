-- The per-person change index, cheaper than 0004's change log, which
-- copied every change's fields into a row of its own (a first import of
-- 100,000 users wrote 205,000 such rows and took half as long again).
-- A change's details are kept once, in its run's stored plan; these two
-- tables only say where to find them. Both are written in the apply
-- transaction with the run row and deleted with it.
--
-- plan_chunks: an applied run's stored plan is a series of gzip members,
-- one per 256 changes; a row holds one of them (data: the same bytes as
-- in runs.plan, so that reading a change reads kilobytes, not the whole
-- plan), its first change's position in the plan (first_seq) and how many
-- changes it holds (n): a change is read by decompressing its chunk alone.
CREATE TABLE plan_chunks (
  run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  first_seq INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  data      BLOB NOT NULL,
  PRIMARY KEY (run_id, first_seq)
) WITHOUT ROWID;

-- change_keys: one row per change of an applied run, with what a search
-- needs — the key (a member's or enrolment's login, a department's code),
-- the kind, the display name (label) and the e-mail address the change
-- carried (its new value, or the old one of a delete). Ordered by run, so
-- a run's rows are appended together and deleted as one range; a person's
-- rows are found per run (run_id IN applied runs, key =).
CREATE TABLE change_keys (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key    TEXT NOT NULL,
  seq    INTEGER NOT NULL,
  kind   TEXT NOT NULL,
  label  TEXT NOT NULL DEFAULT '',
  email  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, key, seq)
) WITHOUT ROWID;

DROP TABLE run_changes;

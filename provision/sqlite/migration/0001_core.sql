-- Core tables: which cybozu.com domain the database follows (meta), which
-- target object the bridge created or last updated from which directory
-- object (links), the run history, and the one-run-at-a-time lease.
-- Times are Unix milliseconds (UTC).

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- A link: target object (target, kind, object id) ← directory object, by id
-- when the source has ids (the API), always by key (organization code or
-- login name). No foreign key: targets delete their links with their
-- objects, inside the same transaction.
CREATE TABLE links (
  target    TEXT NOT NULL,
  kind      TEXT NOT NULL,
  object_id TEXT NOT NULL,
  dir_id    TEXT NOT NULL DEFAULT '',
  dir_key   TEXT NOT NULL,
  run_id    INTEGER, -- the run that last wrote it; NULL outside runs
  PRIMARY KEY (target, kind, object_id)
) WITHOUT ROWID;

CREATE TABLE runs (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  triggered_by  TEXT NOT NULL,  -- cli, schedule, console, csv_upload, api
  dry_run       INTEGER NOT NULL DEFAULT 0,
  source_kind   TEXT NOT NULL DEFAULT '',
  source_domain TEXT NOT NULL DEFAULT '',
  users         INTEGER NOT NULL DEFAULT 0,
  status        TEXT NOT NULL,  -- applied, dry_run, failed, blocked
  started_at    INTEGER NOT NULL,
  finished_at   INTEGER NOT NULL,
  summary       TEXT NOT NULL DEFAULT '{}', -- JSON, as in the plan
  error_code    TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  plan          BLOB -- the plan as gzip-compressed JSON; NULL when the read failed
);
CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX runs_status ON runs (status, id);

-- One row per lease name ("run"); a holder keeps it until it releases it or
-- it expires (a crashed process cannot keep others out for ever).
CREATE TABLE lease (
  name        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,
  acquired_at INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

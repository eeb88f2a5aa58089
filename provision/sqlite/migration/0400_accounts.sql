-- Accounts, API tokens and the audit log (0400-0499, package
-- internal/access through internal/app). Times are Unix milliseconds (UTC).

-- Named console accounts: only the bcrypt hash of the password.
CREATE TABLE accounts (
  name       TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  hash       BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Named API tokens: only the SHA-256 of the token (256 random bits).
CREATE TABLE api_tokens (
  name       TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  hash       BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used  INTEGER NOT NULL DEFAULT 0
);

-- Every state-changing action from any surface.
CREATE TABLE audit (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_name TEXT NOT NULL DEFAULT '',
  actor_role TEXT NOT NULL DEFAULT '',
  addr       TEXT NOT NULL DEFAULT '',
  action     TEXT NOT NULL,
  target     TEXT NOT NULL DEFAULT '',
  outcome    TEXT NOT NULL,
  code       TEXT NOT NULL DEFAULT '',
  run_id     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_run ON audit (run_id) WHERE run_id != 0;

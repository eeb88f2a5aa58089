-- Calendar-sync enrolments (SPEC §6): one per directory user, and each
-- enrolment's history. The directory user an enrolment follows is in links
-- (target 'calendar', kind 'enrolment'). Times are Unix milliseconds (UTC).
--
-- Who owns what: the bridge writes login, email, name, permitted and
-- gone_since, and calendar_id / caldav_url only while their *_default flag
-- is 1. Everything else (pin, the user switch, the target, hand-set ids and
-- URLs, credentials, auth status, the auto-stop record) is written only by
-- the admin and user commands and the sync engine.

CREATE TABLE calendar_enrolments (
  id                  INTEGER PRIMARY KEY,
  -- Not unique: a user gone from the directory keeps a disabled enrolment
  -- while a new user may get the same login.
  login               TEXT NOT NULL,
  email               TEXT NOT NULL DEFAULT '',
  name                TEXT NOT NULL DEFAULT '',
  permitted           INTEGER NOT NULL CHECK (permitted IN (0, 1)),                        -- 利用許可
  pin                 TEXT NOT NULL DEFAULT '' CHECK (pin IN ('', 'permit', 'revoke')),     -- admin override of the scope
  user_switch         TEXT NOT NULL DEFAULT 'sync' CHECK (user_switch IN ('sync', 'stopped')), -- 同期状態
  target              TEXT NOT NULL CHECK (target IN ('google', 'caldav')),                -- 同期対象
  calendar_id         TEXT NOT NULL DEFAULT '',
  calendar_id_default INTEGER NOT NULL DEFAULT 1 CHECK (calendar_id_default IN (0, 1)),
  auth_status         TEXT NOT NULL DEFAULT 'none' CHECK (auth_status IN ('none', 'authenticated', 'reauth_required')),
  caldav_url          TEXT NOT NULL DEFAULT '',
  caldav_url_default  INTEGER NOT NULL DEFAULT 1 CHECK (caldav_url_default IN (0, 1)),
  caldav_auth_id      TEXT NOT NULL DEFAULT '',
  -- AES-256-GCM sealed with CYBRIDGE_SECRET_KEY, bound to this row's id;
  -- never the password in clear. NULL: none stored.
  caldav_password     BLOB,
  auto_stop_reason    TEXT NOT NULL DEFAULT '' CHECK (auto_stop_reason IN ('', 'forbidden', 'error_limit')),
  auto_stop_at        INTEGER,
  -- The sync engine's recent error times (JSON list of Unix ms, at most 120).
  sync_errors         TEXT NOT NULL DEFAULT '[]',
  gone_since          INTEGER, -- when the bridge found the user gone; NULL while present
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX calendar_enrolments_login ON calendar_enrolments (login);

-- Per-enrolment history (who, what, when): the bridge's changes (with the
-- run), admin edits, the user's switch, checks and the sync engine's
-- auto-stops. Deleted with the enrolment.
CREATE TABLE calendar_history (
  id           INTEGER PRIMARY KEY,
  enrolment_id INTEGER NOT NULL REFERENCES calendar_enrolments (id) ON DELETE CASCADE,
  at           INTEGER NOT NULL,
  actor        TEXT NOT NULL,    -- bridge, admin, user, sync
  run_id       INTEGER,          -- the bridge's run; NULL otherwise
  action       TEXT NOT NULL,    -- create, update, disable, set, stop, resume, permit, revoke, unpin, check, error, auto_stop
  detail       TEXT NOT NULL DEFAULT '' -- JSON: field changes {"name":{"old","new"}}, flags, or a message; never a password
);
CREATE INDEX calendar_history_enrolment ON calendar_history (enrolment_id, id);

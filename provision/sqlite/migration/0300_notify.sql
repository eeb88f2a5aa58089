-- Notifications (0300-0399, package notify): what was last notified, and
-- every delivery of an event to a channel with its attempts.

-- One row: notify.State as JSON (the schedule's health as last told, so
-- that a restart does not tell a continuing failure again).
CREATE TABLE notify_state (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  state TEXT NOT NULL
);

-- One event to one channel. The queue is the pending rows: a restart
-- picks them up. Times are Unix milliseconds (UTC).
CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  channel    TEXT NOT NULL,              -- the channel's key: notify.email[0], notify.webhook[1]
  kind       TEXT NOT NULL,              -- the event: failed, blocked, paused, resumed, recovered, ...
  run_id     TEXT NOT NULL DEFAULT '',
  event      TEXT NOT NULL,              -- notify.Event as JSON
  status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts   INTEGER NOT NULL DEFAULT 0,
  next_at    INTEGER NOT NULL,           -- the next attempt (pending)
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX notifications_due ON notifications (status, next_at);

// Package notify tells admins when scheduled imports stop keeping the
// roster current: a failed run, a safeguard's block, an auto-pause, a
// resume, the first success after a failure, and (from whoever watches
// them) a client certificate or API token about to expire. Channels are
// e-mail over SMTP (github.com/wneessen/go-mail) and webhooks: a generic
// JSON body signed with HMAC-SHA256, or the message formats of Slack,
// Microsoft Teams and Google Chat incoming webhooks. Each channel speaks
// Japanese or English (texts: internal/msg, notify.*).
//
// Decide is a pure function of what was last notified (State), one
// scheduled run's outcome and the pause state before and after it: one
// notification per state change, never one per failed run. The Notifier
// is the scheduler's Observer: it runs Decide inside one Store transaction
// that also queues a Delivery per event and channel (the notifications
// table), and a goroutine of its own sends them.
//
// Decisions:
//   - Delivery never holds up a run: the scheduler's goroutine only
//     queues (one SQLite write); a queueing error is logged, never
//     returned.
//   - Retries are bounded (Options.Backoff: 30 s, 2 min, 10 min, 30 min);
//     then the delivery is recorded as failed and logged at ERROR.
//   - The queue is the database: pending deliveries survive a restart,
//     and the state survives it too, so a failure that continues after
//     a restart is not told again.
//   - Only scheduled runs notify: whoever starts a run by hand sees its
//     result.
//   - Secrets (the SMTP password, the HMAC key) and webhook URLs (which
//     carry the key of Slack's, Teams' and Google Chat's webhooks) never
//     reach a log or a recorded error: those name the host only.
package notify

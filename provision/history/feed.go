package history

import (
	"strconv"
	"strings"
	"time"

	"github.com/cybridge/cybridge/provision"
)

// The feed of applied changes, GET /api/v1/changes?after=CURSOR: every
// change an applied run made, in order (by run, then in plan order), so
// that the apps the roster and the enrolments feed (the safety
// confirmation service, the calendar-sync engine) follow them without
// reading them whole.
//
// Decisions where the specification is silent:
//   - A cursor names the last change read: "RUN-SEQ", the run's id and the
//     change's position in its plan (from 0). "" is the start. A cursor is
//     exact: reading after it again gives the same changes, and a run is
//     in the feed once its apply committed, as a whole — never in part,
//     never one that rolled back.
//   - A change is given as the plan shows it (target, kind, action, key,
//     label, reason, flags, fields old → new); the target's internal ids
//     and apply data are not.
//   - Runs pruned by history.days leave the feed with their changes: a
//     reader that stays away longer than that misses them.

// DefaultFeedLimit and MaxFeedLimit are how many changes one read of the
// feed returns by default and at most.
const (
	DefaultFeedLimit = 1000
	MaxFeedLimit     = 10000
)

// Feed is one read of the feed: {"after":…,"changes":[…],"next":…,"more":…},
// changes never null.
type Feed struct {
	After   string       `json:"after"`
	Changes []FeedChange `json:"changes"`
	// Next is the cursor to read after next time: the last change's, or
	// After when there was none.
	Next string `json:"next"`
	// More says more changes wait after Next now.
	More bool `json:"more"`
}

// FeedChange is one applied change with its run and its cursor.
type FeedChange struct {
	Cursor  string            `json:"cursor"`
	RunID   int64             `json:"run_id"`
	At      time.Time         `json:"at"` // when the run finished
	Trigger provision.Trigger `json:"trigger"`
	Change  provision.Change  `json:"change"`
}

// Cursor is the cursor of change seq (from 0) of run.
func Cursor(run int64, seq int) string {
	return strconv.FormatInt(run, 10) + "-" + strconv.Itoa(seq)
}

// ParseCursor reads a cursor; "" is the start (run 0). ok is false when s
// is not a cursor.
func ParseCursor(s string) (run int64, seq int, ok bool) {
	if s == "" {
		return 0, 0, true
	}
	r, q, found := strings.Cut(s, "-")
	run, err1 := strconv.ParseInt(r, 10, 64)
	seq, err2 := strconv.Atoi(q)
	if !found || err1 != nil || err2 != nil || run < 1 || seq < 0 {
		return 0, 0, false
	}
	return run, seq, true
}

package notify

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
)

// TestDecide drives a sequence of scheduled runs through Decide with the
// schedule's own policy, and lists the events each makes: one per state
// change, never one per failed run.
func TestDecide(t *testing.T) {
	ok := schedule.Outcome{Status: provision.StatusNoChanges}
	fail := func(code string) schedule.Outcome {
		return schedule.Outcome{RunID: "7", Status: provision.StatusFailed, ErrorCode: code, Message: code}
	}
	blocked := schedule.Outcome{RunID: "9", Status: provision.StatusBlocked, ErrorCode: "max_deletes"}
	const resume = "resume"        // a resume through the scheduler
	const resumeCLI = "resume-cli" // a resume in another process
	tests := []struct {
		name  string
		steps []any // schedule.Outcome or a resume
		want  [][]Kind
	}{
		{"healthy", []any{ok, ok}, [][]Kind{nil, nil}},
		{"a failure is told once, recovery once", []any{fail("source_unavailable"), fail("source_unavailable"), ok, ok},
			[][]Kind{{Failed}, nil, {Recovered}, nil}},
		{"a different failure is told", []any{fail("source_unavailable"), fail("forbidden")},
			[][]Kind{{Failed}, {Failed}}},
		{"failures in a row pause: one paused, not failed too", []any{fail("x"), fail("x"), fail("x")},
			[][]Kind{{Failed}, nil, {Paused}}},
		{"credentials rejected pause at once", []any{fail("auth_failed")}, [][]Kind{{Paused}}},
		{"paused, resumed, recovered", []any{fail("auth_failed"), resume, ok}, [][]Kind{{Paused}, {Resumed}, {Recovered}}},
		{"resumed and failing again is told again", []any{fail("auth_failed"), resume, fail("auth_failed")},
			[][]Kind{{Paused}, {Resumed}, {Paused}}},
		{"resumed in another process: the next run tells", []any{fail("auth_failed"), resumeCLI, ok},
			[][]Kind{{Paused}, nil, {Recovered}}},
		{"blocked, resumed, blocked again", []any{blocked, resume, blocked, resume, ok},
			[][]Kind{{Blocked}, {Resumed}, {Blocked}, {Resumed}, {Recovered}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			policy := schedule.DefaultPolicy(3)
			var sched schedule.State
			var st State
			now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
			var got [][]Kind
			for _, step := range tc.steps {
				now = now.Add(10 * time.Minute)
				var events []Event
				switch s := step.(type) {
				case schedule.Outcome:
					before := sched
					policy.Record(&sched, s, now)
					events, st = Decide(st, s, before, sched, now)
				case string:
					was := sched
					sched = schedule.State{}
					if s == resume {
						events, st = DecideResume(st, was, now)
					}
				}
				var kinds []Kind
				for _, e := range events {
					kinds = append(kinds, e.Kind)
				}
				got = append(got, kinds)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("events per step (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecideAdminPauseIsSilent: a pause an admin made is lifted without a
// notification.
func TestDecideAdminPauseIsSilent(t *testing.T) {
	events, _ := DecideResume(State{}, schedule.State{Paused: true, Reason: schedule.ReasonAdmin}, time.Now())
	if len(events) != 0 {
		t.Errorf("events = %+v; want none", events)
	}
}

func TestDecideExternal(t *testing.T) {
	e := Event{Kind: CertExpiring, Key: "serial-1/30d"}
	send, st := DecideExternal(State{}, e)
	if !send {
		t.Fatal("the first expiry warning is not sent")
	}
	if send, _ := DecideExternal(st, e); send {
		t.Error("the same warning is sent twice")
	}
	if send, _ := DecideExternal(st, Event{Kind: CertExpiring, Key: "serial-1/7d"}); !send {
		t.Error("the next threshold is not sent")
	}
	if send, _ := DecideExternal(st, Event{Kind: TokenExpiring, Key: "serial-1/30d"}); !send {
		t.Error("a token warning is deduplicated against the certificate's")
	}
}

func TestExpiryEvent(t *testing.T) {
	notAfter := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	keyAt := func(daysLeft float64) string {
		e, ok := ExpiryEvent(CertExpiring, "cybridge", notAfter, notAfter.Add(-time.Duration(daysLeft*24)*time.Hour))
		if !ok {
			return ""
		}
		return e.Key
	}
	got := []string{keyAt(45), keyAt(29.5), keyAt(20), keyAt(13), keyAt(0.5), keyAt(-1)}
	want := []string{"", "2025-05-01T00:00:00Z/30d", "2025-05-01T00:00:00Z/30d", "2025-05-01T00:00:00Z/14d", "2025-05-01T00:00:00Z/1d", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

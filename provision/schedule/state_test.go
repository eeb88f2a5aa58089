package schedule

import (
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"

	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPolicyRecord(t *testing.T) {
	t0 := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	failed := Outcome{RunID: "r", Status: provision.StatusFailed, ErrorCode: "cybozu_unreachable", Message: "down"}
	ok := Outcome{Status: provision.StatusNoChanges}
	type step struct {
		o     Outcome
		after time.Duration // since t0
	}
	tests := []struct {
		name       string
		policy     Policy
		steps      []step
		wantPaused bool
		wantReason string
		wantConsec int
		wantFails  int
	}{
		{
			name:       "pauses after N consecutive failures",
			policy:     DefaultPolicy(3),
			steps:      []step{{failed, 0}, {failed, time.Minute}, {failed, 2 * time.Minute}},
			wantPaused: true, wantReason: ReasonConsecutiveFailures, wantConsec: 3, wantFails: 3,
		},
		{
			name:       "a success resets the consecutive count",
			policy:     DefaultPolicy(3),
			steps:      []step{{failed, 0}, {failed, time.Minute}, {ok, 2 * time.Minute}, {failed, 3 * time.Minute}},
			wantConsec: 1, wantFails: 3,
		},
		{
			name:       "failure rate within the window pauses",
			policy:     Policy{PauseAfterFailures: 100, FailureLimit: 3, FailureWindow: time.Hour},
			steps:      []step{{failed, 0}, {ok, time.Minute}, {failed, 2 * time.Minute}, {ok, 3 * time.Minute}, {failed, 4 * time.Minute}},
			wantPaused: true, wantReason: ReasonFailureRate, wantConsec: 1, wantFails: 3,
		},
		{
			name:       "failures older than the window do not count",
			policy:     Policy{PauseAfterFailures: 100, FailureLimit: 3, FailureWindow: time.Hour},
			steps:      []step{{failed, 0}, {ok, time.Minute}, {failed, 2 * time.Minute}, {ok, 3 * time.Minute}, {failed, 2 * time.Hour}},
			wantConsec: 1, wantFails: 1,
		},
		{
			name:       "a blocked run pauses at once",
			policy:     DefaultPolicy(12),
			steps:      []step{{Outcome{Status: provision.StatusBlocked, Message: "too many deletes"}, 0}},
			wantPaused: true, wantReason: ReasonBlocked,
		},
		{
			// Every scheduled retry with a rejected password is another
			// failed login, and cybozu.com locks accounts after a few.
			name:       "rejected credentials pause at once",
			policy:     DefaultPolicy(12),
			steps:      []step{{Outcome{Status: provision.StatusFailed, ErrorCode: "auth_failed", Message: "cybozu.com rejected the login name or password"}, 0}},
			wantPaused: true, wantReason: ReasonAuthFailed, wantConsec: 1, wantFails: 1,
		},
		{
			name:       "rejected Basic credentials pause at once",
			policy:     DefaultPolicy(12),
			steps:      []step{{Outcome{Status: provision.StatusFailed, ErrorCode: "basic_auth_failed", Message: "Basic authentication rejected"}, 0}},
			wantPaused: true, wantReason: ReasonAuthFailed, wantConsec: 1, wantFails: 1,
		},
		{
			name:       "the first pause reason is kept",
			policy:     DefaultPolicy(1),
			steps:      []step{{failed, 0}, {Outcome{Status: provision.StatusBlocked}, time.Minute}},
			wantPaused: true, wantReason: ReasonConsecutiveFailures, wantConsec: 1, wantFails: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s State
			for _, st := range tt.steps {
				tt.policy.Record(&s, st.o, t0.Add(st.after))
			}
			got := []any{s.Paused, s.Reason, s.ConsecutiveFailures, len(s.Failures)}
			want := []any{tt.wantPaused, tt.wantReason, tt.wantConsec, tt.wantFails}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("paused, reason, consecutive, failures (-want +got):\n%s", diff)
			}
			if s.Paused && s.Message == "" {
				t.Error("paused without a message for the admin")
			}
		})
	}
}

func TestResumeClearsPauseAndCounters(t *testing.T) {
	ctx := context.Background()
	st := &MemoryStore{}
	now := time.Now()
	if err := st.UpdateState(ctx, func(s *State) error {
		DefaultPolicy(1).Record(s, Outcome{Status: provision.StatusFailed}, now)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	was, err := Resume(ctx, st)
	if err != nil || !was {
		t.Fatalf("Resume = %v, %v; want true, nil", was, err)
	}
	got, _ := st.LoadState(ctx)
	if diff := cmp.Diff(State{}, got); diff != "" {
		t.Errorf("state after resume (-want +got):\n%s", diff)
	}
	if was, _ := Resume(ctx, st); was {
		t.Error("second Resume reported a pause")
	}
}

func TestPauseByAdmin(t *testing.T) {
	ctx := context.Background()
	st := &MemoryStore{}
	if err := Pause(ctx, st, "maintenance", time.Now()); err != nil {
		t.Fatal(err)
	}
	got, _ := st.LoadState(ctx)
	if !got.Paused || got.Reason != ReasonAdmin || got.Message != "maintenance" {
		t.Errorf("state = %+v; want paused by admin", got)
	}
}

// TestStateText: a pause renders in each language from its reason and
// figures, the cause from its code and parameters, and a state stored
// without figures (an older version) as the reason's general text.
func TestStateText(t *testing.T) {
	if gaps := msg.Gaps(Keys()); len(gaps) > 0 {
		t.Errorf("pause texts missing: %v", gaps)
	}
	now := time.Now()
	var s State
	DefaultPolicy(2).Record(&s, Outcome{Status: provision.StatusFailed, ErrorCode: "cybozu_unreachable", Message: "down"}, now)
	DefaultPolicy(2).Record(&s, Outcome{RunID: "9", Status: provision.StatusFailed, ErrorCode: "run_in_progress", Message: "Another run is in progress; try again when it has finished."}, now)
	for _, tc := range []struct {
		lang        msg.Lang
		text, cause string
	}{
		{msg.Ja, "スケジュール実行が 2 回連続して失敗したため自動停止しました。", "別の同期が実行中です。終わってからもう一度実行してください。"},
		{msg.En, "Paused after 2 scheduled runs failed in a row.", "Another run is in progress; try again when it has finished."},
	} {
		if got := s.Text(tc.lang); got != tc.text {
			t.Errorf("Text(%s) = %q, want %q", tc.lang, got, tc.text)
		}
		if got := s.CauseText(tc.lang); got != tc.cause {
			t.Errorf("CauseText(%s) = %q, want %q", tc.lang, got, tc.cause)
		}
	}
	old := State{Paused: true, Reason: ReasonConsecutiveFailures, Message: "12 scheduled runs failed in a row; the last said: down"}
	if got, want := old.Text(msg.Ja), "連続して失敗したため自動停止しました。"; got != want {
		t.Errorf("an old state's Text = %q, want %q", got, want)
	}
	var blocked State
	DefaultPolicy(2).Record(&blocked, Outcome{RunID: "3", Status: provision.StatusBlocked, ErrorCode: "blocked", Message: "A safeguard stopped this run; nothing was changed."}, now)
	if blocked.Cause != nil || blocked.Text(msg.Ja) != msg.Text(msg.Ja, "pause.reason.blocked", nil) {
		t.Errorf("a blocked pause = %+v; want the general text and no cause (the reasons are the run's)", blocked)
	}
}

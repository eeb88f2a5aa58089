package health_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/health"
	"github.com/cybridge/cybridge/provision/schedule"
)

var (
	jst = time.FixedZone("JST", 9*3600)
	t0  = time.Date(2024, 12, 4, 23, 22, 0, 0, jst)
)

// every10 is a */10 cron: the next multiple of ten minutes.
func every10(t time.Time) time.Time { return t.Truncate(10 * time.Minute).Add(10 * time.Minute) }

func run(id int64, st provision.Status, finished time.Time) *provision.Run {
	r := &provision.Run{ID: id, Status: st, StartedAt: finished.Add(-time.Minute), FinishedAt: finished, Repeats: 1, Summary: provision.Summary{}}
	if st == provision.StatusFailed {
		r.Error = &provision.Issue{Code: "source_unavailable"}
	}
	return r
}

func on() schedule.Info { return schedule.Info{Enabled: true, Spec: "*/10 * * * *"} }

func paused(reason string, p msg.Params) schedule.Info {
	in := on()
	in.Pause = schedule.State{Paused: true, Reason: reason, Params: p, Since: t0.Add(time.Hour)}
	return in
}

// TestOf: each level and reason, worst first, in Japanese as the overview
// says it.
func TestOf(t *testing.T) {
	noChange := run(7, provision.StatusNoChanges, t0.Add(2*time.Hour))
	noChange.StartedAt, noChange.Repeats = t0, 13
	applied := run(5, provision.StatusApplied, t0)
	applied.Summary = provision.Summary{"safety": {"members": {"create": 3, "update": 2}}}
	failed := run(8, provision.StatusFailed, t0.Add(3*time.Hour))
	blocked := run(9, provision.StatusBlocked, t0.Add(3*time.Hour))
	now := t0.Add(3*time.Hour + 5*time.Minute)

	for _, tc := range []struct {
		name  string
		in    health.Input
		level health.Level
		codes []string // the headline's, then the others'
		text  string
	}{
		{"no changes", health.Input{Newest: noChange, LastSuccess: noChange, Schedule: on(), Next: every10, Now: t0.Add(2*time.Hour + 5*time.Minute)},
			health.LevelOK, []string{health.CauseInSync}, "正常: 12/04 23:22 以降変更なし（最終確認 12/05 01:22）"},
		{"applied", health.Input{Newest: applied, LastSuccess: applied, Schedule: on(), Next: every10, Now: t0.Add(5 * time.Minute)},
			health.LevelOK, []string{health.CauseSynced}, "正常: 12/04 23:22 に 5 件の変更を適用しました"},
		{"failed, not paused", health.Input{Newest: failed, LastSuccess: noChange, Schedule: on(), Next: every10, Now: now},
			health.LevelWarning, []string{health.CauseRunFailed, health.CauseInSync}, "注意: 最新の実行（12/05 02:22）が失敗しました（source_unavailable）"},
		{"blocked, not paused", health.Input{Newest: blocked, LastSuccess: noChange, Schedule: on(), Next: every10, Now: now},
			health.LevelWarning, []string{health.CauseRunBlocked, health.CauseInSync}, "注意: 最新の実行（12/05 02:22）は安全装置が止めました。計画を確認してください"},
		{"paused after an authentication error", health.Input{Newest: failed, LastSuccess: noChange, Schedule: paused(schedule.ReasonAuthFailed, nil), Next: every10, Now: now},
			health.LevelStopped, []string{health.CausePaused, health.CauseInSync}, "停止中: 認証エラーで一時停止"},
		{"paused after failures in a row", health.Input{Newest: failed, Schedule: paused(schedule.ReasonConsecutiveFailures, msg.Params{"count": 12}), Next: every10, Now: now},
			health.LevelStopped, []string{health.CausePaused}, "停止中: 12 回連続の失敗で一時停止"},
		{"paused by an admin, and the schedule's run overdue is not said", health.Input{Newest: noChange, LastSuccess: noChange, Schedule: paused(schedule.ReasonAdmin, nil), Next: every10, Now: t0.Add(48 * time.Hour)},
			health.LevelStopped, []string{health.CausePaused, health.CauseInSync}, "停止中: 管理者が一時停止"},
		{"certificate expired", health.Input{Newest: noChange, LastSuccess: noChange, Schedule: on(), Next: every10, Now: t0.Add(2*time.Hour + 5*time.Minute),
			Certificate: &health.Certificate{Expired: true, Days: 2, NotAfter: t0}},
			health.LevelStopped, []string{health.CauseCertificateExpired, health.CauseInSync}, "停止中: クライアント証明書の有効期限が切れています（12/04 23:22）"},
		{"certificate expiring", health.Input{Newest: noChange, LastSuccess: noChange, Schedule: on(), Next: every10, Now: t0.Add(2*time.Hour + 5*time.Minute),
			Certificate: &health.Certificate{Days: 6, NotAfter: t0.Add(6 * 24 * time.Hour)}},
			health.LevelWarning, []string{health.CauseCertificateExpires, health.CauseInSync}, "注意: クライアント証明書の有効期限まであと 6 日です（12/10 23:22）"},
		{"API token expiring", health.Input{Newest: noChange, LastSuccess: noChange, Schedule: on(), Next: every10, Now: t0.Add(2*time.Hour + 5*time.Minute),
			Token: &health.Certificate{Days: 6, NotAfter: t0.Add(6 * 24 * time.Hour)}},
			health.LevelWarning, []string{health.CauseTokenExpires, health.CauseInSync}, "注意: API トークンの有効期限まであと 6 日です（2024-12-10）"},
		{"API token's day passed: a warning, not stopped", health.Input{Newest: noChange, LastSuccess: noChange, Schedule: on(), Next: every10, Now: t0.Add(2*time.Hour + 5*time.Minute),
			Token: &health.Certificate{Expired: true, Days: 1, NotAfter: t0}},
			health.LevelWarning, []string{health.CauseTokenExpired, health.CauseInSync}, "注意: API トークンの有効期限（2024-12-04）を過ぎています"},
		{"schedule off", health.Input{Newest: noChange, LastSuccess: noChange, Now: t0.Add(48 * time.Hour)},
			health.LevelWarning, []string{health.CauseScheduleOff, health.CauseInSync}, "注意: スケジュール実行は無効です。名簿は手動の実行でのみ更新されます"},
		// Last run at 01:22; triggers at 01:30 and 01:40 were missed: overdue
		// after 01:40 + 30 min.
		{"overdue", health.Input{Newest: noChange, LastSuccess: noChange, Schedule: on(), Next: every10, Now: t0.Add(2*time.Hour + 49*time.Minute)},
			health.LevelWarning, []string{health.CauseOverdue, health.CauseInSync}, "注意: 12/05 01:22 以降、スケジュール実行が行われていません"},
		{"not overdue within the grace", health.Input{Newest: noChange, LastSuccess: noChange, Schedule: on(), Next: every10, Now: t0.Add(2*time.Hour + 47*time.Minute)},
			health.LevelOK, []string{health.CauseInSync}, "正常: 12/04 23:22 以降変更なし（最終確認 12/05 01:22）"},
		{"not overdue while a run is going", health.Input{Newest: noChange, LastSuccess: noChange, Schedule: func() schedule.Info { i := on(); i.Running = true; return i }(), Next: every10, Now: t0.Add(5 * time.Hour)},
			health.LevelOK, []string{health.CauseInSync}, "正常: 12/04 23:22 以降変更なし（最終確認 12/05 01:22）"},
		{"never run", health.Input{Schedule: on(), Next: every10, Now: t0},
			health.LevelWarning, []string{health.CauseNeverRun}, "注意: まだ一度も同期していません"},
		{"worst first: paused, certificate, schedule", health.Input{Newest: failed, Schedule: func() schedule.Info { i := paused(schedule.ReasonBlocked, nil); i.Enabled = false; return i }(),
			Now: now, Certificate: &health.Certificate{Days: 3, NotAfter: t0}},
			health.LevelStopped, []string{health.CausePaused, health.CauseCertificateExpires, health.CauseScheduleOff}, "停止中: 安全装置が働いたため一時停止"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Location = jst
			h := health.Of(tc.in)
			codes := []string{h.Reason.Code}
			for _, r := range h.Others {
				codes = append(codes, r.Code)
			}
			if h.Level != tc.level {
				t.Errorf("level = %s, want %s", h.Level, tc.level)
			}
			if diff := cmp.Diff(tc.codes, codes); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if got := h.Text(msg.Ja); got != tc.text {
				t.Errorf("Text(ja) = %q, want %q", got, tc.text)
			}
			for _, r := range append(h.Others, h.Reason) {
				for _, l := range []msg.Lang{msg.Ja, msg.En} {
					if s := r.Text(l); s == "" || s == "health."+r.Code {
						t.Errorf("%s: no text in %s", r.Code, l)
					}
				}
			}
		})
	}
}

// TestOfAfterRecovery is the review's C7: a blocked run, a fix, then a
// scheduled run with no changes: the blocked run is history, not the
// current state.
func TestOfAfterRecovery(t *testing.T) {
	blocked := run(3, provision.StatusBlocked, t0)
	in := health.Input{Newest: blocked, LastSuccess: run(2, provision.StatusApplied, t0.Add(-time.Hour)),
		Schedule: paused(schedule.ReasonBlocked, nil), Next: every10, Now: t0.Add(time.Minute), Location: jst}
	if h := health.Of(in); h.Level != health.LevelStopped {
		t.Fatalf("blocked and paused: %s %s", h.Level, h.Text(msg.En))
	}
	// The admin fixes the directory and resumes; the next run finds the
	// roster current.
	ok := run(4, provision.StatusNoChanges, t0.Add(10*time.Minute))
	in.Newest, in.LastSuccess, in.Schedule, in.Now = ok, ok, on(), t0.Add(11*time.Minute)
	h := health.Of(in)
	if h.Level != health.LevelOK || len(h.Others) != 0 {
		t.Errorf("after recovery: %s %s, others %v", h.Level, h.Text(msg.En), h.Others)
	}
	if got, want := h.Text(msg.En), "OK: No changes since 12/04 23:31 (last checked 12/04 23:32)"; got != want {
		t.Errorf("Text(en) = %q, want %q", got, want)
	}
}

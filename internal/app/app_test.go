package app

import (
	"bytes"
	"context"
	"errors"
	"github.com/cybridge/cybridge/internal/msg"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
)

// testApp is an App over a temporary database reading the simulated
// domain sim (the fixture company unless a test replaces its snapshot).
func testApp(t *testing.T, mod func(*config.Config)) (*App, *cybozutest.Server) {
	t.Helper()
	sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: fixtures.Company()})
	cfg := config.Default()
	cfg.DB = filepath.Join(t.TempDir(), "cybridge.db")
	cfg.Cybozu.URL = sim.URL()
	cfg.Cybozu.Login = cybozutest.DefaultLogin
	cfg.Cybozu.Password = cybozutest.DefaultPassword
	cfg.Safety.InitialPassword = "initial-Passw0rd"
	cfg.Calendar.Enabled = false
	if mod != nil {
		mod(&cfg)
	}
	store, err := sqlite.Open(context.Background(), cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a, err := New(&cfg, store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a, sim
}

// dryRun records a dry run of the configured source and returns its id.
func dryRun(t *testing.T, a *App) int64 {
	t.Helper()
	res, err := a.Run(context.Background(), RunRequest{Trigger: provision.TriggerConsole, DryRun: true})
	if err != nil || res.RunID == 0 {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	return res.RunID
}

// TestApplyPlanMarksInTheApplyTransaction: a stored plan's "applied" mark
// is written in the apply transaction — an apply whose mark cannot be
// written is rolled back whole (nothing applied, nothing marked) — and a
// plan is applied once.
func TestApplyPlanMarksInTheApplyTransaction(t *testing.T) {
	ctx := context.Background()
	a, _ := testApp(t, nil)
	plan := dryRun(t, a)

	// Another run marks the plan applied between the check and the apply:
	// the mark, checked again in the apply transaction, refuses it.
	res, err := a.run(ctx, provision.Request{Trigger: provision.TriggerConsole, Plan: mustRun(t, a, plan).Plan,
		AfterApply: func(ctx context.Context, q provision.Querier, runID int64) error {
			if err := a.store.SetPlanApplied(ctx, q, plan, runID); err != nil {
				return err
			}
			return errors.New("the mark's transaction fails")
		}})
	if err == nil || res.Status != provision.StatusFailed {
		t.Fatalf("apply with a failing mark = %+v, %v; want failed", res, err)
	}
	if by, _ := a.PlanAppliedBy(ctx, plan); by != 0 {
		t.Errorf("the plan is marked applied by run %d after its apply rolled back", by)
	}
	if ex, _ := a.Roster(ctx); len(ex.Members) != 0 {
		t.Errorf("the roster has %d members after the apply rolled back", len(ex.Members))
	}

	res, err = a.ApplyPlan(ctx, ApplyRequest{Trigger: provision.TriggerConsole, RunID: plan})
	if err != nil || res.Status != provision.StatusApplied {
		t.Fatalf("apply = %+v, %v", res, err)
	}
	if by, _ := a.PlanAppliedBy(ctx, plan); by != res.RunID {
		t.Errorf("PlanAppliedBy = %d, want %d", by, res.RunID)
	}
	_, err = a.ApplyPlan(ctx, ApplyRequest{Trigger: provision.TriggerConsole, RunID: plan})
	if msg.Code(err) != provision.CodeStalePlan || !strings.Contains(err.Error(), "already applied") {
		t.Errorf("second apply: %v; want stale_plan, already applied", err)
	}
	if _, err := a.ApplyPlan(ctx, ApplyRequest{Trigger: provision.TriggerConsole, RunID: res.RunID}); msg.Code(err) != CodeNoPlan {
		t.Errorf("apply of an applied run: %v; want no_plan", err)
	}
}

func mustRun(t *testing.T, a *App, id int64) *provision.Run {
	t.Helper()
	r, err := a.GetRun(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestApplyDownloadedPlanMarksItsRun: `apply -plan FILE` of a plan
// downloaded from the console (the run's plan as the API serves it) marks
// the run that made it applied, so the console stops offering it.
func TestApplyDownloadedPlanMarksItsRun(t *testing.T) {
	ctx := context.Background()
	a, sim := testApp(t, nil)
	if _, err := a.Run(ctx, RunRequest{Trigger: provision.TriggerCLI}); err != nil {
		t.Fatal(err)
	}
	sim.SetSnapshot(fixtures.Leave(fixtures.Company(), "a.okada"))
	older := dryRun(t, a)
	id := dryRun(t, a)

	c := NewConsole(a, nil)
	run, err := c.GetRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	if err := run.Plan.WriteJSON(&body); err != nil { // what the console's download serves
		t.Fatal(err)
	}
	plan, err := provision.ReadPlan(&body)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.ApplyPlan(ctx, ApplyRequest{Trigger: provision.TriggerCLI, Plan: plan, AllowDeletes: true})
	if err != nil || res.Status != provision.StatusApplied {
		t.Fatalf("apply -plan = %+v, %v", res, err)
	}
	if by, _ := a.PlanAppliedBy(ctx, id); by != res.RunID {
		t.Errorf("the downloaded plan's run %d is marked applied by %d, want run %d", id, by, res.RunID)
	}
	if by, _ := a.PlanAppliedBy(ctx, older); by != 0 {
		t.Errorf("an older dry run of the same directory is marked applied by %d", by)
	}
	if got, _ := c.GetRun(ctx, id); got.AppliedBy != res.RunID {
		t.Errorf("the console shows run %d applied by %d", id, got.AppliedBy)
	}

	// A plan no recorded run made (another database) applies without a mark.
	plan.CreatedAt = plan.CreatedAt.Add(-1e12)
	if n, err := a.store.PlanRunOf(ctx, plan); n != 0 || err != nil {
		t.Errorf("PlanRunOf(a plan of no run) = %d, %v", n, err)
	}
}

// TestLatestPlan: the newest dry run or blocked run, answered by the store.
func TestLatestPlan(t *testing.T) {
	ctx := context.Background()
	a, _ := testApp(t, nil)
	if _, err := a.LatestPlan(ctx); msg.Code(err) != msg.CodeNotFound {
		t.Errorf("no plan yet: %v", err)
	}
	first := dryRun(t, a)
	second := dryRun(t, a)
	if _, err := a.ApplyPlan(ctx, ApplyRequest{Trigger: provision.TriggerConsole, RunID: second}); err != nil {
		t.Fatal(err)
	}
	r, err := a.LatestPlan(ctx)
	if err != nil || r.ID != second || r.Plan == nil {
		t.Errorf("LatestPlan = %+v, %v; want run %d (not %d, nor the applied run)", r, err, second, first)
	}
}

// TestSourceDropsAdministratorOnce: every source drops the built-in
// Administrator unless configured otherwise.
func TestSourceDropsAdministratorOnce(t *testing.T) {
	dir := t.TempDir()
	// Exports never hold the Administrator; these do, to be dropped.
	if _, err := csvfile.WriteDir(dir, fixtures.Company(), csvfile.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		o       Overrides
		include bool
		want    bool
	}{
		{"api", Overrides{}, false, false},
		{"api, included", Overrides{}, true, true},
		{"csv", Overrides{CSVDir: dir}, false, false},
		{"csv, included", Overrides{CSVDir: dir}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := testApp(t, func(c *config.Config) { c.Cybozu.IncludeAdministrator = tc.include })
			snap, err := a.WithOverrides(tc.o).Read(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := directory.NewIndex(snap).Users[directory.AdministratorLogin] != nil; got != tc.want {
				t.Errorf("Administrator read = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestOverridesCheck: kinds, encodings and separators outside the lists
// are refused, naming the override.
func TestOverridesCheck(t *testing.T) {
	for _, tc := range []struct {
		o    Overrides
		want string
	}{
		{Overrides{Kind: "ldap"}, "kind"},
		{Overrides{Encoding: "ebcdic"}, "encoding"},
		{Overrides{Separator: "pipe"}, "separator"},
		{Overrides{Kind: "csv", Encoding: "gbk", Separator: "space"}, ""},
	} {
		var oe *OverrideError
		err := tc.o.Check()
		got := ""
		if errors.As(err, &oe) {
			got = oe.Field
		}
		if got != tc.want || (err != nil && msg.Code(err) != msg.CodeUsage) {
			t.Errorf("Check(%+v) = %v; want field %q", tc.o, err, tc.want)
		}
	}
}

// TestConfigTakesCSVFileLists: the configuration keys source.csv_encoding
// and source.csv_separator take exactly csvfile's lists. config cannot
// name them (a validate tag is a literal), so this holds the two together.
func TestConfigTakesCSVFileLists(t *testing.T) {
	st := reflect.TypeOf(config.Source{})
	for field, want := range map[string][]string{"CSVEncoding": csvfile.Encodings(), "CSVSeparator": csvfile.Separators()} {
		f, _ := st.FieldByName(field)
		tag := f.Tag.Get("validate")
		got := strings.Fields(strings.TrimPrefix(tag, "oneof="))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("config.Source.%s validate:%q (-csvfile +config):\n%s", field, tag, diff)
		}
	}
}

// TestRecordScheduledFailurePrunes: a recovered panic is recorded through
// the runner's record path, which prunes the history.
func TestRecordScheduledFailurePrunes(t *testing.T) {
	ctx := context.Background()
	a, _ := testApp(t, func(c *config.Config) { c.History.Days = 1 })
	old := dryRun(t, a)
	a.store.Clock = func() time.Time { return time.Now().Add(72 * time.Hour) }
	id, err := a.RecordScheduledFailure(ctx, "internal", "internal error (panic: boom)")
	if err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, a, id)
	if r.Trigger != provision.TriggerSchedule || r.Status != provision.StatusFailed || r.Error == nil || r.Error.Code != "internal" {
		t.Errorf("recorded = %+v", r)
	}
	if _, err := a.GetRun(ctx, old); msg.Code(err) != msg.CodeNotFound {
		t.Errorf("run %d, older than history.days, is still there: %v", old, err)
	}
}

// TestCodesHaveTexts: every error and warning of the use cases has a
// Japanese and an English text, renders in Japanese without English words
// (config keys and environment variables aside), and a check warning
// with a cause renders the cause in the same language.
func TestCodesHaveTexts(t *testing.T) {
	if gaps := msg.Gaps(Codes()); len(gaps) > 0 {
		t.Errorf("texts missing: %v", gaps)
	}
	for _, err := range []error{errNoTargets, errCalendarDisabled, errSafetyDisabled,
		newError(CodeNoPlan, "", msg.Params{"run": 3}), newError(msg.CodeNotFound, KeyNoPlanYet, nil), newError(msg.CodeUsage, KeyCSVFiles, nil)} {
		ja := msg.Localize(msg.Ja, err)
		if s := msg.EnglishSentence(ja); s != "" || !msg.IsJapanese(ja) {
			t.Errorf("%s in Japanese: %q", msg.Code(err), ja)
		}
		if strings.Contains(msg.Localize(msg.En, err), "-") && strings.Contains(err.Error(), " -") {
			t.Errorf("%s names a flag: %q", msg.Code(err), err.Error())
		}
	}
	w := newCheckIssue(WarnAdminUnknown, nil, msg.New(msg.KindUnavailable, "canceled", nil))
	if got, want := w.Localize(msg.Ja), "接続に使うアカウントが cybozu.com 共通管理者かどうか確認できませんでした。（処理が中断されました。何も変更していません。）"; got != want {
		t.Errorf("administrator_unknown in Japanese = %q, want %q", got, want)
	}
	if w.Message != "could not tell whether the account is a cybozu.com administrator: The operation was canceled; nothing was changed." {
		t.Errorf("administrator_unknown's Message = %q", w.Message)
	}
}

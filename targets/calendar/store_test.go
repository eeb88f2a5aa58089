package calendar

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
	"github.com/cybridge/cybridge/targets/calendar/caldav/caldavtest"
)

// world is a database with the calendar target and a Runner over it.
type world struct {
	t      *testing.T
	store  *sqlite.Store
	target *Target
	runner *provision.Runner
	editor *Editor
	clock  time.Time
}

func newWorld(t *testing.T, c config.Calendar, key secret.Secret) *world {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cybridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{t: t, store: st, target: newTarget(t, c), clock: now}
	st.Clock = func() time.Time { return w.clock }
	w.runner = &provision.Runner{
		Store: st, Targets: []provision.Target{w.target},
		Safeguards: provision.Safeguards{MaxDeletes: 50, MaxDeletePercent: 100, MinSourceRatio: 0},
	}
	var cipher *Cipher
	if key.IsSet() {
		if cipher, err = NewCipher(key); err != nil {
			t.Fatal(err)
		}
	}
	w.editor = NewEditor(st, w.target.Policy, cipher)
	return w
}

// run plans and applies snap, failing the test on an error.
func (w *world) run(snap *directory.Snapshot) *provision.Result {
	w.t.Helper()
	res, err := w.runner.Run(context.Background(), provision.Request{
		Trigger: provision.TriggerCLI,
		Read:    func(context.Context) (*directory.Snapshot, error) { return snap, nil },
	})
	if err != nil {
		w.t.Fatalf("run: %v", err)
	}
	return res
}

func (w *world) list() map[string]Enrolment {
	w.t.Helper()
	ens, err := w.editor.List(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]Enrolment{}
	for _, e := range ens {
		out[e.Login] = e
	}
	return out
}

func states(m map[string]Enrolment) map[string]DisplayState {
	out := map[string]DisplayState{}
	for l, e := range m {
		out[l] = e.State()
	}
	return out
}

func TestApplyRoundTrip(t *testing.T) {
	w := newWorld(t, calConfig(), "")
	snap := company()
	res := w.run(snap)
	if res.Status != provision.StatusApplied {
		t.Fatalf("first run: %s", res.Status)
	}
	got := w.list()
	want := map[string]DisplayState{"ito": StateSyncing, "sato": StateSyncing, "suzuki": StateDisabled, "tanaka": StateDisabled}
	if diff := cmp.Diff(want, states(got)); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	sato := got["sato"]
	if sato.Switch != SwitchSync || sato.Target != KindGoogle || sato.CalendarID != "sato@example.com" || !sato.CalendarIDDefault || sato.AuthStatus != AuthNone {
		t.Errorf("sato = %+v, want the rule 1 defaults", sato)
	}
	_, hist, err := w.editor.Show(context.Background(), "sato")
	if err != nil || len(hist) != 1 || hist[0].Action != "create" || hist[0].Actor != ActorBridge || hist[0].RunID != res.RunID {
		t.Errorf("history = %+v, %v; want one create by the bridge in run %d", hist, err, res.RunID)
	}

	// The same directory again: nothing to do, nothing written but the
	// run's history row.
	before, _ := w.store.Changes(context.Background())
	w.clock = w.clock.Add(10 * time.Minute)
	if res := w.run(company()); res.Status != provision.StatusNoChanges || res.Plan.HasChanges() {
		t.Errorf("second run: %s with %d changes, want no_changes", res.Status, len(res.Plan.Changes))
	}
	if after, _ := w.store.Changes(context.Background()); after-before != 1 {
		t.Errorf("a no-change run wrote %d rows; want 1, its history row", after-before)
	}

	// tanaka back, sato suspended, suzuki renamed, ito gone.
	snap = company()
	user(snap, "tanaka").Valid = true
	user(snap, "sato").Valid = false
	user(snap, "suzuki").Login = "hanako.suzuki"
	removeUser(snap, "ito")
	snap.Sort()
	w.clock = w.clock.Add(time.Hour)
	res = w.run(snap)
	if res.Status != provision.StatusApplied {
		t.Fatalf("third run: %s", res.Status)
	}
	got = w.list()
	want = map[string]DisplayState{"ito": StateDisabled, "sato": StateDisabled, "hanako.suzuki": StateDisabled, "tanaka": StateSyncing}
	if diff := cmp.Diff(want, states(got)); diff != "" {
		t.Errorf("states after the changes (-want +got):\n%s", diff)
	}
	if got["hanako.suzuki"].CreatedAt != got["tanaka"].CreatedAt {
		t.Errorf("the renamed user got a new enrolment: %+v", got["hanako.suzuki"])
	}
	if ito := got["ito"]; !ito.Gone() || !ito.GoneSince.Equal(w.clock) {
		t.Errorf("ito gone since %v, want %v", ito.GoneSince, w.clock)
	}
	if res := w.run(snap); res.Status != provision.StatusNoChanges {
		t.Errorf("repeat: %s, want no_changes", res.Status)
	}

	// Forty days later, with delete_after_days = 30, ito's enrolment goes.
	c := calConfig()
	c.DeleteAfterDays = 30
	w.target.Policy, _ = NewPolicy(c)
	w.clock = w.clock.Add(40 * 24 * time.Hour)
	res = w.run(snap)
	if n := res.Plan.Summary[Name]["enrolments"][provision.Delete]; n != 1 {
		t.Errorf("deletes = %d, want 1", n)
	}
	if _, ok := w.list()["ito"]; ok {
		t.Error("ito's enrolment is still there")
	}
	links, _ := w.store.Links(context.Background(), w.store.DB(), Name)
	if len(links) != 3 {
		t.Errorf("links = %d, want 3 (the deleted enrolment's link removed)", len(links))
	}
}

func TestApplyKeepsUserSettings(t *testing.T) {
	w := newWorld(t, calConfig(), testKey)
	ctx := context.Background()
	w.run(company())
	if _, err := w.editor.SetGoogle(ctx, "sato", GoogleSettings{CalendarID: "team@group.calendar.google.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.editor.Stop(ctx, "sato"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.editor.SetCalDAV(ctx, "ito", CalDAVSettings{URL: "https://cal.other.example/ito/", AuthID: "ito", Password: "ito-secret-password"}); err != nil {
		t.Fatal(err)
	}
	snap := company()
	user(snap, "sato").Email = "ichiro@example.com"
	user(snap, "ito").Email = "saburo@other.example"
	res := w.run(snap)
	for _, c := range res.Plan.Changes {
		if c.HasFlag(FlagResetsSync) {
			t.Errorf("%s: resets_sync for a hand-set id or URL", c.Key)
		}
	}
	got := w.list()
	if s := got["sato"]; s.CalendarID != "team@group.calendar.google.com" || s.Switch != SwitchStopped || s.Email != "ichiro@example.com" || s.State() != StateStopped {
		t.Errorf("sato = %+v", s)
	}
	if i := got["ito"]; i.Target != KindCalDAV || i.CalDAVURL != "https://cal.other.example/ito/" || !i.HasPassword || i.CalDAVAuthID != "ito" {
		t.Errorf("ito = %+v", i)
	}
}

func TestStaleAfterEdit(t *testing.T) {
	w := newWorld(t, calConfig(), "")
	ctx := context.Background()
	w.run(company())
	snap := company()
	user(snap, "sato").Valid = false
	plan, err := w.runner.Plan(ctx, snap, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.editor.Revoke(ctx, "tanaka"); err != nil {
		t.Fatal(err)
	}
	_, err = w.runner.Run(ctx, provision.Request{Trigger: provision.TriggerCLI, Plan: plan})
	var coded interface{ ErrorCode() string }
	if !errors.As(err, &coded) || coded.ErrorCode() != provision.CodeStalePlan {
		t.Errorf("apply after an edit: %v, want stale_plan", err)
	}
	// The sync engine's error reports do not make plans stale.
	plan, _ = w.runner.Plan(ctx, snap, false)
	if _, _, err := w.editor.RecordError(ctx, "sato", ErrServer); err != nil {
		t.Fatal(err)
	}
	if _, err := w.runner.Run(ctx, provision.Request{Trigger: provision.TriggerCLI, Plan: plan}); err != nil {
		t.Errorf("apply after an error report: %v", err)
	}
}

func TestEditorCommands(t *testing.T) {
	w := newWorld(t, calConfig(), testKey)
	ctx := context.Background()
	w.run(company())
	ed := w.editor
	codeOf := func(err error) string {
		var coded interface{ ErrorCode() string }
		if errors.As(err, &coded) {
			return coded.ErrorCode()
		}
		return ""
	}

	// permit / revoke / unpin (rule 3) and the switch.
	if e, err := ed.Permit(ctx, "suzuki"); err != nil || !e.Permitted || e.Pin != PinPermit {
		t.Fatalf("permit: %+v %v", e, err)
	}
	if res := w.run(company()); res.Status != provision.StatusNoChanges {
		t.Errorf("pinned permit undone by a run: %+v", briefs(res.Plan))
	}
	if e, err := ed.Unpin(ctx, "suzuki"); err != nil || e.Pin != PinNone || !e.Permitted {
		t.Fatalf("unpin: %+v %v", e, err)
	}
	if res := w.run(company()); res.Plan.Summary[Name]["enrolments"][provision.Disable] != 1 {
		t.Errorf("after unpin the scope should disable suzuki: %+v", briefs(res.Plan))
	}
	if _, err := ed.Stop(ctx, "suzuki"); codeOf(err) != CodeNotPermitted {
		t.Errorf("stop while disabled: %v, want %s", err, CodeNotPermitted)
	}
	if _, err := ed.Stop(ctx, "nobody"); codeOf(err) != CodeNotFound {
		t.Errorf("unknown login: %v, want %s", err, CodeNotFound)
	}

	// record-error: Forbidden stops at once; resume clears.
	e, stopped, err := ed.RecordError(ctx, "sato", ErrForbidden)
	if err != nil || !stopped || e.State() != StateStopped || e.StopReason() != StopForbidden {
		t.Fatalf("forbidden: %+v stopped=%v %v", e, stopped, err)
	}
	res := w.run(company())
	if res.Status != provision.StatusNoChanges || len(res.Plan.Warnings) != 1 || res.Plan.Warnings[0].Code != WarnAutoStopped {
		t.Errorf("run with an auto-stopped enrolment: %s, warnings %+v", res.Status, res.Plan.Warnings)
	}
	if e, err := ed.Resume(ctx, "sato"); err != nil || e.State() != StateSyncing || e.AutoStop.Stopped() || len(e.AutoStop.Errors) != 0 {
		t.Fatalf("resume: %+v %v", e, err)
	}
	for i := 0; i < ErrorLimit; i++ {
		w.clock = w.clock.Add(time.Minute)
		if e, stopped, err = ed.RecordError(ctx, "ito", ErrServer); err != nil {
			t.Fatal(err)
		}
		if stopped != (i == ErrorLimit-1) {
			t.Fatalf("error %d: stopped=%v", i+1, stopped)
		}
	}
	if e.StopReason() != StopErrors {
		t.Errorf("ito stop reason = %q", e.StopReason())
	}

	// Input validation (rule 8).
	bad := []struct {
		name string
		err  error
	}{
		{"calendar id", func() error { _, err := ed.SetGoogle(ctx, "sato", GoogleSettings{CalendarID: "not an id"}); return err }()},
		{"http URL", func() error {
			_, err := ed.SetCalDAV(ctx, "sato", CalDAVSettings{URL: "http://dav.example.com/", AuthID: "a", Password: "p"})
			return err
		}()},
		{"no auth id", func() error {
			_, err := ed.SetCalDAV(ctx, "sato", CalDAVSettings{URL: "https://dav.example.com/", Password: "p"})
			return err
		}()},
		{"no password", func() error {
			_, err := ed.SetCalDAV(ctx, "sato", CalDAVSettings{URL: "https://dav.example.com/", AuthID: "a"})
			return err
		}()},
		{"keep a password there is none of", func() error {
			_, err := ed.SetCalDAV(ctx, "sato", CalDAVSettings{URL: "https://dav.example.com/", AuthID: "a", KeepPassword: true})
			return err
		}()},
	}
	for _, b := range bad {
		if codeOf(b.err) != CodeInvalidInput {
			t.Errorf("%s: %v, want %s", b.name, b.err, CodeInvalidInput)
		}
	}
	// Without a key no password is stored.
	noKey := NewEditor(w.store, w.target.Policy, nil)
	if _, err := noKey.SetCalDAV(ctx, "sato", CalDAVSettings{AuthID: "a", Password: "p"}); codeOf(err) != CodeSecretKeyMissing {
		t.Errorf("no key: %v, want %s", err, CodeSecretKeyMissing)
	}
	// The default URL comes from the template.
	e, err = ed.SetCalDAV(ctx, "sato", CalDAVSettings{AuthID: "sato", Password: "p"})
	if err != nil || e.CalDAVURL != "https://dav.example.com/sato/calendar/" || !e.CalDAVURLDefault {
		t.Errorf("default URL: %+v %v", e, err)
	}
	// An admin setting a Google calendar resets the Google authorization.
	if _, err := w.store.DB().ExecContext(ctx, "UPDATE calendar_enrolments SET auth_status = 'authenticated' WHERE login = 'tanaka'"); err != nil {
		t.Fatal(err)
	}
	e, err = ed.SetGoogle(ctx, "tanaka", GoogleSettings{CalendarID: "tanaka.team@group.calendar.google.com"})
	if err != nil || e.AuthStatus != AuthNone || e.CalendarIDDefault {
		t.Errorf("set google: %+v %v", e, err)
	}
	e, err = ed.SetGoogle(ctx, "tanaka", GoogleSettings{})
	if err != nil || e.CalendarID != "tanaka@example.com" || !e.CalendarIDDefault {
		t.Errorf("back to the default id: %+v %v", e, err)
	}
}

// TestRule9_CalDAVCheck checks stored CalDAV settings against a real
// Radicale server.
func TestRule9_CalDAVCheck(t *testing.T) {
	srv := caldavtest.Start(t)
	w := newWorld(t, calConfig(), testKey)
	ctx := context.Background()
	w.run(company())
	ed := w.editor
	if _, err := ed.SetCalDAV(ctx, "sato", CalDAVSettings{URL: srv.URL("/alice/calendar/"), AuthID: "alice", Password: secret.Secret(caldavtest.Users["alice"])}); err != nil {
		t.Fatal(err)
	}
	res, err := ed.Check(ctx, "sato")
	if err != nil || res.Outcome != caldav.Reachable || res.Calendar != "Work" {
		t.Errorf("check = %+v, %v; want reachable", res, err)
	}
	if _, err := ed.SetCalDAV(ctx, "sato", CalDAVSettings{URL: srv.URL("/alice/calendar/"), AuthID: "alice", Password: "wrong"}); err != nil {
		t.Fatal(err)
	}
	if res, _ := ed.Check(ctx, "sato"); res.Outcome != caldav.Unauthorized {
		t.Errorf("check with a wrong password = %+v", res)
	}
	if _, err := ed.SetCalDAV(ctx, "sato", CalDAVSettings{URL: srv.URL("/alice/contacts/"), AuthID: "alice", Password: secret.Secret(caldavtest.Users["alice"])}); err != nil {
		t.Fatal(err)
	}
	if res, _ := ed.Check(ctx, "sato"); res.Outcome != caldav.NotCalendar {
		t.Errorf("check of an address book = %+v", res)
	}
	_, hist, _ := ed.Show(ctx, "sato")
	var checks int
	for _, h := range hist {
		if h.Action == "check" {
			checks++
		}
	}
	if checks != 3 {
		t.Errorf("history has %d checks, want 3", checks)
	}
	// A key other than the one the password was sealed with cannot open it.
	other, _ := NewCipher(secret.Secret(strings.Repeat("cd", 32)))
	if _, err := NewEditor(w.store, w.target.Policy, other).Check(ctx, "sato"); err == nil || !strings.Contains(err.Error(), "secret key") {
		t.Errorf("check with another key: %v", err)
	}
	if _, err := ed.Check(ctx, "tanaka"); err == nil {
		t.Error("check of a Google target succeeded")
	}
}

// TestNoPasswordInDatabase searches the database files' bytes, the run
// history and every enrolment output for a stored CalDAV password.
func TestNoPasswordInDatabase(t *testing.T) {
	const password = "Zq8-caldav-PASSWORD-77"
	w := newWorld(t, calConfig(), testKey)
	ctx := context.Background()
	w.run(company())
	if _, err := w.editor.SetCalDAV(ctx, "sato", CalDAVSettings{URL: "https://dav.example.com/sato/", AuthID: "sato", Password: password}); err != nil {
		t.Fatal(err)
	}
	snap := company()
	user(snap, "sato").Email = "x@example.com"
	w.run(snap)
	e, hist, err := w.editor.Show(ctx, "sato")
	if err != nil {
		t.Fatal(err)
	}
	list, _ := w.editor.List(ctx)
	runs, _ := w.store.ListRuns(ctx, 10)
	var out bytes.Buffer
	for _, v := range []any{e, hist, list, runs} {
		b, _ := json.Marshal(v)
		out.Write(b)
	}
	if err := w.store.Dump(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out.Bytes(), []byte(password)) {
		t.Error("the password appears in an output or a dump")
	}
	w.store.Close()
	matches, _ := filepath.Glob(w.store.Path() + "*") // the database, its WAL and shared memory
	if len(matches) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range matches {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(password)) {
			t.Errorf("%s holds the CalDAV password in clear", filepath.Base(f))
		}
	}
}

// TestSavingTheDefaultKeepsItDefaulted: the admin's form shows the
// enrolment's current calendar id and URL; saving it unchanged (or sending
// the same value through the API) must not turn a defaulted value into a
// hand-set one, or the id would silently stop following the email (rules 4
// and 5).
func TestSavingTheDefaultKeepsItDefaulted(t *testing.T) {
	w := newWorld(t, calConfig(), testKey)
	ctx := context.Background()
	w.run(company())
	if _, err := w.editor.SetGoogle(ctx, "sato", GoogleSettings{CalendarID: "sato@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.editor.SetCalDAV(ctx, "suzuki", CalDAVSettings{AuthID: "suzuki", Password: "suzuki-dav-password"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.editor.SetCalDAV(ctx, "suzuki", CalDAVSettings{URL: "https://dav.example.com/suzuki/calendar/", AuthID: "suzuki", KeepPassword: true}); err != nil {
		t.Fatal(err)
	}
	got := w.list()
	if s := got["sato"]; !s.CalendarIDDefault {
		t.Errorf("sato: saving the default calendar id made it hand-set: %+v", s)
	}
	if s := got["suzuki"]; !s.CalDAVURLDefault {
		t.Errorf("suzuki: saving the default URL made it hand-set: %+v", s)
	}
	_, hist, err := w.editor.Show(ctx, "sato")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(hist); n != 1 {
		t.Errorf("sato: %d history rows, want 1 (the create; an unchanged save writes nothing)", n)
	}
	snap := company()
	user(snap, "sato").Email = "ichiro@example.com"
	user(snap, "suzuki").Email = "hanako@example.com"
	w.run(snap)
	got = w.list()
	if s := got["sato"]; s.CalendarID != "ichiro@example.com" {
		t.Errorf("sato: calendar id %q did not follow the email", s.CalendarID)
	}
	if s := got["suzuki"]; s.CalDAVURL != "https://dav.example.com/hanako/calendar/" {
		t.Errorf("suzuki: CalDAV URL %q did not follow the email", s.CalDAVURL)
	}
	// An email whose case alone changed keeps the id (same calendar); the
	// form then shows the id in its old case, and saving it keeps it
	// defaulted too.
	user(snap, "sato").Email = "Ichiro@Example.com"
	w.run(snap)
	if _, err := w.editor.SetGoogle(ctx, "sato", GoogleSettings{CalendarID: "ichiro@example.com"}); err != nil {
		t.Fatal(err)
	}
	if s := w.list()["sato"]; !s.CalendarIDDefault || s.CalendarID != "ichiro@example.com" {
		t.Errorf("sato after a case-only email change and a save: %+v", s)
	}
}

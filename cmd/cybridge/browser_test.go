package main

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/internal/access"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
)

// The browser tests drive the real console (real runner, targets, SQLite,
// simulated cybozu.com domain) in headless Chromium (Debian's chromium,
// installed by .ci/run). Without chromium they fail under CI=true and are
// skipped elsewhere.

var updateScreenshot = flag.Bool("update-screenshot", false, "save the console overview screenshot to docs/console-overview.png")

// browser starts a fresh headless Chromium for one test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; the browser tests need it (apt-get install chromium; .ci/run installs it)")
		}
		t.Skip("chromium is not installed; the browser tests run in CI (apt-get install chromium to run them here)")
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 860),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// page is one browser tab on the console.
type page struct {
	t   *testing.T
	ctx context.Context
	url string
}

func (p *page) open(path string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Navigate(p.url+path)); err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
}

// submit clicks a button that posts a form and waits for the next page.
func (p *page) submit(sel string) {
	p.t.Helper()
	if _, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("click %s: %v", sel, err)
	}
}

// finishRun waits on a job's page, which refreshes itself, until the run
// ended and the browser shows its run's page.
func (p *page) finishRun() {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for strings.HasPrefix(p.path(), "/jobs/") {
		if time.Now().After(deadline) {
			p.t.Fatalf("still on %s after 30s", p.path())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *page) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// has reports whether an element matches sel now.
func (p *page) has(sel string) bool {
	p.t.Helper()
	n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int]("document.querySelectorAll("+jsString(sel)+").length"))
	if err != nil {
		p.t.Fatalf("query %s: %v", sel, err)
	}
	return n > 0
}

func (p *page) path() string {
	p.t.Helper()
	loc, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, p.url)
}

func (p *page) expect(sel, want string) {
	p.t.Helper()
	if got := p.text(sel); !strings.Contains(got, want) {
		p.t.Errorf("%s (on %s) = %q; want it to contain %q", sel, p.path(), got, want)
	}
}

// loginAs logs in with a login name and password.
func (p *page) loginAs(name, password string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS("#login-name"), name)); err != nil {
		p.t.Fatal(err)
	}
	p.login(password)
}

// expectAudit checks the audit log holds these entries ("action actor
// outcome"), oldest first, and that each console entry names the
// browser's address.
func (p *page) expectAudit(st *stack, want []string) {
	p.t.Helper()
	var audit struct{ Entries []access.Entry }
	st.mustAPI(200, "GET", "/api/v1/audit", nil, &audit)
	var got []string
	for i := len(audit.Entries) - 1; i >= 0; i-- {
		e := audit.Entries[i]
		got = append(got, e.Action+" "+e.Actor.Name+" "+e.Outcome)
		if e.Actor.Kind == access.KindAccount && e.Actor.Addr != "127.0.0.1" {
			p.t.Errorf("audit entry %+v: address %q; want the browser's", e, e.Actor.Addr)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		p.t.Errorf("audit log (-want +got):\n%s", diff)
	}
}

func (p *page) login(password string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS("#password"), password)); err != nil {
		p.t.Fatal(err)
	}
	p.submit("#login")
}

// fitsWidth checks the page does not scroll sideways at the viewport width
// (wide tables scroll inside their own box).
func (p *page) fitsWidth(width int) {
	p.t.Helper()
	w, err := chromedp.Run(p.ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
	if err != nil {
		p.t.Fatal(err)
	}
	if w > width {
		p.t.Errorf("%s is %d px wide on a %d px screen", p.path(), w, width)
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// TestBrowserConsole: log in (after a wrong password), switch languages,
// run a dry run, read the plan table, apply it, revoke an enrolment, read
// the console on a 375 px screen, and (with -update-screenshot) save the
// overview for the README.
func TestBrowserConsole(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	st := startStack(t, func(c *config.Config) {
		if *updateScreenshot {
			// The screenshot shows the default schedule. (Off otherwise:
			// a trigger at a ten-minute mark would race the test.)
			c.Schedule.Cron = config.Default().Schedule.Cron
		}
	})
	p := &page{t: t, ctx: ctx, url: st.url}

	p.open("/")
	if got := p.path(); !strings.HasPrefix(got, "/login") {
		t.Fatalf("the console without a session shows %s; want the login page", got)
	}
	p.expect("label[for=password]", "Admin password") // the browser asks for English
	p.submit("#lang-switch")
	p.expect("label[for=password]", "管理者パスワード")

	p.login("not-the-password")
	p.expect("#login-error", "ログインできませんでした")
	p.login(serveAdminPassword)
	if got := p.path(); got != "/" {
		t.Fatalf("after logging in the browser is on %s", got)
	}
	p.expect("h1", "概要")
	p.expect("#schedule", "スケジュール")

	// Dry run: the plan table lists the company's people.
	p.submit("#dry-run")
	p.finishRun()
	dryRunPage := p.path()
	p.expect("#run-status", "テスト実行（変更なし）")
	p.expect("table.adds", "a.okada")
	p.expect("table.adds", "岡田 愛")
	p.expect("#plan", "安否確認")
	p.expect("#plan", "カレンダー同期")
	if st.info().Last != nil {
		t.Error("a console run counted as a scheduled one")
	}

	// Apply exactly that plan.
	p.submit("#apply")
	p.expect("#flash", "計画を適用しました")
	p.expect("#run-status", "適用済み")
	p.expect("#run-by", "admin（admin）")
	appliedPage := p.path()
	p.open(dryRunPage)
	if p.has("#apply") {
		t.Error("the applied plan still offers 「この計画を適用する」")
	}
	p.expect("#plan", "この計画は実行")

	// Revoke an enrolment from the list.
	p.open("/calendar?state=syncing")
	p.expect(`[id="enrolment-a.okada"]`, "有効（同期中）")
	p.submit(`[id="enrolment-a.okada"] button.danger`)
	p.expect("#flash", "a.okada の利用を無効にしました")
	if p.has(`[id="enrolment-a.okada"]`) {
		t.Error("the revoked enrolment is still listed as syncing")
	}
	p.open("/calendar/a.okada")
	p.expect("#enrolment-state", "無効")

	// The roster page shows the department tree with member counts.
	p.open("/roster")
	p.expect("#dept-tree", "人")
	p.expect("#members", "a.okada")

	// The audit log lists every action above with its actor and the
	// browser's address, oldest first here (the API and the page list the
	// newest first).
	p.expectAudit(st, []string{"login_failure admin refused", "login admin ok", "dry_run admin ok", "apply admin ok", "enrolment_edit admin ok"})
	p.open("/audit")
	p.expect("#audit", "admin（admin）")
	p.expect("#audit", "テスト実行（変更なし）")
	p.expect("#audit", "ログイン失敗")
	p.expect("#audit", "127.0.0.1")
	p.open(dryRunPage)
	p.expect("#applied-by-actor", "admin（admin）")
	p.open(appliedPage)

	// English, from the switch on any page.
	p.open("/")
	p.submit("#lang-switch")
	p.expect("h1", "Overview")
	p.expect("#last-run", "applied")

	// A 375 px screen: no page scrolls sideways.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", dryRunPage, "/runs", "/calendar", "/roster", "/upload"} {
		p.open(path)
		p.fitsWidth(375)
	}

	if *updateScreenshot {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 860)); err != nil {
			t.Fatal(err)
		}
		p.open("/")
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join("..", "..", "docs", "console-overview.png")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", out)
	}
}

// TestBrowserUploadAndPauseBanner: scheduled runs fail against a broken
// domain until they pause; the banner says why; the Shift_JIS CSV export
// is uploaded, previewed and applied; resume lifts the banner.
func TestBrowserUploadAndPauseBanner(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	st := startStack(t, func(c *config.Config) {
		c.Schedule.Cron = "* * * * * *"
		c.Schedule.PauseAfterFailures = 2
	})
	st.fail.Store(true)
	p := &page{t: t, ctx: ctx, url: st.url}
	p.open("/login")
	p.login(serveAdminPassword)
	waitUntil(t, 15*time.Second, "the auto-pause", func() bool { return st.info().Pause.Paused })

	p.open("/")
	p.expect("#pause-banner", "Scheduled runs are paused")
	p.expect("#pause-banner", "Paused after 2 scheduled runs failed in a row.")
	p.expect("#schedule-state", "Paused")

	// Upload the Shift_JIS export.
	var files []string
	for _, name := range []string{"user.csv", "organization.csv", "userOrganizations.csv", "title.csv", "group.csv", "userGroups.csv"} {
		abs, err := filepath.Abs(filepath.Join("..", "..", "fixtures", "csv", "export-sjis", name))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, abs)
	}
	p.open("/upload")
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#files"), files),
		chromedp.SetValue(chromedp.CSS("#encoding"), "shift_jis"),
	); err != nil {
		t.Fatal(err)
	}
	p.submit("#preview")
	p.expect("#upload-preview", "user.csv")
	p.expect("#upload-preview", "岡田 愛") // decoded from Shift_JIS
	p.expect("table.adds", "a.okada")
	p.submit("#apply")
	p.expect("#run-status", "applied")
	p.expect("main", "CSV upload")
	runs := st.runs()
	if runs[0].Trigger != "csv_upload" || runs[0].Status != "applied" {
		t.Errorf("newest run = %+v; want an applied csv_upload", runs[0])
	}

	// The domain is back; the admin resumes.
	st.fail.Store(false)
	p.open("/")
	p.submit("#resume")
	p.expect("#flash", "Scheduled runs resumed.")
	if p.has("#pause-banner") {
		t.Error("the pause banner is still shown after resume")
	}
}

// productWords are the names a Japanese page writes in Latin letters (as
// cybozu.com's own Japanese help does): they are not English sentences.
var productWords = []string{"CalDAV", "Google", "CSV", "API", "User", "Basic", "Shift_JIS", "UTF", "JST", "ID", "cybridge", "cybozu", "URL"}

// noEnglish fails when the page's visible text has an English sentence
// (msg.EnglishSentence: three English words in a row, names, codes,
// logins, file names and product names aside).
func (p *page) noEnglish(what string) string {
	p.t.Helper()
	body := p.text("body")
	if s := msg.EnglishSentence(body, productWords...); s != "" {
		p.t.Errorf("%s (%s) shows English in the Japanese console: %q\npage:\n%s", what, p.path(), s, body)
	}
	return body
}

// TestBrowserJapaneseWhenThingsGoWrong: with the console in Japanese, an
// auth-failure pause, a plan with warnings, a safeguard block that pauses
// the schedule and a CSV upload with problems show no English sentence on
// the overview, the plan, the run pages, the upload result and the pause
// banner; and the safeguard's reason is on the overview exactly once.
func TestBrowserJapaneseWhenThingsGoWrong(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	st := startStack(t, func(c *config.Config) {
		c.Schedule.Cron = "* * * * * *"
		c.Safeguards.MaxDeletes = 1
		// ghost-team is no group of the domain: scope_unknown_code.
		c.Calendar.Scope = `group in ("ghost-team") or user not in ("a.okada")`
	})
	// The account's password was changed in cybozu.com: the first
	// scheduled run fails with auth_failed and pauses the schedule.
	st.wrongPassword.Store(true)
	p := &page{t: t, ctx: ctx, url: st.url}
	p.open("/login")
	p.submit("#lang-switch") // the browser asks for English; the admin picks 日本語
	p.login(serveAdminPassword)
	waitUntil(t, 15*time.Second, "the auth-failure pause", func() bool { return st.info().Pause.Paused })
	st.wrongPassword.Store(false)
	pause := st.info().Pause
	if pause.Reason != schedule.ReasonAuthFailed || pause.RunID == "" {
		t.Fatalf("pause = %+v; want auth_failed with its run", pause)
	}
	p.open("/")
	p.expect("#pause-banner", "cybozu.com がログインを拒否")
	p.expect("#last-run", "auth_failed")
	p.noEnglish("the overview with an auth-failure pause")
	p.open("/runs/" + pause.RunID)
	p.expect("#run-error", "auth_failed")
	p.noEnglish("the failed run")

	// A plan with warnings.
	p.open("/")
	p.submit("#dry-run")
	p.finishRun()
	p.expect("#run-status", "テスト実行（変更なし）")
	p.expect(".plan-warnings", "ghost-team")
	p.noEnglish("the plan with warnings")
	p.submit("#apply")
	p.expect("#run-status", "適用済み")
	p.noEnglish("the applied run")

	// Two people leave and one is suspended: more than max_deletes = 1.
	// The admin resumes; the next scheduled run is blocked and pauses.
	st.sim.SetSnapshot(fixtures.Changes(fixtures.Company()))
	p.open("/")
	p.submit("#resume")
	waitUntil(t, 15*time.Second, "the safeguard pause", func() bool { return st.info().Pause.Paused })
	pause = st.info().Pause
	if pause.Reason != schedule.ReasonBlocked {
		t.Fatalf("pause = %+v; want blocked", pause)
	}
	id, err := strconv.ParseInt(pause.RunID, 10, 64)
	if err != nil {
		t.Fatalf("the blocked pause names run %q", pause.RunID)
	}
	var blocked struct{ Plan provision.Plan }
	st.mustAPI(200, "GET", "/api/v1/runs/"+pause.RunID, nil, &blocked)
	if len(blocked.Plan.Safeguards) == 0 {
		t.Fatalf("run %d was blocked with no safeguard reason", id)
	}
	p.open("/")
	p.expect("#pause-banner", "安全装置")
	body := p.noEnglish("the overview with a safeguard pause")
	for _, reason := range blocked.Plan.Safeguards {
		text := provision.IssueText(msg.Ja, reason)
		if n := strings.Count(body, text); n != 1 {
			t.Errorf("the safeguard reason %q is on the overview %d times; want once\npage:\n%s", text, n, body)
		}
	}
	p.open(runPath(id))
	p.expect(".plan-safeguards", "max_deletes")
	p.noEnglish("the blocked run")

	// A CSV export with problems: a member of an organization the files
	// do not have.
	var files []string
	for _, name := range []string{"user.csv", "organization.csv", "userOrganizations.csv", "title.csv", "group.csv", "userGroups.csv"} {
		abs, err := filepath.Abs(filepath.Join("..", "..", "fixtures", "csv", "broken-unknown-org", name))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, abs)
	}
	p.open("/upload")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#files"), files)); err != nil {
		t.Fatal(err)
	}
	p.submit("#preview")
	p.expect("main", "userOrganizations.csv")
	p.noEnglish("the upload with problems")
}

// runPath is a run's page in the console.
func runPath(id int64) string { return "/runs/" + strconv.FormatInt(id, 10) }

// TestBrowserRoles: an operator pauses, and the banner names them; a
// viewer sees no button to run, apply, resume or edit, and a run posted
// anyway is refused with a Japanese page; the admin resumes, and the
// overview names them. The audit log lists each with its actor.
func TestBrowserRoles(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	st := startStack(t, func(c *config.Config) { c.Schedule.Cron = "0 3 * * *" })
	const pw = "role-password-0123"
	bg := access.WithActor(context.Background(), access.Actor{Kind: access.KindCLI, Name: "root", Addr: "cli"})
	for name, role := range map[string]access.Role{"sato": access.Operator, "suzuki": access.Viewer} {
		if err := st.srv.app.AddAccount(bg, name, role, pw); err != nil {
			t.Fatal(err)
		}
	}
	p := &page{t: t, ctx: ctx, url: st.url}
	p.open("/login")
	p.submit("#lang-switch")
	p.loginAs("sato", pw)
	p.expect("#who", "sato（operator）")
	if p.has("#nav-accounts") || !p.has("#nav-audit") {
		t.Error("an operator's menu: want the audit log, not the accounts")
	}
	p.submit("#pause")
	p.expect("#pause-by", "sato（operator）が")
	p.expect("#pause-by", "に一時停止しました")
	p.submit("#logout")

	p.loginAs("suzuki", pw)
	p.expect("#who", "suzuki（viewer）")
	p.expect("#pause-by", "sato（operator）が")
	for _, sel := range []string{"#resume", "#dry-run", "#sync-now", "#nav-audit", "#nav-accounts"} {
		if p.has(sel) {
			t.Errorf("a viewer is shown %s", sel)
		}
	}
	// A form posted anyway (as a crafted page would) is refused.
	if _, err := chromedp.RunResponse(ctx, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/runs';
		const i = document.createElement('input'); i.name = 'mode'; i.value = 'sync'; f.appendChild(i); document.body.appendChild(f); f.submit(); return null })()`)); err != nil {
		t.Fatal(err)
	}
	p.expect("main", "この操作は許可されていません")
	p.expect("main", "role_forbidden")
	if body := p.text("main"); strings.Contains(body, "cybridge ") {
		t.Errorf("the refusal gives CLI advice: %q", body)
	}
	if runs := st.runs(); len(runs) != 0 {
		t.Errorf("the viewer's refused run ran: %+v", runs)
	}
	p.submit("#logout")

	p.login(serveAdminPassword)
	p.expect("#who", "admin（admin）")
	p.submit("#resume")
	p.expect("#resumed-by", "admin（admin）が")
	p.expect("#resumed-by", "に再開しました")
	p.open("/audit")
	p.noEnglish("the audit log")
	p.open("/accounts")
	p.expect("#accounts", "sato")
	p.noEnglish("the accounts page")

	p.expectAudit(st, []string{"account_add root ok", "account_add root ok", "login sato ok", "pause sato ok", "login suzuki ok",
		"run suzuki refused", "login admin ok", "resume admin ok"})
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/golden"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/safety"
)

func TestConsolePagesInBothLanguages(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	e.post("/runs", url.Values{"mode": {"dry_run"}})
	for _, tc := range []struct{ accept, lang, overview string }{
		{"ja,en;q=0.8", "ja", "概要"},
		{"en-US,en;q=0.9,ja;q=0.5", "en", "Overview"},
		{"", "ja", "概要"},
		{"fr", "ja", "概要"},
	} {
		for _, p := range consolePages {
			st, _, body := e.get(p, "Accept-Language", tc.accept)
			if st != 200 {
				t.Errorf("%s (%s) = %d", p, tc.accept, st)
				continue
			}
			if !strings.Contains(body, `<html lang="`+tc.lang+`">`) || !strings.Contains(body, ">"+tc.overview+"</a>") {
				t.Errorf("%s with Accept-Language %q is not in %s", p, tc.accept, tc.lang)
			}
			if m := regexp.MustCompile(`>((?:nav|plan|runs|cal|roster|upload|overview|pause|status|trigger)\.[a-z_.]+)<`).FindStringSubmatch(body); m != nil {
				t.Errorf("%s (%s): untranslated key %s", p, tc.lang, m[1])
			}
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newTestEnv(t)
	st, h, _ := e.post("/lang", url.Values{"lang": {"en"}, "next": {"/login"}})
	if st != http.StatusSeeOther || h.Get("Location") != "/login" {
		t.Fatalf("POST /lang = %d → %q", st, h.Get("Location"))
	}
	_, _, body := e.get("/login", "Accept-Language", "ja")
	if !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Admin password") {
		t.Errorf("after switching to English the login page is not English")
	}
	e.post("/lang", url.Values{"lang": {"ja"}, "next": {"/login"}})
	_, _, body = e.get("/login", "Accept-Language", "en")
	if !strings.Contains(body, "管理者パスワード") {
		t.Errorf("after switching to Japanese the login page is not Japanese")
	}
}

func TestConsoleDryRunAndApply(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	st, h, _ := e.post("/runs", url.Values{"mode": {"dry_run"}})
	if st != http.StatusSeeOther || h.Get("Location") != "/jobs/job1" {
		t.Fatalf("dry run = %d → %q", st, h.Get("Location"))
	}
	// The job ended: its page sends to the recorded run.
	if st, h, _ = e.get("/jobs/job1"); st != http.StatusSeeOther || h.Get("Location") != "/runs/1" {
		t.Fatalf("ended job = %d → %q", st, h.Get("Location"))
	}
	_, _, page := e.get("/runs/1", "Accept-Language", "en")
	for _, want := range []string{`id="flash"`, "Adds", "Changes", "Deletes and disables", "Warnings", "kato",
		"<del>&#34;sato@example.com&#34;</del> → <ins>&#34;ichiro.sato@example.com&#34;</ins>", `id="apply"`, `name="run_id" value="1"`} {
		if !strings.Contains(page, want) {
			t.Errorf("run page lacks %q", want)
		}
	}
	if _, _, p := e.get("/plan"); !strings.Contains(p, `value="1"`) {
		t.Errorf("/plan does not show the latest dry run")
	}
	st, h, _ = e.post("/plan/apply", url.Values{"run_id": {"1"}})
	if st != http.StatusSeeOther || h.Get("Location") != "/runs/2" {
		t.Fatalf("apply = %d → %q", st, h.Get("Location"))
	}
	if diff := cmp.Diff([]string{"run console", "apply 1 console"}, e.backend.calls); diff != "" {
		t.Errorf("backend calls (-want +got):\n%s", diff)
	}
	_, _, page = e.get("/runs/1", "Accept-Language", "en")
	if strings.Contains(page, `id="apply"`) || !strings.Contains(page, "applied by run 2") {
		t.Errorf("an applied plan still offers apply, or does not say who applied it")
	}
	// Applying again is refused as stale, with how to fix it.
	e.post("/plan/apply", url.Values{"run_id": {"1"}})
	_, _, page = e.get("/runs/1", "Accept-Language", "en")
	if !strings.Contains(page, "<code>stale_plan</code>") {
		t.Errorf("stale apply not reported:\n%s", page)
	}
}

func TestConsoleBlockedRunAppliesWithDeletesAllowed(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	e.backend.block = true
	st, h, _ := e.post("/runs", url.Values{"mode": {"sync"}})
	if st != http.StatusSeeOther || h.Get("Location") != "/jobs/job1" {
		t.Fatalf("blocked sync = %d → %q", st, h.Get("Location"))
	}
	if st, h, _ = e.get("/jobs/job1"); st != http.StatusSeeOther || h.Get("Location") != "/runs/1" {
		t.Fatalf("ended job = %d → %q", st, h.Get("Location"))
	}
	_, _, page := e.get("/runs/1", "Accept-Language", "en")
	for _, want := range []string{"<code>blocked</code>", "max_deletes", `name="allow_deletes" required`, `id="apply"`} {
		if !strings.Contains(page, want) {
			t.Errorf("blocked run page lacks %q", want)
		}
	}
	e.post("/plan/apply", url.Values{"run_id": {"1"}, "allow_deletes": {"on"}})
	if diff := cmp.Diff([]string{"run console", "apply 1 console allow"}, e.backend.calls); diff != "" {
		t.Errorf("backend calls (-want +got):\n%s", diff)
	}
}

func TestConsoleUpload(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	body, ctype := multipartBody(t, map[string][]byte{"user.csv": []byte("login,name\nsato,佐藤\n")},
		map[string]string{"encoding": "shift_jis", "separator": "comma", "header": "yes"})
	st, _, page := e.do("POST", "/upload", body, map[string]string{"Content-Type": ctype})
	if st != 200 {
		t.Fatalf("upload = %d", st)
	}
	for _, want := range []string{"<td>佐藤</td>", `id="apply"`, `value="shift_jis" selected`} {
		if !strings.Contains(page, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if got := e.backend.calls[0]; got != "csv 1 shift_jis comma true" {
		t.Errorf("preview call = %q", got)
	}
	if strings.Contains(page, `id="passwords-masked"`) {
		t.Error("a file without passwords says they were masked")
	}
	// A file with a password column says the passwords are masked (F8).
	body, ctype = multipartBody(t, map[string][]byte{"user.csv": []byte("login,name,password\nsato,佐藤,********\n")}, nil)
	if _, _, page = e.do("POST", "/upload", body, map[string]string{"Content-Type": ctype}); !strings.Contains(page, `id="passwords-masked"`) ||
		!strings.Contains(page, "パスワードの列があります") {
		t.Error("a file with passwords does not say they were masked")
	}
	e.backend.calls = e.backend.calls[:1]
	e.post("/plan/apply", url.Values{"run_id": {"1"}})
	if got := e.backend.calls[1]; got != "apply 1 csv_upload" {
		t.Errorf("apply of an upload = %q; want trigger csv_upload", got)
	}

	body, ctype = multipartBody(t, map[string][]byte{"user.csv": []byte("login,name\nsato,BAD\n")}, nil)
	st, _, page = e.do("POST", "/upload", body, map[string]string{"Content-Type": ctype})
	if st != http.StatusBadRequest || !strings.Contains(page, `id="line-errors"`) || strings.Contains(page, `id="apply"`) {
		t.Errorf("upload with a bad line = %d; want line errors and no apply", st)
	}
}

func TestConsoleRoster(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	_, _, page := e.get("/roster", "Accept-Language", "en")
	for _, want := range []string{"営業部", "営業1課", "防災訓練班", "1 member", `href="/roster/departments/drill"`} {
		if !strings.Contains(page, want) {
			t.Errorf("roster lacks %q", want)
		}
	}
	if strings.Contains(page, `href="/roster/departments/sales"`) {
		t.Errorf("an imported department is offered for editing")
	}
	e.post("/roster/departments", url.Values{"code": {"aed"}, "name": {"AED 係"}, "parent": {"drill"}})
	e.post("/roster/members", url.Values{"login": {"guard"}, "name": {"警備 太郎"}, "departments": {"aed, drill"}})
	e.post("/roster/members/sato", url.Values{"name": {"佐藤 一郎"}, "email": {"sato@example.com"}, "departments": {"sales-1,drill"}})
	e.post("/roster/departments/drill", url.Values{"name": {"防災班"}, "parent": {""}})
	v, _ := e.backend.Roster(context.Background())
	got := map[string][]string{}
	for _, m := range v.Members {
		got[m.Login] = m.Departments
	}
	want := map[string][]string{"guard": {"aed", "drill"}, "sato": {"sales-1", "drill"}, "suzuki": {"sales", "drill"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("members' departments (-want +got):\n%s", diff)
	}
	_, _, page = e.get("/roster")
	if !strings.Contains(page, "AED 係") || !strings.Contains(page, "防災班") {
		t.Errorf("added or edited department not shown")
	}
	// A duplicate is refused with the backend's message.
	e.post("/roster/departments", url.Values{"code": {"aed"}, "name": {"again"}})
	_, _, page = e.get("/roster")
	if !strings.Contains(page, "<code>department_exists</code>") {
		t.Errorf("duplicate department not reported")
	}
}

func TestConsoleCalendar(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	e.post("/lang", url.Values{"lang": {"en"}})
	_, _, page := e.get("/calendar?state=disabled")
	if !strings.Contains(page, "田中 次郎") || strings.Contains(page, "佐藤 一郎") {
		t.Errorf("state filter disabled shows the wrong enrolments")
	}
	st, h, _ := e.post("/calendar/sato/revoke", url.Values{"next": {"/calendar?state=syncing"}})
	if st != http.StatusSeeOther || h.Get("Location") != "/calendar?state=syncing" {
		t.Errorf("revoke = %d → %q", st, h.Get("Location"))
	}
	_, _, page = e.get("/calendar?state=disabled")
	if !strings.Contains(page, "佐藤 一郎") || !strings.Contains(page, "Pinned") {
		t.Errorf("revoked enrolment not disabled and pinned")
	}
	e.post("/calendar/suzuki/target", url.Values{"target": {"caldav"}, "url": {"https://dav.example.com/s/"}, "auth_id": {"suzuki"}, "password": {"pw"}})
	_, _, page = e.get("/calendar/suzuki", "Accept-Language", "en")
	if !strings.Contains(page, "https://dav.example.com/s/") || !strings.Contains(page, "Sync settings updated.") {
		t.Errorf("admin edit not saved or not confirmed")
	}
	e.post("/calendar/suzuki/check", nil)
	_, _, page = e.get("/calendar/suzuki", "Accept-Language", "en")
	if !strings.Contains(page, "Unauthorized: check the auth ID and password.") {
		t.Errorf("check outcome not shown")
	}
	e.post("/calendar/sato/unpin", nil)
	if d, _ := e.backend.Enrolment(context.Background(), "sato"); d.Pinned {
		t.Errorf("unpin did not unpin")
	}
}

func TestPauseBannerAndResume(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	e.post("/lang", url.Values{"lang": {"en"}})
	if _, _, p := e.get("/"); strings.Contains(p, `id="pause-banner"`) {
		t.Fatal("banner shown while not paused")
	}
	e.post("/pause", nil)
	for _, p := range []string{"/", "/runs", "/calendar"} {
		_, _, page := e.get(p, "Accept-Language", "en")
		if !strings.Contains(page, `id="pause-banner"`) || !strings.Contains(page, "Paused by an admin.") {
			t.Errorf("%s: no pause banner with the reason", p)
		}
	}
	e.post("/resume", nil)
	_, _, page := e.get("/", "Accept-Language", "en")
	if strings.Contains(page, `id="pause-banner"`) || !strings.Contains(page, "Scheduled runs resumed.") {
		t.Errorf("resume did not lift the banner")
	}
}

// TestGoldenPages compares whole pages with testdata/*.html (-update
// rewrites them).
func TestGoldenPages(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	e.post("/runs", url.Values{"mode": {"dry_run"}})
	e.get("/runs/1") // consume the flash
	for _, tc := range []struct{ name, path, lang string }{
		{"overview.en.html", "/", "en"},
		{"plan.ja.html", "/plan", "ja"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, got := e.get(tc.path, "Accept-Language", tc.lang)
			golden.Check(t, filepath.Join("testdata", tc.name), []byte(got))
		})
	}
}

// TestLinksCarryEscapedLoginsAndCodes: cybozu.com login names and codes may
// hold characters that mean something in a URL (the fixture company has
// sato#ken and R&D/1). Every link and form of the console must reach that
// user or department, not /calendar/sato with a fragment.
func TestLinksCarryEscapedLoginsAndCodes(t *testing.T) {
	e := newTestEnv(t)
	const login, code = "sato#ken?x=1", "R&D/1"
	e.backend.enrolments[login] = &calendar.EnrolmentDetail{EnrolmentView: calendar.EnrolmentView{Login: login, Name: "佐藤 健", Permitted: true, Pinned: true,
		State: "syncing", Target: "caldav", CalDAVURL: "https://dav.example.com/k/", UserSwitch: "sync"}}
	e.backend.roster.Departments = append(e.backend.roster.Departments, safety.ExportDepartment{Code: code, Name: "研究開発部", Origin: "local"})
	e.backend.roster.Members = append(e.backend.roster.Members, safety.ExportMember{Login: login, Name: "佐藤 健", Origin: "local"})
	e.login()
	escLogin, escCode := url.PathEscape(login), url.PathEscape(code)
	for _, c := range []struct{ page, want string }{
		{"/calendar", `href="/calendar/` + escLogin + `"`},
		{"/calendar", `action="/calendar/` + escLogin + `/revoke"`},
		{"/calendar", `action="/calendar/` + escLogin + `/unpin"`},
		{"/calendar/" + escLogin, `action="/calendar/` + escLogin + `/revoke"`},
		{"/calendar/" + escLogin, `action="/calendar/` + escLogin + `/unpin"`},
		{"/calendar/" + escLogin, `action="/calendar/` + escLogin + `/check"`},
		{"/calendar/" + escLogin, `action="/calendar/` + escLogin + `/target"`},
		{"/roster", `href="/roster/members/` + escLogin + `"`},
		{"/roster", `href="/roster/departments/` + strings.ReplaceAll(escCode, "&", "&amp;") + `"`},
		{"/roster/members/" + escLogin, `action="/roster/members/` + escLogin + `"`},
		{"/roster/departments/" + escCode, `action="/roster/departments/` + strings.ReplaceAll(escCode, "&", "&amp;") + `"`},
	} {
		st, _, body := e.get(c.page)
		if st != http.StatusOK {
			t.Errorf("GET %s = %d", c.page, st)
			continue
		}
		if !strings.Contains(body, c.want) {
			t.Errorf("GET %s: no %s", c.page, c.want)
		}
	}
	// The forms reach the right user.
	e.post("/calendar/"+escLogin+"/revoke", url.Values{})
	if d, _ := e.backend.Enrolment(context.Background(), login); d.Permitted {
		t.Errorf("revoke through the escaped action did not reach %s", login)
	}
}

// TestAutoStopReasonInBothLanguages: the list and the enrolment page say
// why an enrolment was auto-stopped in the admin's language, not as a code.
func TestAutoStopReasonInBothLanguages(t *testing.T) {
	e := newTestEnv(t)
	d := e.backend.enrolments["sato"]
	d.State, d.AutoStopReason, d.AutoStopAt = "stopped", "forbidden", "2025-04-01T09:00:00Z"
	e.login()
	for lang, want := range map[string]string{"ja": "Forbidden 応答", "en": "Forbidden answer"} {
		for _, page := range []string{"/calendar", "/calendar/sato"} {
			_, _, body := e.get(page, "Accept-Language", lang)
			if !strings.Contains(body, want) {
				t.Errorf("%s in %s: no %q for the auto-stop reason", page, lang, want)
			}
		}
	}
}

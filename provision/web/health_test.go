package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/health"
	"github.com/cybridge/cybridge/targets/calendar"
)

// Health is the fake's health, decided by health.Of from its runs as the
// application decides it from the store.
func (f *fakeBackend) Health(ctx context.Context) (HealthReport, error) {
	in, err := f.Info(ctx)
	if err != nil {
		return HealthReport{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var rep HealthReport
	for i := len(f.runs) - 1; i >= 0; i-- {
		r := f.runs[i]
		switch r.Status {
		case provision.StatusApplied, provision.StatusNoChanges:
			if rep.LastSuccess == nil {
				rep.LastSuccess = r
			}
			fallthrough
		case provision.StatusFailed, provision.StatusBlocked:
			if rep.Newest == nil {
				rep.Newest = r
			}
		}
	}
	every10 := func(t time.Time) time.Time { return t.Truncate(10 * time.Minute).Add(10 * time.Minute) }
	rep.Health = health.Of(health.Input{Now: f.now, Location: time.UTC, Newest: rep.Newest, LastSuccess: rep.LastSuccess, Schedule: in, Next: every10})
	rep.Source = provision.RunSource{Kind: "api", Domain: "demo.cybozu.com"}
	members := len(f.roster.Members)
	rep.Members = &members
	c := calendar.Counts{Enrolments: len(f.enrolments)}
	for _, e := range f.enrolments {
		if e.Permitted {
			c.Permitted++
		}
	}
	rep.Enrolments = &c
	return rep, nil
}

func (f *fakeBackend) Trend(_ context.Context, days int) ([]health.Day, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return health.Trend(f.runs, f.now, days, time.UTC), nil
}

// TestHealthzVerbose: the JSON shape, the language of Accept-Language
// (English without one), and 503 once the schedule is paused; plain
// /healthz stays "ok".
func TestHealthzVerbose(t *testing.T) {
	e := newTestEnv(t)
	e.backend.addRun(&provision.Run{Status: provision.StatusNoChanges, Users: 42, Repeats: 3, Summary: provision.Summary{}})
	get := func(lang string) (int, map[string]any) {
		t.Helper()
		st, h, body := e.get("/healthz?verbose", "Accept-Language", lang)
		if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q", ct)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		return st, v
	}
	st, v := get("")
	want := map[string]any{
		"state": "ok", "state_text": "OK", "text": "OK: No changes since 04/01 09:01 (last checked 04/01 09:01)",
		"reason": map[string]any{"code": "in_sync", "text": "No changes since 04/01 09:01 (last checked 04/01 09:01)",
			"params": map[string]any{"run": 1.0, "since": "04/01 09:01", "checked": "04/01 09:01", "count": 3.0}},
		"others":       []any{},
		"source":       map[string]any{"kind": "api", "domain": "demo.cybozu.com"},
		"counts":       map[string]any{"users": 42.0, "members": 2.0, "enrolments": map[string]any{"enrolments": 3.0, "permitted": 2.0}},
		"newest_run":   map[string]any{"id": 1.0, "status": "no_changes", "finished_at": "2025-04-01T09:01:02Z", "repeats": 3.0},
		"last_success": map[string]any{"id": 1.0, "status": "no_changes", "finished_at": "2025-04-01T09:01:02Z", "repeats": 3.0},
	}
	delete(v, "checked_at")
	if st != http.StatusOK {
		t.Errorf("status = %d", st)
	}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("/healthz?verbose (-want +got):\n%s", diff)
	}
	if _, v := get("ja,en;q=0.5"); v["text"] != "正常: 04/01 09:01 以降変更なし（最終確認 04/01 09:01）" {
		t.Errorf("Japanese text = %q", v["text"])
	}

	if err := e.backend.Pause(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	st, v = get("ja")
	if st != http.StatusServiceUnavailable || v["state"] != "stopped" || v["text"] != "停止中: 管理者が一時停止" {
		t.Errorf("paused: %d %v %q", st, v["state"], v["text"])
	}
	if st, _, body := e.get("/healthz"); st != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("plain /healthz while stopped = %d %q", st, body)
	}
}

// TestOverviewHealth: the overview leads with the state, the domain and
// the counts; a paused schedule shows 停止中, and a later success after a
// failure shows 正常.
func TestOverviewHealth(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	e.backend.addRun(&provision.Run{Status: provision.StatusFailed, Error: &provision.Issue{Code: "auth_failed"}, Summary: provision.Summary{}})
	if err := e.backend.Pause(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	state := regexp.MustCompile(`id="health-state">([^<]*)<`)
	check := func(want string, more ...string) {
		t.Helper()
		st, _, body := e.get("/", "Accept-Language", "ja")
		m := state.FindStringSubmatch(body)
		if st != 200 || m == nil || m[1] != want {
			t.Fatalf("overview: %d, state %v, want %s", st, m, want)
		}
		for _, s := range more {
			if !strings.Contains(body, s) {
				t.Errorf("overview lacks %q", s)
			}
		}
	}
	check("停止中", "管理者が一時停止", "demo.cybozu.com")
	if _, err := e.backend.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("注意", "最新の実行（04/01 09:01）が失敗しました（auth_failed）")
	e.backend.addRun(&provision.Run{Status: provision.StatusNoChanges, Users: 1234, Summary: provision.Summary{}})
	check("正常", `<a href="/runs/2">1,234</a>`, `id="health-members">2<`)
}

// TestTrendChart: the overview's SVG charts parse as XML, have one point
// per day a run read the directory and one bar per day with changes or
// failures, are labelled for screen readers, and hold no script.
func TestTrendChart(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	b := e.backend
	start := b.now
	day := func(d int, r *provision.Run) {
		b.now = start.AddDate(0, 0, d)
		if r.Summary == nil {
			r.Summary = provision.Summary{}
		}
		b.addRun(r)
	}
	day(-40, &provision.Run{Status: provision.StatusFailed}) // before the chart
	day(-20, &provision.Run{Status: provision.StatusApplied, Users: 10, Summary: provision.Summary{"safety": {"members": {"create": 10}}}})
	day(-19, &provision.Run{Status: provision.StatusFailed})
	day(-19, &provision.Run{Status: provision.StatusFailed})
	day(-10, &provision.Run{Status: provision.StatusApplied, Users: 12, Summary: provision.Summary{"safety": {"members": {"create": 2}}}})
	day(0, &provision.Run{Status: provision.StatusNoChanges, Users: 12, Repeats: 5})

	_, _, body := e.get("/")
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Error("the overview holds a script")
	}
	svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(body, -1)
	type mark struct {
		Title string `xml:"title"`
	}
	type svg struct {
		ID        string `xml:"id,attr"`
		Role      string `xml:"role,attr"`
		Title     string `xml:"title"`
		Desc      string `xml:"desc"`
		Rects     []mark `xml:"rect"`
		Circles   []mark `xml:"circle"`
		Polylines []mark `xml:"polyline"`
	}
	got := map[string][3]int{}
	for _, s := range svgs {
		var v svg
		if err := xml.NewDecoder(strings.NewReader(s)).Decode(&v); err != nil && err != io.EOF {
			t.Fatalf("%v:\n%s", err, s)
		}
		if v.Role != "img" || v.Title == "" || v.Desc == "" {
			t.Errorf("%s: role %q, title %q, desc %q", v.ID, v.Role, v.Title, v.Desc)
		}
		got[v.ID] = [3]int{len(v.Circles), len(v.Rects), len(v.Polylines)}
	}
	want := map[string][3]int{
		"trend-users":   {3, 0, 1}, // days -20, -10, 0
		"trend-changes": {0, 2, 0}, // days -20, -10
		"trend-failed":  {0, 1, 0}, // day -19 (two runs)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("charts: circles, rects, polylines (-want +got):\n%s", diff)
	}
	if !strings.Contains(body, `id="trend-table"`) {
		t.Error("no table under the charts")
	}
}

package main

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/safety"
)

// The console at a generated directory of a few thousand users, against
// the real server (runner, SQLite, targets): the plan and run pages page
// through every change with the filter kept on every page, the department
// tree is collapsed but for the selected department's path, and the
// roster and calendar pagers show page numbers, first and last.

var (
	dataChange = regexp.MustCompile(`data-change="(\d+)"`)
	nextLink   = regexp.MustCompile(`<a href="([^"]*)" class="next"`)
	lastLink   = regexp.MustCompile(`<a href="([^"]*)" class="last"`)
	pageLink   = regexp.MustCompile(`<a href="([^"]*)" class="page">(\d+)</a>`)
	matched    = regexp.MustCompile(`id="plan-matched">([\d,]+) of ([\d,]+) changes`)
)

// consoleClient is a logged-in browser session on st's console, in
// English.
type consoleClient struct {
	t   *testing.T
	c   *http.Client
	url string
}

func newConsoleClient(t *testing.T, st *stack) *consoleClient {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	postForm(t, c, st.url+"/login", url.Values{"password": {serveAdminPassword}})
	return &consoleClient{t: t, c: c, url: st.url}
}

// get returns the page at path (a path with its query, as a link gives it).
func (cc *consoleClient) get(path string) string {
	cc.t.Helper()
	req, _ := http.NewRequest("GET", cc.url+html.UnescapeString(path), nil)
	req.Header.Set("Accept-Language", "en")
	resp, err := cc.c.Do(req)
	if err != nil {
		cc.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		cc.t.Fatalf("GET %s = %d:\n%.2000s", path, resp.StatusCode, b)
	}
	return string(b)
}

// walk follows the next links from path and returns the distinct change
// numbers every page shows, how many pages it read, and the pages.
func (cc *consoleClient) walk(path string) (map[string]bool, []string) {
	cc.t.Helper()
	seen := map[string]bool{}
	var pages []string
	for path != "" && len(pages) < 1000 {
		page := cc.get(path)
		pages = append(pages, page)
		for _, m := range dataChange.FindAllStringSubmatch(page, -1) {
			seen[m[1]] = true
		}
		path = ""
		if m := nextLink.FindStringSubmatch(page); m != nil {
			path = m[1]
		}
	}
	return seen, pages
}

func TestConsoleLargeDirectory(t *testing.T) {
	st := startStack(t, nil)
	st.sim.SetSnapshot(fixtures.Generate(fixtures.GenParams{Users: 1500, Seed: 3}))
	env := map[string]string{
		"CYBRIDGE_DB":                      st.cfg.DB,
		"CYBRIDGE_CYBOZU_URL":              st.cfg.Cybozu.URL,
		"CYBRIDGE_CYBOZU_LOGIN":            cybozutest.DefaultLogin,
		"CYBRIDGE_CYBOZU_PASSWORD":         cybozutest.DefaultPassword,
		"CYBRIDGE_SAFETY_INITIAL_PASSWORD": serveInitialPassword,
		"CYBRIDGE_SECRET_KEY":              serveSecretKey,
	}
	for _, cmd := range [][]string{{"plan"}, {"apply"}} { // runs 1 (the dry run) and 2
		if r := runCLI(t, env, cmd...); r.code != msg.ExitOK {
			t.Fatalf("%s: exit %d\n%s%s", cmd[0], r.code, r.stdout, r.stderr)
		}
	}
	runs := st.runs()
	if len(runs) != 2 || runs[1].Status != "dry_run" || runs[0].Status != "applied" {
		t.Fatalf("runs = %+v; want a dry run and an apply", runs)
	}
	var plan apiRun
	st.mustAPI(200, "GET", "/api/v1/runs/1", nil, &plan)
	total := len(plan.Plan.Changes)
	creates := 0
	for _, c := range plan.Plan.Changes {
		if c.Target == "safety" && c.Action == "create" {
			creates++
		}
	}
	if total < 3000 {
		t.Fatalf("the first import plans %d changes; want a directory of thousands", total)
	}
	cc := newConsoleClient(t, st)

	t.Run("the run pages page through every change", func(t *testing.T) {
		for _, run := range []string{"/runs/1", "/runs/2"} {
			seen, pages := cc.walk(run)
			if len(seen) != total {
				t.Errorf("%s: %d pages show %d distinct changes; the plan has %d", run, len(pages), len(seen), total)
			}
			if want := (total + 199) / 200; len(pages) != want {
				t.Errorf("%s: %d pages; want %d", run, len(pages), want)
			}
		}
	})

	t.Run("a filter is kept on every page", func(t *testing.T) {
		first := "/runs/1?target=safety&action=create"
		seen, pages := cc.walk(first)
		if len(seen) != creates {
			t.Errorf("the filtered pages show %d changes; the plan creates %d in safety", len(seen), creates)
		}
		if len(pages) < 2 {
			t.Fatalf("%d filtered pages; want several", len(pages))
		}
		for i, page := range pages {
			if m := matched.FindStringSubmatch(page); m == nil || m[1] != msg.Format(msg.En, creates) || m[2] != msg.Format(msg.En, total) {
				t.Errorf("page %d: matched = %v; want %d of %d", i+1, m, creates, total)
			}
			if strings.Contains(page, `class="changes updates"`) || strings.Contains(page, `class="changes deletes"`) || strings.Contains(page, `<h3 class="target">Calendar`) {
				t.Errorf("page %d of the safety creates shows other changes", i+1)
			}
			if !strings.Contains(page, `<option value="create" selected>`) || !strings.Contains(page, `<option value="safety" selected>`) {
				t.Errorf("page %d: the filter form does not show the filter", i+1)
			}
		}
	})

	t.Run("the plan pager has page numbers, first and last", func(t *testing.T) {
		page := cc.get("/runs/1?page=3")
		pages := (total + 199) / 200
		for _, want := range []string{`aria-current="page">3<`, `class="first"`, `class="prev"`, `>1</a>`, `>2</a>`, `>4</a>`, `>5</a>`, ">" + msg.Format(msg.En, pages) + "</a>", "401–600 of " + msg.Format(msg.En, total)} {
			if !strings.Contains(page, want) {
				t.Errorf("/runs/1?page=3 has no %q", want)
			}
		}
		if m := lastLink.FindStringSubmatch(page); m == nil || !strings.HasSuffix(html.UnescapeString(m[1]), "page="+strconv.Itoa(pages)) {
			t.Errorf("last link = %v; want page %d", m, pages)
		}
		last := cc.get("/runs/1?page=" + strconv.Itoa(pages+10)) // past the end: the last page
		if !strings.Contains(last, `aria-current="page">`+strconv.Itoa(pages)+`<`) || nextLink.MatchString(last) {
			t.Errorf("a page past the end does not show the last page")
		}
	})

	var roster safety.Export
	st.mustAPI(200, "GET", "/api/v1/roster", nil, &roster)

	t.Run("the department tree is collapsed but for the selected path", func(t *testing.T) {
		// The deepest department, and its path up.
		parent := map[string]string{}
		hasKids := map[string]bool{}
		for _, d := range roster.Departments {
			parent[d.Code] = d.Parent
			hasKids[d.Parent] = true
		}
		topWithKids := 0
		for _, d := range roster.Departments {
			if d.Parent == "" && hasKids[d.Code] {
				topWithKids++
			}
		}
		page := tree(t, cc.get("/roster"))
		if n := strings.Count(page, "<details open"); n != 0 {
			t.Errorf("/roster has %d open departments; want none", n)
		}
		if n := strings.Count(page, "<details><summary>"); n != topWithKids || n == 0 {
			t.Errorf("/roster has %d collapsed departments; want the %d top-level ones with sub-departments", n, topWithKids)
		}
		deep, depth := "", 0
		for _, d := range roster.Departments {
			n := 0
			for c := d.Code; c != ""; c = parent[c] {
				n++
			}
			if n > depth {
				deep, depth = d.Code, n
			}
		}
		if depth < 3 {
			t.Fatalf("the deepest department is %d levels down; want a deep tree", depth)
		}
		open := 0
		for c := deep; c != ""; c = parent[c] {
			if hasKids[c] {
				open++
			}
		}
		page = cc.get("/roster?dept=" + url.QueryEscape(deep))
		if n := strings.Count(tree(t, page), "<details open"); n != open {
			t.Errorf("/roster?dept=%s has %d open departments; want its path, %d", deep, n, open)
		}
		if !strings.Contains(page, `title="`+deep+`" aria-current="true"`) {
			t.Errorf("the selected department is not marked")
		}
		members := 0
		for _, m := range roster.Members {
			for _, d := range m.Departments {
				if d == deep {
					members++
				}
			}
		}
		if n := strings.Count(page, `<a href="/roster/members/`); n != min(members, 200) {
			t.Errorf("/roster?dept=%s lists %d members; %d belong to it", deep, n, members)
		}
	})

	t.Run("the roster and calendar pagers", func(t *testing.T) {
		pages := (len(roster.Members) + 199) / 200
		page := cc.get("/roster?page=2")
		for _, want := range []string{`aria-current="page">2<`, `class="first"`, `class="last"`, "201–400 of " + msg.Format(msg.En, len(roster.Members))} {
			if !strings.Contains(page, want) {
				t.Errorf("/roster?page=2 has no %q", want)
			}
		}
		if m := pageLink.FindAllStringSubmatch(page, -1); len(m) < 3 || m[len(m)-1][2] != strconv.Itoa(pages) {
			t.Errorf("/roster?page=2 page links = %v; want numbers up to %d", m, pages)
		}
		page = cc.get("/calendar?state=syncing&page=2")
		for _, want := range []string{`aria-current="page">2<`, `class="first"`, `class="last"`} {
			if !strings.Contains(page, want) {
				t.Errorf("/calendar?state=syncing&page=2 has no %q", want)
			}
		}
		for _, m := range pageLink.FindAllStringSubmatch(page, -1) {
			if !strings.Contains(html.UnescapeString(m[1]), "state=syncing") {
				t.Errorf("calendar page link %s drops the state filter", m[1])
			}
		}
	})
}

// tree is the department tree of a roster page.
func tree(t *testing.T, page string) string {
	t.Helper()
	from := strings.Index(page, `id="dept-tree"`)
	to := strings.Index(page, `<details><summary>Add a roster-only department`)
	if from < 0 || to < from {
		t.Fatalf("no department tree on the page")
	}
	return page[from:to]
}

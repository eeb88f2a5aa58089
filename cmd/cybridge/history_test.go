package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision/history"
)

// TestHistoryAcrossSurfaces: the company applied, 山田 太郎's enrolment
// revoked by the admin, then his transfer and his leaving, each applied:
// `cybridge history 山田 -format json` and GET /api/v1/history?q=山田
// answer the same report — every change to him newest first, the admin's
// edit among the runs' changes — and the console page shows it in
// Japanese with no English sentence.
func TestHistoryAcrossSurfaces(t *testing.T) {
	t.Parallel()
	st := startStack(t, nil)
	st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true}, nil)
	st.mustAPI(200, "POST", "/api/v1/enrolments/t.yamada/revoke", nil, nil)
	for _, scenario := range []string{"yamada-transfer", "yamada-leaves"} {
		snap, err := fixtures.Scenario(scenario)
		if err != nil {
			t.Fatal(err)
		}
		st.sim.SetSnapshot(snap)
		st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true, "allow_deletes": true}, nil)
	}

	var api history.Report
	st.mustAPI(200, "GET", "/api/v1/history?q="+url.QueryEscape("山田"), nil, &api)
	if len(api.People) != 1 || api.People[0].Login != "t.yamada" {
		t.Fatalf("API people = %+v; want t.yamada alone", api.People)
	}
	var got []string
	for _, h := range api.People[0].History {
		got = append(got, h.Who(msg.En)+" "+h.What(msg.En))
	}
	want := []string{
		"run 3 (API) safety: delete", "run 3 (API) calendar: update", // already revoked: marked gone
		"run 2 (API) safety: update",
		"admin calendar: revoke",
		"run 1 (API) safety: create", "run 1 (API) calendar: create",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("t.yamada's history (-want +got):\n%s", diff)
	}

	env := map[string]string{
		"CYBRIDGE_DB":                      st.cfg.DB,
		"CYBRIDGE_CYBOZU_URL":              st.cfg.Cybozu.URL,
		"CYBRIDGE_SAFETY_INITIAL_PASSWORD": serveInitialPassword,
		"CYBRIDGE_SECRET_KEY":              serveSecretKey,
	}
	r := runCLI(t, env, "history", "山田", "-format", "json")
	if r.code != msg.ExitOK {
		t.Fatalf("history -format json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var cli history.Report
	if err := json.Unmarshal([]byte(r.stdout), &cli); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cli, api); diff != "" {
		t.Errorf("the API's report differs from the CLI's JSON (-cli +api):\n%s", diff)
	}

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	postForm(t, c, st.url+"/login", url.Values{"password": {serveAdminPassword}})
	req, _ := http.NewRequest("GET", st.url+"/history?q="+url.QueryEscape("山田"), nil)
	req.Header.Set("Accept-Language", "ja")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	for _, w := range []string{"山田 太郎（t.yamada、t.yamada@example.co.jp）", "安否確認：削除", "同期 2（API）"} {
		if !strings.Contains(page, w) {
			t.Errorf("the console's history page has no %q", w)
		}
	}
	if s := msg.EnglishSentence(tagless(page), "cybridge"); s != "" {
		t.Errorf("the Japanese history page has an English sentence: %q", s)
	}
}

// tagless is a page's text without its tags.
func tagless(page string) string {
	var b strings.Builder
	in := false
	for _, r := range page {
		switch {
		case r == '<':
			in = true
			b.WriteByte('\n')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

package cybozutest

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/fixtures"
)

func passwordAuth(login, pass string) http.Header {
	return http.Header{"X-Cybozu-Authorization": {base64.StdEncoding.EncodeToString([]byte(login + ":" + pass))}}
}

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

var defaultAuth = passwordAuth(DefaultLogin, DefaultPassword)

type answer struct {
	status int
	ctype  string
	header http.Header
	body   []byte
}

// get sends one GET with the given headers and returns the answer.
func get(t *testing.T, base, path string, h http.Header) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	return answer{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), header: resp.Header, body: b}
}

// errCode is the "code" of a JSON error body, or "html" for an HTML page.
func (a answer) errCode(t *testing.T) string {
	t.Helper()
	if strings.HasPrefix(a.ctype, "text/html") {
		return "html"
	}
	var e struct{ Code string }
	if err := json.Unmarshal(a.body, &e); err != nil {
		t.Fatalf("status %d, body %q: %v", a.status, a.body, err)
	}
	return e.Code
}

func decode[T any](t *testing.T, a answer) T {
	t.Helper()
	var v T
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
	return v
}

type rawList map[string][]map[string]any

func TestListPaging(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 200, 2350} {
		srv := NewServer(t, Options{Snapshot: fixtures.Generate(fixtures.GenParams{Users: n})})
		var logins []string
		pages := 0
		for off := 0; ; {
			page := decode[rawList](t, get(t, srv.URL(), "/v1/users.json?size=100&offset="+itoa(off), defaultAuth))["users"]
			pages++
			for _, u := range page {
				logins = append(logins, u["code"].(string))
			}
			off += len(page)
			if len(page) < 100 {
				break
			}
		}
		if len(logins) != n || pages != n/100+1 {
			t.Errorf("%d users: read %d in %d pages, want %d pages", n, len(logins), pages, n/100+1)
		}
		seen := map[string]bool{}
		for _, l := range logins {
			if seen[l] {
				t.Errorf("%d users: %s listed twice", n, l)
			}
			seen[l] = true
		}
		if got := srv.Stats().ByPath["/v1/users.json"]; got != int64(pages) {
			t.Errorf("stats count %d users.json requests, sent %d", got, pages)
		}
	}
}

func TestListOrderAndQuirks(t *testing.T) {
	srv := NewServer(t, Options{Snapshot: fixtures.Company()})
	users := decode[rawList](t, get(t, srv.URL(), "/v1/users.json", defaultAuth))["users"]
	if len(users) != 42 {
		t.Fatalf("%d users, want 42 (Administrator included)", len(users))
	}
	prev := ""
	kinds := map[string]bool{}
	for i, u := range users {
		id, ok := u["id"].(string)
		if !ok || (prev != "" && !idLess(prev, id)) {
			t.Errorf("user %d id %v not a string ascending after %s", i, u["id"], prev)
		}
		prev = id
		switch p := u["primaryOrganization"].(type) {
		case string:
			kinds["string"] = true
		case float64:
			kinds["number"] = true
		case nil:
			kinds["null"] = true
		default:
			t.Errorf("primaryOrganization %T", p)
		}
		if u["surName"] == nil || u["email"] == "" {
			kinds["empty text"] = true
		}
		if u["mobilePhone"] == nil {
			kinds["null text"] = true
		}
		if u["mobilePhone"] == "" {
			kinds["\"\" text"] = true
		}
		if u["sortOrder"] != nil {
			kinds["sortOrder"] = true
		}
	}
	if users[0]["code"] != directory.AdministratorLogin {
		t.Errorf("first user %v, want Administrator", users[0]["code"])
	}
	for _, k := range []string{"string", "number", "null", "null text", "\"\" text", "sortOrder"} {
		if !kinds[k] {
			t.Errorf("no user shows quirk %q", k)
		}
	}
	orgs := decode[rawList](t, get(t, srv.URL(), "/v1/organizations.json", defaultAuth))["organizations"]
	for _, o := range orgs {
		if (o["parentCode"] == nil) != (o["code"] == "admin" || o["code"] == "sales" || o["code"] == "dev") {
			t.Errorf("org %v parentCode %v", o["code"], o["parentCode"])
		}
	}
	groups := decode[rawList](t, get(t, srv.URL(), "/v1/groups.json", defaultAuth))["groups"]
	if last := groups[len(groups)-1]; last["id"] != fixtures.EveryoneID || last["code"] != "everyone" {
		t.Errorf("last group %v, want everyone with its big id", last)
	}
	byCodes := decode[rawList](t, get(t, srv.URL(), "/v1/users.json?codes%5B0%5D=t.abe&codes%5B1%5D=sato%23ken", defaultAuth))["users"]
	if len(byCodes) != 2 {
		t.Errorf("codes[] filter gave %d users", len(byCodes))
	}
}

func TestMembershipEndpoints(t *testing.T) {
	srv := NewServer(t, Options{Snapshot: fixtures.Company()})
	type userTitles struct {
		UserTitles []struct {
			User  struct{ Code string }
			Title *struct{ ID, Code, Name string }
		}
	}
	ut := decode[userTitles](t, get(t, srv.URL(), "/v1/organization/users.json?code="+url.QueryEscape("R&D/1"), defaultAuth))
	got := map[string]string{}
	for _, e := range ut.UserTitles {
		got[e.User.Code] = "null"
		if e.Title != nil {
			got[e.User.Code] = e.Title.Code
		}
	}
	want := map[string]string{"d.kato": "manager", "k.fujita": "chief", "a.okada": "null", "y.goto": "null", "y.sakamoto": "null"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("R&D/1 members (-want +got):\n%s", diff)
	}
	type orgTitles struct {
		OrganizationTitles []struct {
			Organization struct{ Code string }
			Title        *struct{ Code string }
		}
	}
	ot := decode[orgTitles](t, get(t, srv.URL(), "/v1/user/organizations.json?code="+url.QueryEscape("sato#ken"), defaultAuth))
	if len(ot.OrganizationTitles) != 1 || ot.OrganizationTitles[0].Organization.Code != "dev-infra" {
		t.Errorf("sato#ken organizations: %+v", ot)
	}
	members := decode[rawList](t, get(t, srv.URL(), "/v1/group/users.json?code="+url.QueryEscape("pj+2025"), defaultAuth))["users"]
	if len(members) != 7 {
		t.Errorf("pj+2025 has %d members, want 7", len(members))
	}
	// An unencoded "+" is a space: the group is not found.
	if a := get(t, srv.URL(), "/v1/group/users.json?code=pj+2025", defaultAuth); a.status != 400 || a.errCode(t) != "CB_VA01" {
		t.Errorf("unencoded +: %d %s", a.status, a.body)
	}
	everyone := decode[rawList](t, get(t, srv.URL(), "/v1/group/users.json?code=everyone&size=20&offset=40", defaultAuth))["users"]
	if len(everyone) != 2 {
		t.Errorf("everyone offset 40: %d users, want the last 2 of 42", len(everyone))
	}

	// A big organization pages like the lists.
	big := NewServer(t, Options{Snapshot: fixtures.Generate(fixtures.GenParams{Users: 150, Orgs: 1, Groups: -1})})
	for _, tc := range []struct {
		off, want int
	}{{0, 100}, {100, 50}, {150, 0}, {1000, 0}} {
		page := decode[userTitles](t, get(t, big.URL(), "/v1/organization/users.json?code=org-00001&offset="+itoa(tc.off), defaultAuth))
		if len(page.UserTitles) != tc.want {
			t.Errorf("offset %d: %d members, want %d", tc.off, len(page.UserTitles), tc.want)
		}
	}
}

func TestBadRequests(t *testing.T) {
	srv := NewServer(t, Options{Snapshot: fixtures.Company()})
	withCT := passwordAuth(DefaultLogin, DefaultPassword)
	withCT.Set("Content-Type", "application/json")
	for _, tc := range []struct {
		name, path string
		h          http.Header
		status     int
		code       string
	}{
		{"size 0", "/v1/users.json?size=0", defaultAuth, 400, "CB_VA01"},
		{"size 101", "/v1/users.json?size=101", defaultAuth, 400, "CB_VA01"},
		{"size not a number", "/v1/groups.json?size=ten", defaultAuth, 400, "CB_VA01"},
		{"negative offset", "/v1/organizations.json?offset=-1", defaultAuth, 400, "CB_VA01"},
		{"size 1", "/v1/users.json?size=1", defaultAuth, 200, ""},
		{"size 100", "/v1/users.json?size=100", defaultAuth, 200, ""},
		{"content type on GET", "/v1/users.json", withCT, 400, "CB_IL02"},
		{"no code", "/v1/organization/users.json", defaultAuth, 400, "CB_VA01"},
		{"unknown org", "/v1/organization/users.json?code=nope", defaultAuth, 400, "CB_VA01"},
		{"unknown path", "/v1/nothing.json", defaultAuth, 404, "CB_NF01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, srv.URL(), tc.path, tc.h)
			if a.status != tc.status || (tc.code != "" && a.errCode(t) != tc.code) {
				t.Errorf("got %d %s, want %d %s", a.status, a.body, tc.status, tc.code)
			}
		})
	}
}

func TestAuth(t *testing.T) {
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	withBasic := func(h http.Header, user, pass string) http.Header {
		c := h.Clone()
		c.Add("Authorization", basicAuth(user, pass))
		return c
	}
	for _, tc := range []struct {
		name   string
		opts   Options
		path   string
		h      http.Header
		status int
		code   string // JSON code, or "html"
	}{
		{"password", Options{}, "", defaultAuth, 200, ""},
		{"no credentials", Options{}, "", nil, 401, "CB_AU01"},
		{"wrong password", Options{}, "", passwordAuth(DefaultLogin, "nope"), 401, "CB_WA01"},
		{"wrong login", Options{}, "", passwordAuth("someone", DefaultPassword), 401, "CB_WA01"},
		{"not base64", Options{}, "", http.Header{"X-Cybozu-Authorization": {"%%%"}}, 401, "CB_WA01"},
		{"wrong password as 520", Options{WrongPasswordStatus: 520}, "", passwordAuth(DefaultLogin, "x"), 520, "CB_WA01"},
		{"custom account", Options{Login: "api", Password: "s3cret"}, "", passwordAuth("api", "s3cret"), 200, ""},
		{"two-factor", Options{TwoFactor: true}, "", defaultAuth, 401, "CB_TW02"},
		{"two-factor, wrong password", Options{TwoFactor: true}, "", passwordAuth(DefaultLogin, "x"), 401, "CB_WA01"},
		{"token", Options{Token: "tok"}, "", bearer("tok"), 200, ""},
		{"token with two-factor", Options{Token: "tok", TwoFactor: true}, "", bearer("tok"), 200, ""},
		{"wrong token", Options{Token: "tok"}, "", bearer("other"), 401, "CB_WA01"},
		{"token not configured", Options{}, "", bearer("tok"), 401, "CB_WA01"},
		{"IP restricted, no Basic on domain", Options{IPRestricted: true}, "", defaultAuth, 403, "html"},
		{"IP restricted, Basic missing", Options{IPRestricted: true, BasicUser: "b", BasicPassword: "bp"}, "", defaultAuth, 401, "html"},
		{"IP restricted, Basic wrong", Options{IPRestricted: true, BasicUser: "b", BasicPassword: "bp"}, "", withBasic(defaultAuth, "b", "x"), 401, "html"},
		{"IP restricted, Basic right", Options{IPRestricted: true, BasicUser: "b", BasicPassword: "bp"}, "", withBasic(defaultAuth, "b", "bp"), 200, ""},
		{"IP restricted, Basic right, password wrong", Options{IPRestricted: true, BasicUser: "b", BasicPassword: "bp"}, "", withBasic(passwordAuth(DefaultLogin, "x"), "b", "bp"), 401, "CB_WA01"},
		{"Basic ignored without IP restriction", Options{BasicUser: "b", BasicPassword: "bp"}, "", defaultAuth, 200, ""},
		{"unknown domain", Options{UnknownDomain: true}, "", defaultAuth, 404, "html"},
		{"maintenance", Options{Maintenance: true}, "", defaultAuth, 503, "html"},
		{"admin probe", Options{}, "/v1/csv/title.csv", defaultAuth, 200, ""},
		{"admin probe, not an admin", Options{NonAdmin: true}, "/v1/csv/title.csv", defaultAuth, 403, "CB_NO02"},
		{"admin probe, token", Options{NonAdmin: true, Token: "tok"}, "/v1/csv/title.csv", bearer("tok"), 200, ""},
		{"non-admin reads lists", Options{NonAdmin: true}, "", defaultAuth, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Snapshot = fixtures.Company()
			srv := NewServer(t, tc.opts)
			path := tc.path
			if path == "" {
				path = "/v1/users.json"
			}
			a := get(t, srv.URL(), path, tc.h)
			if a.status != tc.status {
				t.Fatalf("status %d (%s), want %d", a.status, a.body, tc.status)
			}
			if tc.code != "" {
				if got := a.errCode(t); got != tc.code {
					t.Errorf("code %s, want %s (body %s)", got, tc.code, a.body)
				}
			}
			challenge := a.header.Get("WWW-Authenticate")
			if wantChallenge := tc.status == 401 && tc.code == "html"; wantChallenge != strings.HasPrefix(challenge, "Basic realm=") {
				t.Errorf("WWW-Authenticate %q", challenge)
			}
			if tc.status == 200 && strings.Contains(string(a.body), DefaultPassword+"\"") {
				t.Error("body carries the password")
			}
		})
	}
}

func TestTooManyConcurrent(t *testing.T) {
	srv := NewServer(t, Options{MaxConcurrent: 2, Latency: 300 * time.Millisecond})
	const n = 6
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = get(t, srv.URL(), "/v1/users.json", defaultAuth).status
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	// Normally exactly 2 succeed; a request delayed past the latency on a
	// loaded machine may find a free slot, so only require some of each.
	if count[200] < 2 || count[429] < 1 || count[200]+count[429] != n {
		t.Errorf("statuses %v, want 2 (or a few more) 200 and the rest 429", count)
	}
	st := srv.Stats()
	if st.TooMany != int64(count[429]) || st.Requests != n || st.PeakInFlight < 3 || st.InFlight != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestFaults(t *testing.T) {
	t.Run("fail on k-th", func(t *testing.T) {
		srv := NewServer(t, Options{FailOn: 2})
		var got []int
		for range 3 {
			got = append(got, get(t, srv.URL(), "/v1/users.json", defaultAuth).status)
		}
		if diff := cmp.Diff([]int{200, 503, 200}, got); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		if srv.Stats().Faults != 1 {
			t.Errorf("faults %d", srv.Stats().Faults)
		}
	})
	t.Run("status chosen", func(t *testing.T) {
		srv := NewServer(t, Options{FailOn: 1, FailStatus: 500})
		if a := get(t, srv.URL(), "/v1/users.json", defaultAuth); a.status != 500 || a.errCode(t) == "html" {
			t.Errorf("got %d %s", a.status, a.body)
		}
	})
	t.Run("fail path", func(t *testing.T) {
		srv := NewServer(t, Options{Snapshot: fixtures.Generate(fixtures.GenParams{Users: 250}), FailPath: "offset=100"})
		for range 3 {
			if a := get(t, srv.URL(), "/v1/users.json?size=100&offset=100", defaultAuth); a.status != 503 || a.errCode(t) != "html" {
				t.Errorf("got %d %s", a.status, a.body)
			}
		}
		if a := get(t, srv.URL(), "/v1/users.json?size=100&offset=200", defaultAuth); a.status != 200 {
			t.Errorf("other page: %d", a.status)
		}
	})
	t.Run("truncated body", func(t *testing.T) {
		srv := NewServer(t, Options{Snapshot: fixtures.Company(), TruncateOn: 1})
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/v1/users.json", nil)
		req.Header = defaultAuth.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) || len(b) == 0 || json.Valid(b) {
			t.Errorf("read %d bytes, err %v; want part of a body and an unexpected EOF", len(b), err)
		}
		if a := get(t, srv.URL(), "/v1/users.json", defaultAuth); a.status != 200 || !json.Valid(a.body) {
			t.Errorf("next request: %d", a.status)
		}
	})
}

func TestSetSnapshotAndStatsEndpoint(t *testing.T) {
	srv := NewServer(t, Options{Snapshot: fixtures.Company()})
	count := func() int {
		return len(decode[rawList](t, get(t, srv.URL(), "/v1/users.json", defaultAuth))["users"])
	}
	if n := count(); n != 42 {
		t.Fatalf("%d users", n)
	}
	srv.SetSnapshot(fixtures.Leave(fixtures.Company(), "t.abe"))
	if n := count(); n != 41 {
		t.Errorf("after SetSnapshot: %d users, want 41", n)
	}
	var st Stats
	if err := json.Unmarshal(get(t, srv.URL(), "/_sim/stats", nil).body, &st); err != nil {
		t.Fatal(err)
	}
	want := Stats{Requests: 2, PeakInFlight: 1, ByPath: map[string]int64{"/v1/users.json": 2}}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("stats JSON (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, srv.Stats()); diff != "" {
		t.Errorf("Stats() (-want +got):\n%s", diff)
	}
	srv.ResetStats()
	if st := srv.Stats(); st.Requests != 0 || len(st.ByPath) != 0 {
		t.Errorf("after reset: %+v", st)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func BenchmarkSetSnapshot100k(b *testing.B) {
	snap := fixtures.Generate(fixtures.GenParams{Users: 100_000, Administrator: true})
	sim := New(Options{})
	for b.Loop() {
		sim.SetSnapshot(snap)
	}
}

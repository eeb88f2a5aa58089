package scimapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/targets/scim/scimapi"
	"github.com/cybridge/cybridge/targets/scim/scimtest"
)

const token = "tok-7f3a9c1e5b"

// start is a scimtest server with opts (its token set) and a client of it
// with cfg (base URL and token filled in).
func start(t *testing.T, opts scimtest.Options, cfg scimapi.Config) (*scimtest.Server, *scimapi.Client) {
	t.Helper()
	if opts.Token == "" {
		opts.Token = token
	}
	srv := scimtest.New(opts)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	if cfg.Token == "" {
		cfg.Token = secret.Secret(token)
	}
	c, err := scimapi.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func seedUsers(t *testing.T, srv *scimtest.Server, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		id, err := srv.Seed(map[string]any{"userName": fmt.Sprintf("user%04d", i), "externalId": fmt.Sprint(1000 + i)})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	return ids
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// TestUsersPaging: every user comes back once, in server order, in
// exactly ceil(n/page) list requests (one when there are none), the page
// being the client's size capped by the server's filter.maxResults.
func TestUsersPaging(t *testing.T) {
	type tc struct{ clientPage, serverMax, users int }
	var cases []tc
	for _, page := range []int{1, 7, 100} {
		for _, n := range []int{0, 1, 250} {
			cases = append(cases, tc{page, 100, n})
		}
	}
	cases = append(cases, tc{100, 7, 250}, tc{0, 0, 250}) // the server's cap wins; defaults (100 and 100)
	for _, c := range cases {
		t.Run(fmt.Sprintf("page%d_max%d_users%d", c.clientPage, c.serverMax, c.users), func(t *testing.T) {
			srv, client := start(t, scimtest.Options{PageSize: c.serverMax}, scimapi.Config{PageSize: c.clientPage})
			want := seedUsers(t, srv, c.users)
			users, err := client.Users(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range users {
				got = append(got, u.ID)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			page := c.clientPage
			if page == 0 {
				page = scimapi.DefaultPageSize
			}
			if c.serverMax > 0 {
				page = min(page, c.serverMax)
			}
			wantReq := map[string]int{"GET /ServiceProviderConfig": 1, "GET /Users": max(1, ceilDiv(c.users, page))}
			if diff := cmp.Diff(wantReq, srv.Stats().Requests); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func mustOK(t *testing.T, results []scimapi.Result) []scimapi.Result {
	t.Helper()
	for i, r := range results {
		if r.Err != nil {
			t.Fatalf("op %d: %v", i, r.Err)
		}
	}
	return results
}

var ignoreMeta = cmpopts.IgnoreFields(scimapi.User{}, "Meta")

// TestUserRoundTrip: a user created, patched, replaced and deleted over
// SCIM reads back as written each time.
func TestUserRoundTrip(t *testing.T) {
	srv, c := start(t, scimtest.Options{ETags: true}, scimapi.Config{})
	ctx := t.Context()
	want := scimapi.User{
		ExternalID: "42", UserName: "a.okada", DisplayName: "岡田 朗", Title: "課長",
		Name:         &scimapi.Name{FamilyName: "岡田", GivenName: "朗"},
		Emails:       []scimapi.Email{{Value: "a.okada@example.com", Type: "work", Primary: true}},
		PhoneNumbers: []scimapi.Phone{{Value: "+81-3-0000-0000", Type: "work"}},
		Active:       ptr(true),
		Enterprise:   &scimapi.Enterprise{EmployeeNumber: "E042", Department: "営業部", Organization: "サイボウズ商事"},
	}
	res := mustOK(t, c.Run(ctx, []scimapi.Op{{Kind: scimapi.OpCreate, Resource: "Users", Body: want}}))
	id, v1 := res[0].ID, res[0].Version
	if id == "" || v1 == "" {
		t.Fatalf("create gave id %q version %q", id, v1)
	}
	want.ID = id
	read := func(step string, want scimapi.User) scimapi.User {
		t.Helper()
		got, err := c.User(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if diff := cmp.Diff(want, got, ignoreMeta); diff != "" {
			t.Errorf("%s: user (-want +got):\n%s", step, diff)
		}
		if got.Meta.ResourceType != "User" || got.Meta.Location != srv.URL+"/Users/"+id {
			t.Errorf("%s: meta %+v", step, got.Meta)
		}
		return got
	}
	if got := read("create", want); got.Meta.Version != v1 {
		t.Errorf("read version %q, create said %q", got.Meta.Version, v1)
	}

	patch := []scimapi.PatchOperation{
		{Op: "replace", Path: "displayName", Value: "岡田 朗（営業）"},
		{Op: "replace", Path: "active", Value: false},
		{Op: "replace", Path: scimapi.SchemaEnterprise + ":department", Value: "営業一部"},
		{Op: "replace", Path: `emails[type eq "work"].value`, Value: "okada@example.com"},
		{Op: "remove", Path: "title"},
		{Op: "add", Path: "name.formatted", Value: "岡田 朗"},
	}
	res = mustOK(t, c.Run(ctx, []scimapi.Op{{Kind: scimapi.OpPatch, Resource: "Users", ID: id, Version: v1, Patch: patch}}))
	want.DisplayName, want.Active, want.Title = "岡田 朗（営業）", ptr(false), ""
	want.Enterprise.Department = "営業一部"
	want.Emails[0].Value = "okada@example.com"
	want.Name.Formatted = "岡田 朗"
	if got := read("patch", want); got.Meta.Version == v1 || got.Meta.Version != res[0].Version {
		t.Errorf("patch: version %q (was %q, patch said %q)", got.Meta.Version, v1, res[0].Version)
	}

	repl := want
	repl.Title, repl.PhoneNumbers, repl.Active = "部長", nil, ptr(true)
	mustOK(t, c.Run(ctx, []scimapi.Op{{Kind: scimapi.OpReplace, Resource: "Users", ID: id, Body: repl}}))
	read("replace", repl)

	mustOK(t, c.Run(ctx, []scimapi.Op{{Kind: scimapi.OpDelete, Resource: "Users", ID: id}}))
	if _, err := c.User(ctx, id); msg.Code(err) != scimapi.CodeNotFound {
		t.Errorf("after delete: %v (code %s), want scim_not_found", err, msg.Code(err))
	}
	if n := len(srv.Users()); n != 0 {
		t.Errorf("server holds %d users after delete", n)
	}
}

// TestGroupRoundTrip: groups with members, patched by add and by a value
// filter remove, list and read back.
func TestGroupRoundTrip(t *testing.T) {
	srv, c := start(t, scimtest.Options{}, scimapi.Config{})
	ctx := t.Context()
	ids := seedUsers(t, srv, 3)
	res := mustOK(t, c.Run(ctx, []scimapi.Op{
		{Kind: scimapi.OpCreate, Resource: "Groups", Body: scimapi.Group{ExternalID: "org-1", DisplayName: "営業部", Members: []scimapi.Member{{Value: ids[0]}, {Value: ids[1]}}}},
		{Kind: scimapi.OpCreate, Resource: "Groups", Body: scimapi.Group{DisplayName: "開発部"}},
	}))
	gid := res[0].ID
	mustOK(t, c.Run(ctx, []scimapi.Op{{Kind: scimapi.OpPatch, Resource: "Groups", ID: gid, Patch: []scimapi.PatchOperation{
		{Op: "add", Path: "members", Value: []map[string]string{{"value": ids[2]}}},
		{Op: "remove", Path: fmt.Sprintf("members[value eq %q]", ids[0])},
	}}}))
	got, err := c.Group(ctx, gid)
	if err != nil {
		t.Fatal(err)
	}
	want := scimapi.Group{ID: gid, ExternalID: "org-1", DisplayName: "営業部", Members: []scimapi.Member{{Value: ids[1]}, {Value: ids[2]}}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(scimapi.Group{}, "Meta")); diff != "" {
		t.Errorf("group (-want +got):\n%s", diff)
	}
	all, err := c.Groups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, g := range all {
		names[g.ID] = g.DisplayName
	}
	if diff := cmp.Diff(map[string]string{gid: "営業部", res[1].ID: "開発部"}, names); diff != "" {
		t.Errorf("Groups (-want +got):\n%s", diff)
	}
}

// TestIfMatch: a write with the version read before a concurrent remote
// edit fails with 412 and changes nothing; with the new version it goes.
func TestIfMatch(t *testing.T) {
	srv, c := start(t, scimtest.Options{ETags: true}, scimapi.Config{})
	ctx := t.Context()
	id := seedUsers(t, srv, 1)[0]
	before, err := c.User(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.EditUser(id, func(a map[string]any) { a["title"] = "edited in the app" }); err != nil {
		t.Fatal(err)
	}
	patch := []scimapi.PatchOperation{{Op: "replace", Path: "title", Value: "from cybridge"}}
	for _, op := range []scimapi.Op{
		{Kind: scimapi.OpPatch, Resource: "Users", ID: id, Version: before.Meta.Version, Patch: patch},
		{Kind: scimapi.OpReplace, Resource: "Users", ID: id, Version: before.Meta.Version, Body: scimapi.User{UserName: "x"}},
		{Kind: scimapi.OpDelete, Resource: "Users", ID: id, Version: before.Meta.Version},
	} {
		r := c.Run(ctx, []scimapi.Op{op})[0]
		var e *scimapi.Error
		if !errors.As(r.Err, &e) || e.Status != http.StatusPreconditionFailed || e.Code != scimapi.CodePreconditionFailed || msg.KindOf(r.Err) != msg.KindConflict {
			t.Errorf("%s with the old version: %v", op.Kind, r.Err)
		}
	}
	after, err := c.User(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if after.Title != "edited in the app" || after.Meta.Version == before.Meta.Version {
		t.Fatalf("after the refused writes: title %q version %q (before %q)", after.Title, after.Meta.Version, before.Meta.Version)
	}
	r := mustOK(t, c.Run(ctx, []scimapi.Op{{Kind: scimapi.OpPatch, Resource: "Users", ID: id, Version: after.Meta.Version, Patch: patch}}))
	if r[0].Version == after.Meta.Version {
		t.Errorf("the patch did not bump the version %q", r[0].Version)
	}
	cfg, err := c.ProviderConfig(ctx)
	if err != nil || !cfg.ETag {
		t.Errorf("ProviderConfig = %+v, %v; want etag supported", cfg, err)
	}
}

// TestRetryAfter: a 429 with Retry-After: 1 is waited out (about a
// second) and retried once.
func TestRetryAfter(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv, c := start(t, scimtest.Options{}, scimapi.Config{})
			srv.FailNext(1, status, time.Second)
			began := time.Now()
			mustOK(t, c.Run(t.Context(), []scimapi.Op{{Kind: scimapi.OpCreate, Resource: "Users", Body: scimapi.User{UserName: "a"}}}))
			if waited := time.Since(began); waited < time.Second || waited > 3*time.Second {
				t.Errorf("waited %v, want about 1s", waited)
			}
			if diff := cmp.Diff(scimapi.Stats{Requests: 2, Retries: 1}, c.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRetriesEnd: a service that keeps failing transiently is tried
// MaxAttempts times, and the error says what it said last.
func TestRetriesEnd(t *testing.T) {
	srv, c := start(t, scimtest.Options{}, scimapi.Config{MaxAttempts: 3})
	srv.FailNext(10, http.StatusBadGateway, 0)
	r := c.Run(t.Context(), []scimapi.Op{{Kind: scimapi.OpCreate, Resource: "Users", Body: scimapi.User{UserName: "a"}}})[0]
	if msg.Code(r.Err) != scimapi.CodeUnavailable || srv.Stats().Total != 3 {
		t.Errorf("err %v, %d requests; want scim_unavailable after 3", r.Err, srv.Stats().Total)
	}
}

// TestFailingUserIsolated: a 500 on one user fails that op only, once
// (500 is not retried); the others are created.
func TestFailingUserIsolated(t *testing.T) {
	srv, c := start(t, scimtest.Options{}, scimapi.Config{})
	srv.FailUser("bob", http.StatusInternalServerError)
	var ops []scimapi.Op
	for _, name := range []string{"alice", "bob", "carol", "dave"} {
		ops = append(ops, scimapi.Op{Kind: scimapi.OpCreate, Resource: "Users", Body: scimapi.User{UserName: name}})
	}
	results := c.Run(t.Context(), ops)
	var failed []string
	for i, r := range results {
		if r.Err != nil {
			failed = append(failed, fmt.Sprintf("%s %s %d", ops[i].Body.(scimapi.User).UserName, msg.Code(r.Err), r.Err.(*scimapi.Error).Status))
		} else if r.ID == "" {
			t.Errorf("op %d: no id", i)
		}
	}
	if diff := cmp.Diff([]string{"bob scim_unavailable 500"}, failed); diff != "" {
		t.Errorf("failed ops (-want +got):\n%s", diff)
	}
	if got := srv.Stats().Requests["POST /Users"]; got != 4 || len(srv.Users()) != 3 {
		t.Errorf("%d POSTs, %d users; want 4 and 3", got, len(srv.Users()))
	}
}

// TestConnectionReset: a request whose connection is reset is retried, a
// create as well as a read; with no attempts left it is scim_unavailable.
func TestConnectionReset(t *testing.T) {
	for _, tc := range []struct {
		name     string
		attempts int
		want     string
	}{
		{"read", 0, ""}, {"create", 0, ""}, {"create", 1, scimapi.CodeUnavailable},
	} {
		t.Run(fmt.Sprint(tc.name, tc.attempts), func(t *testing.T) {
			srv, c := start(t, scimtest.Options{}, scimapi.Config{MaxAttempts: tc.attempts})
			seedUsers(t, srv, 3)
			srv.ResetNext(1)
			var err error
			if tc.name == "read" {
				_, err = c.User(t.Context(), "u-000001")
			} else {
				err = c.Run(t.Context(), []scimapi.Op{{Kind: scimapi.OpCreate, Resource: "Users", Body: scimapi.User{UserName: "new"}}})[0].Err
			}
			if msg.Code(err) != tc.want && !(tc.want == "" && err == nil) {
				t.Fatalf("err = %v, want code %q", err, tc.want)
			}
			wantStats := scimapi.Stats{Requests: 2, Retries: 1}
			if tc.attempts == 1 {
				wantStats = scimapi.Stats{Requests: 1}
			}
			if diff := cmp.Diff(wantStats, c.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			if tc.want == "" && tc.name == "create" && len(srv.Users()) != 4 {
				t.Errorf("the server holds %d users, want 4", len(srv.Users()))
			}
			if err != nil {
				t.Log(err)
			}
		})
	}
}

// TestConcurrencyBound: the server never sees more requests at once than
// Concurrency, and does see that many.
func TestConcurrencyBound(t *testing.T) {
	for _, conc := range []int{1, 3, 4} {
		t.Run(fmt.Sprint(conc), func(t *testing.T) {
			srv, c := start(t, scimtest.Options{Latency: 10 * time.Millisecond}, scimapi.Config{Concurrency: conc})
			var ops []scimapi.Op
			for i := range 24 {
				ops = append(ops, scimapi.Op{Kind: scimapi.OpCreate, Resource: "Users", Body: scimapi.User{UserName: fmt.Sprint("u", i)}})
			}
			mustOK(t, c.Run(t.Context(), ops))
			if peak := srv.Stats().PeakInFlight; peak != conc {
				t.Errorf("peak in flight %d, want %d", peak, conc)
			}
		})
	}
}

// TestStatusCodes: each refusal has its code, kind, scimType and detail,
// and only the transient ones are retried.
func TestStatusCodes(t *testing.T) {
	for _, tc := range []struct {
		status   int
		code     string
		kind     msg.Kind
		requests int
	}{
		{400, scimapi.CodeInvalid, msg.KindInvalid, 1},
		{403, scimapi.CodeForbidden, msg.KindForbidden, 1},
		{404, scimapi.CodeNotFound, msg.KindNotFound, 1},
		{409, scimapi.CodeConflict, msg.KindConflict, 1},
		{413, scimapi.CodeInvalid, msg.KindInvalid, 1},
		{429, scimapi.CodeRateLimited, msg.KindUnavailable, 2},
		{500, scimapi.CodeUnavailable, msg.KindUnavailable, 1},
		{501, scimapi.CodeNotSupported, msg.KindInvalid, 1},
		{502, scimapi.CodeUnavailable, msg.KindUnavailable, 2},
		{503, scimapi.CodeUnavailable, msg.KindUnavailable, 2},
		{504, scimapi.CodeUnavailable, msg.KindUnavailable, 2},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			srv, c := start(t, scimtest.Options{}, scimapi.Config{MaxAttempts: 2})
			srv.FailNext(2, tc.status, 0)
			_, err := c.User(t.Context(), "u1")
			var e *scimapi.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v", err)
			}
			got := fmt.Sprint(e.Status, " ", e.Code, " ", msg.KindOf(err), " ", e.Detail, " ", srv.Stats().Total)
			want := fmt.Sprint(tc.status, " ", tc.code, " ", tc.kind, " Injected failure. ", tc.requests)
			if got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	t.Run("uniqueness", func(t *testing.T) {
		srv, c := start(t, scimtest.Options{}, scimapi.Config{})
		seedUsers(t, srv, 1)
		r := c.Run(t.Context(), []scimapi.Op{{Kind: scimapi.OpCreate, Resource: "Users", Body: scimapi.User{UserName: "USER0000"}}})[0]
		var e *scimapi.Error
		if !errors.As(r.Err, &e) || e.Code != scimapi.CodeConflict || e.ScimType != "uniqueness" {
			t.Errorf("err = %v", r.Err)
		}
	})
	t.Run("invalid value", func(t *testing.T) {
		_, c := start(t, scimtest.Options{}, scimapi.Config{})
		r := c.Run(t.Context(), []scimapi.Op{{Kind: scimapi.OpCreate, Resource: "Users", Body: map[string]any{
			"schemas": []string{scimapi.SchemaUser}, "userName": "a", "active": "yes"}}})[0]
		var e *scimapi.Error
		if !errors.As(r.Err, &e) || e.Code != scimapi.CodeInvalid || e.ScimType != "invalidValue" {
			t.Errorf("err = %v", r.Err)
		}
	})
}

// TestWrongToken: a refused token is scim_unauthorized, kind forbidden.
func TestWrongToken(t *testing.T) {
	_, c := start(t, scimtest.Options{}, scimapi.Config{Token: "tok-wrong-0000"})
	_, err := c.ProviderConfig(t.Context())
	var e *scimapi.Error
	if !errors.As(err, &e) || e.Status != 401 || e.Code != scimapi.CodeUnauthorized || msg.KindOf(err) != msg.KindForbidden {
		t.Fatalf("err = %v", err)
	}
	for _, s := range []string{err.Error(), msg.Localize(msg.Ja, err), fmt.Sprintf("%+v %#v", err, e)} {
		if strings.Contains(s, "tok-") {
			t.Errorf("a token in %q", s)
		}
	}
}

// TestTokenNeverInErrors: a service that echoes the Authorization header
// in its detail, or a connection failure, never puts the token in an
// error's text, and the Config does not print it.
func TestTokenNeverInErrors(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", scimapi.MediaType)
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"scimType": "invalidValue", "detail": "bad header " + r.Header.Get("Authorization")})
	}))
	defer echo.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, base := range []string{echo.URL, closed.URL} {
		cfg := scimapi.Config{BaseURL: base, Token: secret.Secret(token), MaxAttempts: 1}
		c, err := scimapi.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.User(t.Context(), "u1")
		if err == nil {
			t.Fatal("no error")
		}
		for _, s := range []string{err.Error(), msg.Localize(msg.Ja, err), fmt.Sprintf("%+v", err), fmt.Sprint(msg.ParamsOf(err)), fmt.Sprintf("%+v %#v", cfg, cfg)} {
			if strings.Contains(s, token) {
				t.Errorf("the token in %q", s)
			}
		}
	}
}

// TestPagingDefence: a service whose pages repeat ids or never end fails
// with scim_protocol instead of looping.
func TestPagingDefence(t *testing.T) {
	for name, page := range map[string]func(start int) string{
		"repeats": func(int) string { return `{"totalResults":3,"Resources":[{"id":"a","userName":"a"}]}` },
		"no end": func(start int) string { // always one more than listed so far
			return fmt.Sprintf(`{"totalResults":%d,"Resources":[{"id":"u%d","userName":"u%d"}]}`, start+1, start, start)
		},
	} {
		t.Run(name, func(t *testing.T) {
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				if r.URL.Path == "/ServiceProviderConfig" {
					fmt.Fprint(w, `{"filter":{"supported":true,"maxResults":1}}`)
					return
				}
				var start int
				fmt.Sscan(r.URL.Query().Get("startIndex"), &start)
				fmt.Fprint(w, page(start))
			}))
			defer srv.Close()
			c, err := scimapi.New(scimapi.Config{BaseURL: srv.URL, Token: token})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Users(t.Context())
			if msg.Code(err) != scimapi.CodeProtocol || requests.Load() > 6 {
				t.Errorf("err %v after %d requests", err, requests.Load())
			}
		})
	}
}

// TestNew: a base URL that cannot work and a missing token are refused.
func TestNew(t *testing.T) {
	for _, tc := range []struct {
		url, token, want string
	}{
		{"https://api.example.com/scim/v2/", token, ""},
		{"http://127.0.0.1:8080/scim", token, ""},
		{"http://api.example.com/scim", token, "scim_url_invalid: the SCIM base URL \"http://api.example.com/scim\": http:// is accepted only for loopback addresses; use https://"},
		{"https://user:pw@api.example.com/scim", token, "scim_url_invalid: the SCIM base URL \"https://api.example.com/scim\" holds credentials; remove them and give the bearer token instead"},
		{"api.example.com/scim", token, "scim_url_invalid: the SCIM base URL \"api.example.com/scim\" is not usable; give the app's SCIM base URL as https://HOST/PATH"},
		{"https://api.example.com/scim", "", "scim_token_missing: no bearer token is set for the SCIM app at https://api.example.com/scim; give the token the app issued for cybridge"},
	} {
		_, err := scimapi.New(scimapi.Config{BaseURL: tc.url, Token: secret.Secret(tc.token)})
		got := ""
		if err != nil {
			got = msg.Code(err) + ": " + err.Error()
		}
		if got != tc.want {
			t.Errorf("New(%q):\n got %q\nwant %q", tc.url, got, tc.want)
		}
	}
}

// TestProviderConfigAndSchemas: the service's features and schema ids,
// with the configuration read once.
func TestProviderConfigAndSchemas(t *testing.T) {
	srv, c := start(t, scimtest.Options{PageSize: 50}, scimapi.Config{})
	ctx := context.Background()
	for range 2 {
		cfg, err := c.ProviderConfig(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := scimapi.ProviderConfig{Patch: true, Filter: true, FilterMaxResults: 50, BulkMaxOperations: 1000, BulkMaxPayloadSize: 1048576, AuthSchemes: []string{"oauthbearertoken"}}
		if diff := cmp.Diff(want, cfg); diff != "" {
			t.Errorf("ProviderConfig (-want +got):\n%s", diff)
		}
	}
	ids, err := c.Schemas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{scimapi.SchemaUser, scimapi.SchemaEnterprise, scimapi.SchemaGroup} {
		if !strings.Contains(strings.Join(ids, " "), id) {
			t.Errorf("Schemas = %v, lacks %s", ids, id)
		}
	}
	if got := srv.Stats().Requests["GET /ServiceProviderConfig"]; got != 1 {
		t.Errorf("read the configuration %d times", got)
	}
}

// TestCodesHaveTexts: every key the client's errors render has a text in
// Japanese and English.
func TestCodesHaveTexts(t *testing.T) {
	for _, gap := range msg.Gaps(scimapi.Codes()) {
		t.Error(gap)
	}
}

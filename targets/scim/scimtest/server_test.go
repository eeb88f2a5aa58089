package scimtest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/targets/scim/scimtest"
)

const enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// call sends one request to srv with its token and returns the status,
// the ETag header and the decoded body.
func call(t *testing.T, srv *scimtest.Server, method, path, body string, header ...string) (int, string, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/scim+json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	if len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("%s %s: body %q: %v", method, path, data, err)
		}
	}
	return resp.StatusCode, resp.Header.Get("ETag"), out
}

func seed(t *testing.T, srv *scimtest.Server, users ...map[string]any) []string {
	t.Helper()
	var ids []string
	for _, u := range users {
		id, err := srv.Seed(u)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// TestFilter: the library's filters, on core and extension attributes,
// with paging over the filtered list.
func TestFilter(t *testing.T) {
	srv := scimtest.New(scimtest.Options{Token: "tok"})
	defer srv.Close()
	seed(t, srv,
		map[string]any{"userName": "a.okada", "emails": []any{map[string]any{"value": "a@example.com", "type": "work"}}, enterprise: map[string]any{"department": "営業部"}},
		map[string]any{"userName": "b.sato", "active": false, enterprise: map[string]any{"department": "開発部"}},
		map[string]any{"userName": "c.ito", "externalId": "3", enterprise: map[string]any{"department": "営業部"}},
	)
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{`userName eq "A.OKADA"`, []string{"a.okada"}},            // userName is case-insensitive
		{`emails[value eq "a@example.com"]`, []string{"a.okada"}}, // the library does not evaluate emails.value (a sub-attribute of a multi-valued one)
		{`externalId eq "3"`, []string{"c.ito"}},
		{`active eq false`, []string{"b.sato"}},
		{enterprise + `:department eq "営業部"`, []string{"a.okada", "c.ito"}},
		{`userName sw "b" or userName sw "c"`, []string{"b.sato", "c.ito"}},
	} {
		status, _, body := call(t, srv, "GET", "/Users?filter="+url.QueryEscape(tc.filter), "")
		var got []string
		for _, r := range body["Resources"].([]any) {
			got = append(got, r.(map[string]any)["userName"].(string))
		}
		if diff := cmp.Diff(tc.want, got); status != 200 || diff != "" {
			t.Errorf("%s: status %d (-want +got):\n%s", tc.filter, status, diff)
		}
	}
	if status, _, body := call(t, srv, "GET", "/Users?filter="+url.QueryEscape(`nope eq "x"`), ""); status != 400 || body["scimType"] != "invalidFilter" {
		t.Errorf("bad filter: %d %v", status, body)
	}
}

// TestPatchSemantics: PATCH without a path, on a sub-attribute, on an
// extension attribute, and add to a multi-valued attribute.
func TestPatchSemantics(t *testing.T) {
	srv := scimtest.New(scimtest.Options{Token: "tok", ETags: true})
	defer srv.Close()
	id := seed(t, srv, map[string]any{"userName": "a", "name": map[string]any{"givenName": "朗", "familyName": "岡田"}})[0]
	body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"replace","value":{"displayName":"岡田 朗","name.givenName":"あきら","` + enterprise + `":{"department":"営業部"}}},
		{"op":"add","path":"emails","value":[{"value":"a@example.com","type":"work"}]},
		{"op":"add","path":"emails","value":[{"value":"a@example.com","type":"work"}]},
		{"op":"replace","path":"name","value":{"formatted":"岡田 あきら"}}]}`
	status, etag, got := call(t, srv, "PATCH", "/Users/"+id, body, "If-Match", `W/"1"`)
	if status != 200 || etag != `W/"2"` {
		t.Fatalf("PATCH: %d %q %v", status, etag, got)
	}
	for _, drop := range []string{"meta", "schemas", "id"} {
		delete(got, drop)
	}
	want := map[string]any{
		"userName": "a", "displayName": "岡田 朗",
		"name":     map[string]any{"givenName": "あきら", "familyName": "岡田", "formatted": "岡田 あきら"},
		"emails":   []any{map[string]any{"value": "a@example.com", "type": "work"}},
		enterprise: map[string]any{"department": "営業部"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("patched user (-want +got):\n%s", diff)
	}
	if status, _, body := call(t, srv, "PATCH", "/Users/"+id, body, "If-Match", `W/"1"`); status != 412 {
		t.Errorf("PATCH with an old version: %d %v", status, body)
	}
}

// TestControls: the token, the counters, uniqueness and the etag
// setting in /ServiceProviderConfig.
func TestControls(t *testing.T) {
	for _, etags := range []bool{false, true} {
		t.Run(fmt.Sprint("etags=", etags), func(t *testing.T) {
			srv := scimtest.New(scimtest.Options{Token: "tok", ETags: etags, PageSize: 5})
			defer srv.Close()
			_, _, cfg := call(t, srv, "GET", "/ServiceProviderConfig", "")
			if got := cfg["etag"].(map[string]any)["supported"]; got != etags {
				t.Errorf("etag.supported = %v", got)
			}
			if got := cfg["filter"].(map[string]any)["maxResults"]; got != 5.0 {
				t.Errorf("filter.maxResults = %v", got)
			}
			user := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}`
			status, etag, body := call(t, srv, "POST", "/Users", user)
			if status != 201 || (etag != "") != etags {
				t.Errorf("POST: %d etag %q", status, etag)
			}
			if status, _, body := call(t, srv, "POST", "/Users", strings.Replace(user, `"x"`, `"X"`, 1)); status != 409 || body["scimType"] != "uniqueness" {
				t.Errorf("second userName: %d %v", status, body)
			}
			call(t, srv, "GET", "/Users/"+body["id"].(string), "")
			req, _ := http.NewRequest("GET", srv.URL+"/Users", nil)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 401 {
				t.Errorf("no token: %d", resp.StatusCode)
			}
			want := map[string]int{"GET /ServiceProviderConfig": 1, "POST /Users": 2, "GET /Users/{id}": 1, "GET /Users": 1}
			if diff := cmp.Diff(want, srv.Stats().Requests); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSeedGroup: a seeded group is served with its members, and a
// deleted user leaves it.
func TestSeedGroup(t *testing.T) {
	srv := scimtest.New(scimtest.Options{Token: "tok"})
	defer srv.Close()
	ids := seed(t, srv, map[string]any{"userName": "a"}, map[string]any{"userName": "b"})
	gid, err := srv.SeedGroup(map[string]any{"displayName": "営業部", "members": []any{map[string]any{"value": ids[0]}, map[string]any{"value": ids[1]}}})
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := call(t, srv, "DELETE", "/Users/"+ids[0], ""); status != 204 {
		t.Fatalf("DELETE: %d", status)
	}
	_, _, got := call(t, srv, "GET", "/Groups/"+gid, "")
	if diff := cmp.Diff([]any{map[string]any{"value": ids[1]}}, got["members"]); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if _, err := srv.SeedGroup(map[string]any{"members": []any{}}); err == nil {
		t.Error("a group without displayName was seeded")
	}
}

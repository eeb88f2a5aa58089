package scimapi_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/targets/scim/scimapi"
)

// TestUserJSON: a user read from a service keeps what the type has no
// field for (other attributes, other extensions, the enterprise
// extension's unmapped attributes) and sends it back; names are matched
// case-insensitively; meta is read and never sent.
func TestUserJSON(t *testing.T) {
	const custom = "urn:example:params:scim:schemas:extension:acme:2.0:User"
	in := `{"schemas":["` + scimapi.SchemaUser + `","` + scimapi.SchemaEnterprise + `","` + custom + `"],
		"id":"u1","UserName":"a.okada","nickName":"aki","active":false,
		"emails":[{"value":"a@example.com","type":"work","primary":true}],
		"` + scimapi.SchemaEnterprise + `":{"department":"営業部","manager":{"value":"u9"}},
		"` + custom + `":{"badge":7},
		"meta":{"resourceType":"User","version":"W/\"3\"","location":"https://x/Users/u1"}}`
	var u scimapi.User
	if err := json.Unmarshal([]byte(in), &u); err != nil {
		t.Fatal(err)
	}
	f := false
	want := scimapi.User{
		ID: "u1", UserName: "a.okada", Active: &f,
		Emails:     []scimapi.Email{{Value: "a@example.com", Type: "work", Primary: true}},
		Enterprise: &scimapi.Enterprise{Department: "営業部"},
		Extra: map[string]json.RawMessage{
			"nickName":               json.RawMessage(`"aki"`),
			scimapi.SchemaEnterprise: json.RawMessage(`{"manager":{"value":"u9"}}`),
			custom:                   json.RawMessage(`{"badge":7}`),
		},
		Meta: scimapi.Meta{ResourceType: "User", Version: `W/"3"`, Location: "https://x/Users/u1"},
	}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Fatalf("read (-want +got):\n%s", diff)
	}
	u.Enterprise.Department = "開発部"
	out, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	var got, wantOut map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal([]byte(`{"schemas":["`+scimapi.SchemaUser+`","`+scimapi.SchemaEnterprise+`","`+custom+`"],
		"id":"u1","userName":"a.okada","nickName":"aki","active":false,
		"emails":[{"value":"a@example.com","type":"work","primary":true}],
		"`+scimapi.SchemaEnterprise+`":{"department":"開発部","manager":{"value":"u9"}},
		"`+custom+`":{"badge":7}}`), &wantOut)
	if diff := cmp.Diff(wantOut, got); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
}

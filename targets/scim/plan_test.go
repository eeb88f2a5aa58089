package scim_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/calendar/scope"
	"github.com/cybridge/cybridge/targets/scim"
	"github.com/cybridge/cybridge/targets/scim/scimapi"
)

func dir(users ...directory.User) *directory.Snapshot {
	s := &directory.Snapshot{Source: directory.Source{Kind: directory.SourceAPI, Domain: "example.cybozu.com"},
		Organizations: []directory.Organization{{ID: "10", Code: "sales", Name: "営業部"}}}
	for _, u := range users {
		u.PrimaryOrg = "sales"
		u.Memberships = []directory.Membership{{OrgCode: "sales"}}
		s.Users = append(s.Users, u)
	}
	return s
}

func active(b bool) *bool { return &b }

func remote(id, userName, externalID, email string, on bool) scimapi.User {
	u := scimapi.User{ID: id, UserName: userName, ExternalID: externalID, Active: active(on)}
	if email != "" {
		u.Emails = []scimapi.Email{{Value: email, Type: "work", Primary: true}}
	}
	return u
}

// summary is a plan as "action key reason" lines and its error keys.
func summary(tp provision.TargetPlan) []string {
	var out []string
	for _, c := range tp.Changes {
		out = append(out, string(c.Action)+" "+c.Key+" "+c.Reason)
	}
	for _, e := range tp.Errors {
		out = append(out, "error "+e.TextKey())
	}
	for _, w := range tp.Warnings {
		out = append(out, "warning "+w.TextKey())
	}
	return out
}

func TestPlanMatching(t *testing.T) {
	sato := directory.User{ID: "1", Login: "sato", DisplayName: "佐藤", Email: "sato@example.jp", Valid: true}
	suzuki := directory.User{ID: "2", Login: "suzuki", DisplayName: "鈴木", Email: "suzuki@example.jp", Valid: true}
	mori := directory.User{ID: "3", Login: "mori", DisplayName: "森", Email: "mori@example.jp", Valid: false}
	link := func(id string, u directory.User) provision.Link {
		return provision.Link{Target: "scim.app", Kind: scim.KindUser, ObjectID: id, Dir: provision.DirRef{ID: u.ID, Key: u.Login}}
	}
	tests := []struct {
		name     string
		settings scim.Settings
		snap     *directory.Snapshot
		remote   []scimapi.User
		links    []provision.Link
		want     []string
	}{
		{"new users are created; a 停止中 one never", scim.Settings{}, dir(sato, mori), nil, nil,
			[]string{"create sato new"}},
		{"a user the app had is matched by externalId, userName, then email", scim.Settings{}, dir(sato, suzuki, mori),
			[]scimapi.User{remote("a", "x", "1", "", true), remote("b", "suzuki", "", "", true), remote("c", "other", "3", "", true)}, nil,
			[]string{"disable mori external_id", "update sato external_id", "update suzuki user_name"}},
		{"by email", scim.Settings{}, dir(sato), []scimapi.User{remote("a", "s.sato", "", "SATO@example.jp", true)}, nil,
			[]string{"update sato email"}},
		{"a 停止中 user is not matched by userName", scim.Settings{}, dir(mori), []scimapi.User{remote("a", "mori", "", "", true)}, nil,
			nil},
		{"an app user never matched is left alone", scim.Settings{}, dir(sato), []scimapi.User{remote("z", "guest", "", "guest@x", true)}, nil,
			[]string{"create sato new"}},
		{"a linked leaver is deactivated", scim.Settings{}, dir(sato), []scimapi.User{remote("a", "sato", "1", "sato@example.jp", true), remote("b", "suzuki", "2", "", true)},
			[]provision.Link{link("a", sato), link("b", suzuki)}, []string{"update sato link", "disable suzuki gone"}},
		{"or deleted", scim.Settings{Leavers: scim.LeaversDelete}, dir(sato), []scimapi.User{remote("b", "suzuki", "2", "", false)},
			[]provision.Link{link("b", suzuki)}, []string{"create sato new", "delete suzuki gone"}},
		{"an inactive leaver stays as it is", scim.Settings{}, dir(), []scimapi.User{remote("b", "suzuki", "2", "", false)},
			[]provision.Link{link("b", suzuki)}, nil},
		{"two app users for one cybozu.com user", scim.Settings{}, dir(sato), []scimapi.User{remote("a", "sato", "", "", true), remote("b", "x", "", "sato@example.jp", true), remote("c", "y", "", "sato@example.jp", true)}, nil,
			[]string{"update sato user_name"}},
		{"two app users by email", scim.Settings{}, dir(sato), []scimapi.User{remote("b", "x", "", "sato@example.jp", true), remote("c", "y", "", "sato@example.jp", true)}, nil,
			[]string{"error ambiguous_match.scim_remote"}},
		{"one app user for two cybozu.com users", scim.Settings{}, dir(sato, directory.User{ID: "9", Login: "sato2", Email: "sato@example.jp", Valid: true}),
			[]scimapi.User{remote("a", "s", "", "sato@example.jp", true)}, nil,
			[]string{"error ambiguous_match.scim_user"}},
		{"two links to one user", scim.Settings{}, dir(sato), []scimapi.User{remote("a", "sato", "1", "", true), remote("b", "sato2", "1", "", true)},
			[]provision.Link{link("a", sato), link("b", sato)}, []string{"error ambiguous_match.scim_links"}},
		{"email user names need an email", scim.Settings{UserName: scim.UserNameEmail}, dir(directory.User{ID: "5", Login: "nomail", Valid: true}), nil, nil,
			[]string{"warning scim_no_user_name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.settings
			s.Instance = "app"
			if s.UserName == "" {
				s.UserName = scim.UserNameLogin
			}
			if s.Leavers == "" {
				s.Leavers = scim.LeaversDeactivate
			}
			tgt := scim.New(s, nil)
			ix := directory.NewIndex(tt.snap)
			st := &scim.State{Provider: scimapi.ProviderConfig{Patch: true}, Users: tt.remote}
			tp := tgt.Plan(provision.PlanInput{Snapshot: tt.snap, Index: ix, Links: tt.links, Now: time.Now()}, st)
			if diff := cmp.Diff(tt.want, summary(tp)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Without PATCH the whole user is sent (PUT), as read with cybridge's
// attributes changed: what the app holds besides them is kept.
func TestPlanPutWithoutPatch(t *testing.T) {
	sato := directory.User{ID: "1", Login: "sato", DisplayName: "佐藤 新", Email: "sato@example.jp", Valid: true}
	r := remote("a", "sato", "1", "sato@example.jp", true)
	r.DisplayName = "佐藤"
	r.Extra = map[string]json.RawMessage{"nickName": json.RawMessage(`"Sato-san"`)}
	r.Meta.Version = `W/"3"`
	snap := dir(sato)
	tgt := scim.New(scim.Settings{Instance: "app", UserName: scim.UserNameLogin, Leavers: scim.LeaversDeactivate}, nil)
	st := &scim.State{Provider: scimapi.ProviderConfig{Patch: false, ETag: true}, Users: []scimapi.User{r}}
	tp := tgt.Plan(provision.PlanInput{Snapshot: snap, Index: directory.NewIndex(snap)}, st)
	if len(tp.Changes) != 1 {
		t.Fatalf("changes: %v", summary(tp))
	}
	data := string(tp.Changes[0].Data)
	for _, want := range []string{`"version":"W/\"3\""`, `"nickName":"Sato-san"`, `"displayName":"佐藤 新"`, `"active":true`} {
		if !strings.Contains(data, want) {
			t.Errorf("data %s lacks %s", data, want)
		}
	}
	if strings.Contains(data, `"patch"`) {
		t.Errorf("a PATCH planned for an app without PATCH: %s", data)
	}
}

// A user_filter naming a code the directory lacks is warned about.
func TestPlanWarnsOfUnknownFilterCodes(t *testing.T) {
	sc, err := scope.Parse(`organization in ("salse")`)
	if err != nil {
		t.Fatal(err)
	}
	snap := dir(directory.User{ID: "1", Login: "sato", Valid: true})
	tgt := scim.New(scim.Settings{Instance: "app", UserName: scim.UserNameLogin, Leavers: scim.LeaversDeactivate, Filter: sc}, nil)
	tp := tgt.Plan(provision.PlanInput{Snapshot: snap, Index: directory.NewIndex(snap)}, &scim.State{})
	if len(tp.Warnings) != 1 || tp.Warnings[0].TextKey() != "scim_filter_unknown_code.organization" || !strings.Contains(tp.Warnings[0].Message, `"salse"`) {
		t.Errorf("warnings: %+v", tp.Warnings)
	}
}

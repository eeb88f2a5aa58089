package provision_test

import (
	"testing"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/provision"
)

// TestDirRefFind follows links to users and organizations read with ids
// (the API) and without (CSV).
func TestDirRefFind(t *testing.T) {
	withID := &directory.User{ID: "7", Login: "h.sato"}
	renamed := &directory.User{ID: "7", Login: "hiroshi.sato"}
	noID := &directory.User{Login: "h.sato"}
	other := &directory.User{ID: "8", Login: "h.sato"}
	for _, tc := range []struct {
		name    string
		ref     provision.DirRef
		byID    map[string]*directory.User
		byLogin map[string]*directory.User
		want    *directory.User
	}{
		{"by id", provision.DirRef{ID: "7", Key: "h.sato"}, map[string]*directory.User{"7": withID}, map[string]*directory.User{"h.sato": withID}, withID},
		{"renamed, by id", provision.DirRef{ID: "7", Key: "h.sato"}, map[string]*directory.User{"7": renamed}, map[string]*directory.User{"hiroshi.sato": renamed}, renamed},
		{"id gone", provision.DirRef{ID: "7", Key: "h.sato"}, map[string]*directory.User{}, map[string]*directory.User{}, nil},
		{"CSV read, by login", provision.DirRef{ID: "7", Key: "h.sato"}, map[string]*directory.User{}, map[string]*directory.User{"h.sato": noID}, noID},
		{"login taken by another id", provision.DirRef{ID: "7", Key: "h.sato"}, map[string]*directory.User{"8": other}, map[string]*directory.User{"h.sato": other}, nil},
		{"no id in the link", provision.DirRef{Key: "h.sato"}, map[string]*directory.User{"8": other}, map[string]*directory.User{"h.sato": other}, other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.ref.FindUser(tc.byID, tc.byLogin); got != tc.want {
				t.Errorf("FindUser = %+v, want %+v", got, tc.want)
			}
		})
	}

	org := &directory.Organization{ID: "3", Code: "sales"}
	csvOrg := &directory.Organization{Code: "sales"}
	ref := provision.DirRef{ID: "3", Key: "sales"}
	if got := ref.FindOrg(map[string]*directory.Organization{"3": org}, map[string]*directory.Organization{"sales": org}); got != org {
		t.Errorf("FindOrg by id = %+v, want %+v", got, org)
	}
	if got := ref.FindOrg(nil, map[string]*directory.Organization{"sales": csvOrg}); got != csvOrg {
		t.Errorf("FindOrg of a CSV read = %+v, want %+v", got, csvOrg)
	}
	if got := ref.FindOrg(nil, map[string]*directory.Organization{"sales": {ID: "4", Code: "sales"}}); got != nil {
		t.Errorf("FindOrg of another id = %+v, want nil", got)
	}
}

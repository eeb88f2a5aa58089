package scim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/cybridge/cybridge/targets/scim/scimapi"
)

// State is what Load read of the app: what it supports, its users and
// (when groups are provisioned) its groups, in the app's order.
type State struct {
	Provider scimapi.ProviderConfig
	Users    []scimapi.User
	Groups   []scimapi.Group
}

// Digest covers the objects read, each by its version (or its content
// when the app serves none), and what the app supports (PATCH or PUT).
func (s *State) Digest() string {
	h := sha256.New()
	fmt.Fprintf(h, "patch=%t etag=%t\n", s.Provider.Patch, s.Provider.ETag)
	for i := range s.Users {
		fmt.Fprintf(h, "u %s %s\n", s.Users[i].ID, userSeen(&s.Users[i]))
	}
	for i := range s.Groups {
		fmt.Fprintf(h, "g %s %s\n", s.Groups[i].ID, groupSeen(&s.Groups[i]))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// userSeen identifies what was read of a remote user: its version when
// the app serves one, else a digest of its content. A stored plan
// records it for each user it changes; CheckRemote compares.
func userSeen(u *scimapi.User) string {
	c := *u
	c.Meta = scimapi.Meta{}
	return seen(u.Meta.Version, c)
}

// groupSeen is userSeen for a group.
func groupSeen(g *scimapi.Group) string {
	c := *g
	c.Meta = scimapi.Meta{}
	return seen(g.Meta.Version, c)
}

// seen is "v:" and the version, or "d:" and a digest of content without
// its meta.
func seen(version string, content any) string {
	if version != "" {
		return "v:" + version
	}
	return contentDigest(content)
}

func contentDigest(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "d:?"
	}
	sum := sha256.Sum256(b)
	return "d:" + hex.EncodeToString(sum[:12])
}

package app

import (
	"context"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/scim"
)

// scimTargets builds one target per [[scim]] instance, in file order
// (after the built-in targets in reports).
func scimTargets(list []config.SCIM) ([]provision.Target, error) {
	var out []provision.Target
	for _, c := range list {
		t, _, err := scim.FromConfig(c)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// SCIMCheck is what check found of one [[scim]] endpoint: whether it
// answered with the token, and what it supports. Its JSON shape is
// stable: add fields, never rename.
type SCIMCheck struct {
	Target string `json:"target"` // scim.<name>
	URL    string `json:"url"`
	OK     bool   `json:"ok"`
	// What /ServiceProviderConfig says (zero when it could not be read).
	Patch       bool     `json:"patch"`
	Bulk        bool     `json:"bulk"`
	Filter      bool     `json:"filter"`
	ETag        bool     `json:"etag"`
	Sort        bool     `json:"sort"`
	MaxResults  int      `json:"max_results"`
	AuthSchemes []string `json:"auth_schemes"`
	// Schemas are the ids /Schemas lists.
	Schemas []string `json:"schemas"`
	// Error is why the endpoint cannot be used (unreachable, token
	// refused, an unreadable reply).
	Error *CheckIssue `json:"error,omitempty"`
}

// CodeSCIMUnusable is check's error for a [[scim]] endpoint it cannot use.
const CodeSCIMUnusable = "scim_unusable"

// checkSCIM tests each [[scim]] endpoint: reachable, the token accepted,
// /ServiceProviderConfig and /Schemas readable. It only reads.
func checkSCIM(ctx context.Context, list []config.SCIM) []SCIMCheck {
	out := []SCIMCheck{}
	for _, c := range list {
		r := SCIMCheck{Target: scim.Prefix + c.Name, URL: c.URL, AuthSchemes: []string{}, Schemas: []string{}}
		fail := func(err error) {
			i := newCheckIssue(CodeSCIMUnusable, msg.Params{"target": r.Target, "url": c.URL}, err)
			r.Error = &i
		}
		t, client, err := scim.FromConfig(c)
		_ = t
		if err != nil {
			fail(err)
			out = append(out, r)
			continue
		}
		pc, err := client.ProviderConfig(ctx)
		if err != nil {
			fail(err)
			out = append(out, r)
			continue
		}
		r.Patch, r.Bulk, r.Filter, r.ETag, r.Sort, r.MaxResults = pc.Patch, pc.Bulk, pc.Filter, pc.ETag, pc.Sort, pc.FilterMaxResults
		r.AuthSchemes = append(r.AuthSchemes, pc.AuthSchemes...)
		schemas, err := client.Schemas(ctx)
		if err != nil {
			fail(err)
			out = append(out, r)
			continue
		}
		r.Schemas = append(r.Schemas, schemas...)
		r.OK = true
		out = append(out, r)
	}
	return out
}

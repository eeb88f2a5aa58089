package cybozu

import (
	"context"

	"github.com/cybridge/cybridge/directory"
)

// UserMemberships reads one user's organizations and the title held in
// each (GET /v1/user/organizations.json), in the order cybozu.com lists
// them, with the titles met. ReadSnapshot does not use it — one request per
// user is the naive strategy SPEC §9 compares against; it is here for that
// comparison and for looking at a single user.
func (c *Client) UserMemberships(ctx context.Context, login string) ([]directory.Membership, []directory.Title, error) {
	var ots []apiOrgTitle
	err := c.getDecoded(ctx, "/v1/user/organizations.json?code="+escape(login), func(body []byte) error {
		var err error
		ots, err = decodeOrgTitles(body)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	var ms []directory.Membership
	var ts []directory.Title
	for _, ot := range ots {
		if ot.Organization == nil {
			continue
		}
		m := directory.Membership{OrgCode: ot.Organization.Code}
		if ot.Title != nil && ot.Title.Code != "" {
			m.TitleCode = ot.Title.Code
			ts = append(ts, ot.Title.toTitle())
		}
		ms = append(ms, m)
	}
	return ms, ts, nil
}

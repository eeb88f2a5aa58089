package cybozu

import (
	"context"
	"net/http"
)

// IsAdministrator reports whether the account holds the cybozu.com
// administrator role (SPEC §3.3a). It probes GET /v1/csv/title.csv, a
// read-only export that only administrators (and API tokens, which only
// administrators can issue) may call: 200 means yes, 403 with a JSON body
// (CB_NO02) means no. Any other failure is returned as the read would
// return it.
//
// Why it matters: with 「組織間のアクセス権」 on, an account that is not an
// administrator may see only part of the directory, and that part looks
// complete.
func (c *Client) IsAdministrator(ctx context.Context) (bool, error) {
	err := c.get(ctx, "/v1/csv/title.csv", func(http.Header, []byte) *Error { return nil })
	switch {
	case err == nil:
		return true, nil
	case err.Code == CodeForbidden:
		return false, nil
	default:
		return false, err
	}
}

package cybozu

import (
	"context"
	"net/http"
	"strings"
)

// IsAdministrator reports whether the account holds the cybozu.com
// administrator role (SPEC §3.3a). It probes GET /v1/csv/title.csv, a
// read-only export that only administrators (and API tokens, which only
// administrators can issue) may call: 200 means yes, 403 with a JSON body
// (CB_NO02) means no. Any other failure is returned as the read would
// return it.
//
// On kintone.com an API token's Read scope does not list the CSV exports
// (cybozu-user-api.md §5.1), so there a token's refused export proves
// nothing: the answer is an error keyed administrator_unknown.kintone_token
// (cannot tell), never "not an administrator".
//
// Why it matters: with 「組織間のアクセス権」 on, an account that is not an
// administrator may see only part of the directory, and that part looks
// complete.
func (c *Client) IsAdministrator(ctx context.Context) (bool, error) {
	err := c.get(ctx, "/v1/csv/title.csv", func(http.Header, []byte) *Error { return nil })
	switch {
	case err == nil:
		return true, nil
	case err.Code == CodeForbidden && c.cfg.Token.IsSet() && isKintoneCom(c.domain):
		err.Key = keyAdminKintoneToken
		return false, err
	case err.Code == CodeForbidden:
		return false, nil
	default:
		return false, err
	}
}

// isKintoneCom reports a host under kintone.com (Cybozu's US service).
func isKintoneCom(host string) bool {
	h := strings.ToLower(host)
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	return strings.HasSuffix(h, ".kintone.com")
}

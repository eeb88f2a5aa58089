package scimapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cybridge/cybridge/internal/msg"
)

// ProviderConfig is what /ServiceProviderConfig says the service supports
// (RFC 7643 §5).
type ProviderConfig struct {
	Patch, Bulk, Filter, ETag, Sort bool
	BulkMaxOperations               int
	BulkMaxPayloadSize              int
	FilterMaxResults                int
	AuthSchemes                     []string // authenticationSchemes[].type
}

// ProviderConfig reads /ServiceProviderConfig once; later calls return
// the first successful answer.
func (c *Client) ProviderConfig(ctx context.Context) (ProviderConfig, error) {
	c.cfgMu.Lock()
	defer c.cfgMu.Unlock()
	if c.cfg != nil {
		return *c.cfg, nil
	}
	const path = "/ServiceProviderConfig"
	rep, err := c.do(ctx, http.MethodGet, path, nil, nil, "")
	if err != nil {
		return ProviderConfig{}, err
	}
	type feature struct {
		Supported      bool `json:"supported"`
		MaxOperations  int  `json:"maxOperations"`
		MaxPayloadSize int  `json:"maxPayloadSize"`
		MaxResults     int  `json:"maxResults"`
	}
	var w struct {
		Patch, Bulk, Filter, ETag, Sort feature
		AuthenticationSchemes           []struct{ Type string } `json:"authenticationSchemes"`
	}
	if err := json.Unmarshal(rep.body, &w); err != nil {
		return ProviderConfig{}, protocolError(rep, c.params(http.MethodGet, path), keyProtocolBody, nil)
	}
	cfg := ProviderConfig{
		Patch: w.Patch.Supported, Bulk: w.Bulk.Supported, Filter: w.Filter.Supported, ETag: w.ETag.Supported, Sort: w.Sort.Supported,
		BulkMaxOperations: w.Bulk.MaxOperations, BulkMaxPayloadSize: w.Bulk.MaxPayloadSize, FilterMaxResults: w.Filter.MaxResults,
	}
	for _, s := range w.AuthenticationSchemes {
		cfg.AuthSchemes = append(cfg.AuthSchemes, s.Type)
	}
	c.cfg = &cfg
	return cfg, nil
}

func (c *Client) params(method, path string) msg.Params {
	return msg.Params{"url": c.base, "method": method, "path": path}
}

// Schemas is the ids of the schemas /Schemas lists.
func (c *Client) Schemas(ctx context.Context) ([]string, error) {
	const path = "/Schemas"
	rep, err := c.do(ctx, http.MethodGet, path, nil, nil, "")
	if err != nil {
		return nil, err
	}
	type schema struct{ ID string }
	var list struct{ Resources []schema }
	if json.Unmarshal(rep.body, &list) != nil {
		// Some services answer with a bare array.
		if json.Unmarshal(rep.body, &list.Resources) != nil {
			return nil, protocolError(rep, c.params(http.MethodGet, path), keyProtocolBody, nil)
		}
	}
	ids := make([]string, 0, len(list.Resources))
	for _, s := range list.Resources {
		ids = append(ids, s.ID)
	}
	return ids, nil
}

// User reads one user.
func (c *Client) User(ctx context.Context, id string) (User, error) {
	return get[User](ctx, c, "/Users/"+url.PathEscape(id), func(u *User) *Meta { return &u.Meta })
}

// Group reads one group.
func (c *Client) Group(ctx context.Context, id string) (Group, error) {
	return get[Group](ctx, c, "/Groups/"+url.PathEscape(id), func(g *Group) *Meta { return &g.Meta })
}

func get[T any](ctx context.Context, c *Client, path string, meta func(*T) *Meta) (T, error) {
	var v T
	rep, err := c.do(ctx, http.MethodGet, path, nil, nil, "")
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(rep.body, &v); err != nil {
		return v, protocolError(rep, c.params(http.MethodGet, path), keyProtocolBody, nil)
	}
	if m := meta(&v); m.Version == "" {
		m.Version = rep.header.Get("ETag")
	}
	return v, nil
}

// Users lists every user, page by page, in the service's order.
func (c *Client) Users(ctx context.Context) ([]User, error) {
	return list(ctx, c, "/Users", func(u User) string { return u.ID })
}

// Groups lists every group, page by page, in the service's order.
func (c *Client) Groups(ctx context.Context) ([]Group, error) {
	return list(ctx, c, "/Groups", func(g Group) string { return g.ID })
}

// list pages through path with startIndex and count (RFC 7644 §3.4.2.4).
// count is Config.PageSize capped by the service's filter.maxResults. It
// stops after the page that reaches totalResults or an empty page, so n
// resources take ceil(n/count) requests (one when there are none). A page
// that repeats an id already listed, or more pages than
// totalResults/pageSize+2 (pageSize being what the first page held when the
// service sends fewer than asked), fail with scim_protocol rather than loop
// or return duplicates.
func list[T any](ctx context.Context, c *Client, path string, idOf func(T) string) ([]T, error) {
	cfg, err := c.ProviderConfig(ctx)
	if err != nil {
		return nil, err
	}
	count := c.pageSize
	if cfg.FilterMaxResults > 0 {
		count = min(count, cfg.FilterMaxResults)
	}
	var (
		out      []T
		seen     = map[string]bool{}
		start    = 1
		maxPages = -1
	)
	for page := 1; ; page++ {
		q := url.Values{"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(count)}}
		rep, err := c.do(ctx, http.MethodGet, path, q, nil, "")
		if err != nil {
			return nil, err
		}
		params := c.params(http.MethodGet, path)
		var lr struct {
			TotalResults int `json:"totalResults"`
			Resources    []T `json:"Resources"`
		}
		if err := json.Unmarshal(rep.body, &lr); err != nil {
			return nil, protocolError(rep, params, keyProtocolBody, nil)
		}
		if maxPages < 0 {
			size := count
			if n := len(lr.Resources); n > 0 && n < size && n < lr.TotalResults {
				size = n
			}
			maxPages = lr.TotalResults/size + 2
		}
		for _, v := range lr.Resources {
			id := idOf(v)
			if seen[id] {
				return nil, protocolError(rep, params, keyProtocolRepeat, msg.Params{"id": id, "start": start})
			}
			seen[id] = true
			out = append(out, v)
		}
		start += len(lr.Resources)
		if len(lr.Resources) == 0 || start > lr.TotalResults {
			return out, nil
		}
		if page >= maxPages {
			return nil, protocolError(rep, params, keyProtocolNoEnd, msg.Params{"pages": page, "total": lr.TotalResults})
		}
	}
}

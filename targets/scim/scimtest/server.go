package scimtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// BasePath is where the SCIM service is mounted: Server.URL ends with it.
const BasePath = "/scim/v2"

// Options configure a Server.
type Options struct {
	PageSize int           // filter.maxResults: the most resources on a list page (default 100)
	ETags    bool          // version resources and enforce If-Match
	Latency  time.Duration // added before every request is handled
	Token    string        // bearer token required on every request; "" accepts any
}

// Stats are the requests the server has seen since it started or since
// ResetStats.
type Stats struct {
	// Requests counts requests by method and resource path, with ids
	// replaced: "GET /Users", "GET /Users/{id}", "PATCH /Groups/{id}",
	// "GET /ServiceProviderConfig".
	Requests     map[string]int
	Total        int
	PeakInFlight int
}

// Server is a SCIM 2.0 service provider on loopback. Its methods are safe
// for concurrent use.
type Server struct {
	// URL is the SCIM base URL, e.g. http://127.0.0.1:PORT/scim/v2.
	URL string

	opts   Options
	http   *httptest.Server
	lib    scim.Server
	store  *store
	users  *handler
	groups *handler

	mu       sync.Mutex
	stats    Stats
	inFlight int
	failNext []failure // one per request still to fail, in order
	resets   int
	failUser map[string]int // lower-cased userName → status
}

type failure struct {
	status     int
	retryAfter time.Duration
}

// New starts a server; Close stops it.
func New(opts Options) *Server {
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	st := newStore(opts.ETags)
	users := &handler{s: st, kind: "User", coll: func(s *store) *collection { return &s.users },
		schema: schema.CoreUserSchema(), exts: []schema.Schema{schema.ExtensionEnterpriseUser()}}
	groups := &handler{s: st, kind: "Group", coll: func(s *store) *collection { return &s.groups },
		schema: schema.CoreGroupSchema()}
	s := &Server{opts: opts, store: st, users: users, groups: groups, failUser: map[string]int{}, stats: Stats{Requests: map[string]int{}}}
	s.http = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.http.URL + BasePath

	cfg := &scim.ServiceProviderConfig{
		MaxResults:       opts.PageSize,
		SupportFiltering: true,
		SupportPatch:     true,
		AuthenticationSchemes: []scim.AuthenticationScheme{{
			Type: scim.AuthenticationTypeOauthBearerToken, Name: "OAuth Bearer Token",
			Description: "Authentication scheme using the OAuth Bearer Token Standard", Primary: true,
			SpecURI: optional.NewString("https://www.rfc-editor.org/info/rfc6750"),
		}},
	}
	lib, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: cfg,
		ResourceTypes: []scim.ResourceType{
			{ID: optional.NewString("User"), Name: "User", Endpoint: "/Users", Description: optional.NewString("User Account"),
				Schema: users.schema, SchemaExtensions: []scim.SchemaExtension{{Schema: users.exts[0]}}, Handler: users},
			{ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups", Description: optional.NewString("Group"),
				Schema: groups.schema, Handler: groups},
		},
	}, scim.WithBaseURL(s.URL))
	if err != nil {
		panic(fmt.Sprintf("scimtest: %v", err)) // only on a programming error in the arguments above
	}
	s.lib = lib
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.http.Close() }

// Client is an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.http.Client() }

// serve counts the request, then applies latency, the token check and any
// injected fault, and hands what is left to the library.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rel, ok := strings.CutPrefix(r.URL.Path, "/scim")
	s.mu.Lock()
	s.stats.Total++
	s.stats.Requests[r.Method+" "+route(strings.TrimPrefix(rel, "/v2"))]++
	s.inFlight++
	s.stats.PeakInFlight = max(s.stats.PeakInFlight, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	if s.opts.Latency > 0 {
		select {
		case <-time.After(s.opts.Latency):
		case <-r.Context().Done():
			return
		}
	}
	if !ok || !strings.HasPrefix(rel, "/v2") {
		writeError(w, scimerrors.ScimError{Status: http.StatusNotFound, Detail: "Specified endpoint does not exist."})
		return
	}
	if s.opts.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.Token {
		w.Header().Set("WWW-Authenticate", `Bearer realm="scimtest"`)
		writeError(w, scimerrors.ScimError{Status: http.StatusUnauthorized, Detail: "Authorization failure. The authorization header is invalid or missing."})
		return
	}
	if s.injectFault(w, r) {
		return
	}
	r.URL.Path = rel
	if r.Method == http.MethodGet && strings.TrimPrefix(rel, "/v2") == "/ServiceProviderConfig" {
		s.serveConfig(w, r)
		return
	}
	s.lib.ServeHTTP(w, r)
}

// route is path with resource ids replaced by {id}.
func route(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) == 2 && (parts[0] == "Users" || parts[0] == "Groups") && parts[1] != ".search" {
		parts[1] = "{id}"
	}
	return "/" + strings.Join(parts, "/")
}

// serveConfig is the library's /ServiceProviderConfig with
// etag.supported set from Options.ETags (the library hard-codes false).
func (s *Server) serveConfig(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	s.lib.ServeHTTP(rec, r)
	var cfg map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &cfg); err != nil || rec.Code != http.StatusOK {
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	cfg["etag"] = map[string]bool{"supported": s.opts.ETags}
	maps.Copy(w.Header(), rec.Header())
	_ = json.NewEncoder(w).Encode(cfg)
}

func writeError(w http.ResponseWriter, e scimerrors.ScimError) {
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(e)
}

// injectFault answers r with an injected fault, if one is due, and
// reports whether it did.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	var due *failure
	reset := false
	switch {
	case s.resets > 0:
		s.resets--
		reset = true
	case len(s.failNext) > 0:
		f := s.failNext[0]
		due, s.failNext = &f, s.failNext[1:]
	}
	s.mu.Unlock()
	if reset {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				if tcp, ok := conn.(interface{ SetLinger(int) error }); ok {
					_ = tcp.SetLinger(0) // RST rather than FIN: a connection reset
				}
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	}
	if due != nil {
		if due.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((due.retryAfter+time.Second-1)/time.Second)))
		}
		writeError(w, scimerrors.ScimError{Status: due.status, Detail: "Injected failure."})
		return true
	}
	if status := s.userFault(r); status != 0 {
		writeError(w, scimerrors.ScimError{Status: status, Detail: "Injected failure for this user."})
		return true
	}
	return false
}

// userFault is the status FailUser set for the user r writes, or 0.
func (s *Server) userFault(r *http.Request) int {
	if r.Method == http.MethodGet {
		return 0
	}
	s.mu.Lock()
	armed := len(s.failUser) > 0
	s.mu.Unlock()
	if !armed {
		return 0
	}
	path := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/scim"), "/v2")
	var name string
	switch {
	case path == "/Users" && r.Method == http.MethodPost:
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var u struct{ UserName string }
		_ = json.Unmarshal(body, &u)
		name = u.UserName
	case strings.HasPrefix(path, "/Users/"):
		s.store.mu.Lock()
		if rec, ok := s.store.users.byID[strings.TrimPrefix(path, "/Users/")]; ok {
			name, _ = rec.attrs["userName"].(string)
		}
		s.store.mu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failUser[strings.ToLower(name)]
}

// FailNext makes the next n requests fail with status, with a Retry-After
// header of retryAfter (rounded up to seconds) when it is positive.
func (s *Server) FailNext(n, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failNext = append(s.failNext, failure{status: status, retryAfter: retryAfter})
	}
}

// FailUser makes every write to the user called userName (create,
// replace, patch, delete) fail with status until FailUser(userName, 0).
func (s *Server) FailUser(userName string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		delete(s.failUser, strings.ToLower(userName))
		return
	}
	s.failUser[strings.ToLower(userName)] = status
}

// ResetNext makes the next n requests end with the connection closed
// (reset) before any reply.
func (s *Server) ResetNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resets += n
}

// Stats are the counters so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Requests = maps.Clone(s.stats.Requests)
	return st
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = Stats{Requests: map[string]int{}, PeakInFlight: s.inFlight}
}

// EditUser changes the stored user id as a concurrent edit in the app
// would: edit gets the attributes (without id and meta, the enterprise
// extension under its URN) and may change them; the version is bumped.
func (s *Server) EditUser(id string, edit func(attrs map[string]any)) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	rec, ok := s.store.users.byID[id]
	if !ok {
		return fmt.Errorf("scimtest: no user %s", id)
	}
	attrs := clone(rec.attrs)
	edit(attrs)
	s.store.setUser(rec, normalize(attrs))
	s.store.touch(rec)
	return nil
}

// Seed adds a user that the client under test did not create, as the
// app's own admin would, and returns its id. user is a SCIM User
// resource's JSON object (schemas may be left out); it is validated by the
// library's schemas like a POST.
func (s *Server) Seed(user map[string]any) (string, error) { return s.seed(s.users, user) }

// SeedGroup adds a group as Seed adds a user.
func (s *Server) SeedGroup(group map[string]any) (string, error) { return s.seed(s.groups, group) }

func (s *Server) seed(h *handler, res map[string]any) (string, error) {
	res = clone(res)
	if _, ok := res["schemas"]; !ok {
		schemas := []any{h.schema.ID}
		for _, ext := range h.exts {
			if _, ok := res[ext.ID]; ok {
				schemas = append(schemas, ext.ID)
			}
		}
		res["schemas"] = schemas
	}
	attrs, serr := h.schema.Validate(res)
	if serr != nil {
		return "", fmt.Errorf("scimtest: seed %s: %v", h.kind, serr)
	}
	for _, ext := range h.exts {
		if raw, ok := res[ext.ID]; ok {
			e, serr := ext.ValidateExtension(raw)
			if serr != nil {
				return "", fmt.Errorf("scimtest: seed %s: %v", h.kind, serr)
			}
			attrs[ext.ID] = e
		}
	}
	if id, ok := res[schema.CommonAttributeExternalID]; ok {
		attrs[schema.CommonAttributeExternalID] = id
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	created, err := h.create(normalize(attrs))
	if err != nil {
		return "", fmt.Errorf("scimtest: seed %s: %w", h.kind, err)
	}
	return created.ID, nil
}

// Users is a snapshot of the stored users in creation order, each as the
// server would serve it (id, externalId, meta.version, attributes).
func (s *Server) Users() []map[string]any { return s.snapshot(s.users) }

// Groups is a snapshot of the stored groups in creation order.
func (s *Server) Groups() []map[string]any { return s.snapshot(s.groups) }

func (s *Server) snapshot(h *handler) []map[string]any {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	coll := h.coll(s.store)
	out := make([]map[string]any, 0, len(coll.order))
	for _, id := range coll.order {
		rec := coll.byID[id]
		m := clone(rec.attrs)
		m["id"] = rec.id
		meta := map[string]any{"created": rec.created.Format(time.RFC3339), "lastModified": rec.modified.Format(time.RFC3339)}
		if v := s.store.versionOf(rec); v != "" {
			meta["version"] = v
		}
		m["meta"] = meta
		out = append(out, m)
	}
	return out
}

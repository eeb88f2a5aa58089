package scimtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// record is one stored resource: its attributes as the library validated
// them (without id and meta), and its metadata. attrs is never changed in
// place, only replaced (copy on write), so a reply the library marshals
// after the lock is released can share it.
type record struct {
	id       string
	attrs    map[string]any
	version  int
	created  time.Time
	modified time.Time
}

// collection is one resource type's records in creation order.
type collection struct {
	byID  map[string]*record
	order []string
}

func (c *collection) add(r *record) {
	c.byID[r.id] = r
	c.order = append(c.order, r.id)
}

func (c *collection) remove(id string) {
	delete(c.byID, id)
	c.order = slices.DeleteFunc(c.order, func(s string) bool { return s == id })
}

// store is the in-memory state behind both resource handlers; one lock
// covers both collections, so an If-Match check and the change it guards
// are one step.
type store struct {
	mu     sync.Mutex
	etags  bool
	nextID int
	now    func() time.Time
	users  collection
	groups collection
	names  map[string]string // lower-cased userName → user id
}

func newStore(etags bool) *store {
	return &store{
		etags:  etags,
		now:    func() time.Time { return time.Now().UTC().Truncate(time.Second) },
		users:  collection{byID: map[string]*record{}},
		groups: collection{byID: map[string]*record{}},
		names:  map[string]string{},
	}
}

func userName(attrs map[string]any) string {
	name, _ := attrs["userName"].(string)
	return strings.ToLower(name)
}

// setUser gives the user rec attrs, keeping the userName index.
func (s *store) setUser(rec *record, attrs map[string]any) {
	if rec.attrs != nil && s.names[userName(rec.attrs)] == rec.id {
		delete(s.names, userName(rec.attrs))
	}
	rec.attrs = attrs
	s.names[userName(attrs)] = rec.id
}

// versionOf is r's entity tag, or "" when ETags are off.
func (s *store) versionOf(r *record) string {
	if !s.etags {
		return ""
	}
	return `W/"` + strconv.Itoa(r.version) + `"`
}

// resource is r as the library serves it.
func (s *store) resource(r *record) scim.Resource {
	created, modified := r.created, r.modified
	res := scim.Resource{
		ID:         r.id,
		Attributes: r.attrs, // shared: see record
		Meta:       scim.Meta{Created: &created, LastModified: &modified, Version: s.versionOf(r)},
	}
	if ext, ok := r.attrs[schema.CommonAttributeExternalID].(string); ok {
		res.ExternalID = optional.NewString(ext)
	}
	return res
}

// touch records a change to r: a new version and modification time.
func (s *store) touch(r *record) {
	r.version++
	r.modified = s.now()
}

// handler is the library's ResourceHandler for one resource type.
type handler struct {
	s      *store
	kind   string // "User" or "Group"
	coll   func(*store) *collection
	schema schema.Schema
	exts   []schema.Schema
}

var _ scim.ResourceHandler = (*handler)(nil)

// checkUnique refuses a userName another user has (RFC 7643 §4.1.1:
// uniqueness server, case-insensitive). Groups have no unique attribute.
func (h *handler) checkUnique(attrs map[string]any, self string) error {
	if h.kind != "User" {
		return nil
	}
	if id, taken := h.s.names[userName(attrs)]; taken && id != self {
		return scimerrors.ScimErrorUniqueness
	}
	return nil
}

// checkMatch enforces If-Match (RFC 7644 §3.14) when ETags are on.
func (h *handler) checkMatch(r *http.Request, rec *record) error {
	match := r.Header.Get("If-Match")
	if !h.s.etags || match == "" || match == "*" {
		return nil
	}
	for tag := range strings.SplitSeq(match, ",") {
		if strings.TrimSpace(tag) == h.s.versionOf(rec) {
			return nil
		}
	}
	return scimerrors.ScimError{Status: http.StatusPreconditionFailed,
		Detail: fmt.Sprintf("Resource %s has changed: its version is %s, not %s.", rec.id, h.s.versionOf(rec), match)}
}

func (h *handler) find(id string) (*record, error) {
	rec, ok := h.coll(h.s).byID[id]
	if !ok {
		return nil, scimerrors.ScimErrorResourceNotFound(id)
	}
	return rec, nil
}

func (h *handler) Create(_ *http.Request, attributes scim.ResourceAttributes) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	return h.create(normalize(attributes))
}

func (h *handler) create(attrs map[string]any) (scim.Resource, error) {
	if err := h.checkUnique(attrs, ""); err != nil {
		return scim.Resource{}, err
	}
	h.s.nextID++
	now := h.s.now()
	rec := &record{id: fmt.Sprintf("%s-%06d", strings.ToLower(h.kind[:1]), h.s.nextID), version: 1, created: now, modified: now}
	h.set(rec, attrs)
	h.coll(h.s).add(rec)
	return h.s.resource(rec), nil
}

func (h *handler) Get(_ *http.Request, id string) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	rec, err := h.find(id)
	if err != nil {
		return scim.Resource{}, err
	}
	return h.s.resource(rec), nil
}

// GetAll filters with the library's validator, then pages in creation
// order: StartIndex is 1-based, Count is already capped by the library at
// filter.maxResults.
func (h *handler) GetAll(_ *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	coll := h.coll(h.s)
	var matched []*record
	for _, id := range coll.order {
		rec := coll.byID[id]
		if params.FilterValidator != nil && params.FilterValidator.PassesFilter(h.filterView(rec)) != nil {
			continue
		}
		matched = append(matched, rec)
	}
	page := scim.Page{TotalResults: len(matched), Resources: []scim.Resource{}}
	start := max(params.StartIndex, 1) - 1
	for i := start; i < len(matched) && i < start+params.Count; i++ {
		page.Resources = append(page.Resources, h.s.resource(matched[i]))
	}
	return page, nil
}

// filterView is rec as the library's filter evaluates it: with id and
// meta, and each extension attribute also under its "urn:…:name" key, which
// is where filter.Validator looks for an extension attribute.
func (h *handler) filterView(rec *record) map[string]any {
	view := clone(rec.attrs)
	view[schema.CommonAttributeID] = rec.id
	view[schema.CommonAttributeMeta] = map[string]any{
		"created": rec.created.Format(time.RFC3339), "lastModified": rec.modified.Format(time.RFC3339), "version": h.s.versionOf(rec),
	}
	for _, ext := range h.exts {
		if m, ok := rec.attrs[ext.ID].(map[string]any); ok {
			for k, v := range m {
				view[ext.ID+":"+k] = v
			}
		}
	}
	return view
}

func (h *handler) Replace(r *http.Request, id string, attributes scim.ResourceAttributes) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	rec, err := h.find(id)
	if err != nil {
		return scim.Resource{}, err
	}
	if err := h.checkMatch(r, rec); err != nil {
		return scim.Resource{}, err
	}
	attrs := normalize(attributes)
	if err := h.checkUnique(attrs, id); err != nil {
		return scim.Resource{}, err
	}
	h.set(rec, attrs)
	h.s.touch(rec)
	return h.s.resource(rec), nil
}

// set gives rec attrs (through the userName index for a user).
func (h *handler) set(rec *record, attrs map[string]any) {
	if h.kind == "User" {
		h.s.setUser(rec, attrs)
		return
	}
	rec.attrs = attrs
}

func (h *handler) Delete(r *http.Request, id string) error {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	rec, err := h.find(id)
	if err != nil {
		return err
	}
	if err := h.checkMatch(r, rec); err != nil {
		return err
	}
	h.coll(h.s).remove(id)
	if h.kind == "User" {
		delete(h.s.names, userName(rec.attrs))
		h.s.dropMember(id)
	}
	return nil
}

// dropMember removes a deleted user from every group (RFC 7644 §3.6: the
// service provider may do so; Entra and Okta expect it).
func (s *store) dropMember(id string) {
	for _, g := range s.groups.byID {
		members, _ := g.attrs["members"].([]any)
		kept := slices.DeleteFunc(slices.Clone(members), func(m any) bool {
			mm, _ := m.(map[string]any)
			return mm["value"] == id
		})
		if len(kept) != len(members) {
			attrs := maps.Clone(g.attrs)
			attrs["members"] = kept
			g.attrs = attrs
			s.touch(g)
		}
	}
}

func (h *handler) Patch(r *http.Request, id string, operations []scim.PatchOperation) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	rec, err := h.find(id)
	if err != nil {
		return scim.Resource{}, err
	}
	if err := h.checkMatch(r, rec); err != nil {
		return scim.Resource{}, err
	}
	attrs := clone(rec.attrs)
	for _, op := range operations {
		if err := h.apply(attrs, op); err != nil {
			return scim.Resource{}, err
		}
	}
	attrs = normalize(attrs)
	if err := h.checkUnique(attrs, id); err != nil {
		return scim.Resource{}, err
	}
	if !equalJSON(attrs, rec.attrs) {
		h.set(rec, attrs)
		h.s.touch(rec)
	}
	// RFC 7644 §3.5.2: the updated resource is returned (200), so the
	// client learns the new version.
	return h.s.resource(rec), nil
}

// normalize is v as JSON would decode it (maps of any, []any, json.Number),
// so stored values have one shape whatever the library or a test handed in.
func normalize(v map[string]any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("scimtest: attributes do not marshal: %v", err))
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var out map[string]any
	if err := d.Decode(&out); err != nil {
		panic(fmt.Sprintf("scimtest: attributes do not unmarshal: %v", err))
	}
	if out == nil {
		out = map[string]any{}
	}
	return out
}

func clone(v map[string]any) map[string]any { return normalize(v) }

func equalJSON(a, b map[string]any) bool {
	ra, _ := json.Marshal(a)
	rb, _ := json.Marshal(b)
	return bytes.Equal(ra, rb)
}

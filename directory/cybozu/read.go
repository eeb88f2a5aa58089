package cybozu

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
)

// How the read is scheduled (SPEC §3.2, §9).
//
// Every list — organizations, users, groups, each organization's members,
// each group's members — is paged with offset/size=100 and ends at its first
// short page, so a list of n items needs floor(n/100)+1 requests and n is
// never known in advance. All lists share one pool of at most Concurrency
// requests, and they are pipelined: an organization's member list starts as
// soon as the page naming the organization arrives, not after the whole
// organization list.
//
// Within one list, page k+1 is requested only once page k came back full
// (then it is certainly needed). That alone keeps the request count at the
// minimum, and with many lists in flight it keeps the pool busy. When the
// pool would otherwise idle — typically the tail of a long user list — a
// list that has already returned many full pages is read ahead
// speculatively: at most one extra page per 50 full pages seen, and at most
// the free slots. A speculative page past the end is the only waste, so the
// waste stays under 2 % of that list's requests and is zero for lists under
// 5,000 items.
//
// Priority when a slot frees: the next page of the organization, user and
// group lists first (the user list is the longest chain; the organization
// and group lists unlock member lists), then member lists in the order they
// were found, then speculation.
//
// The pool opens only once a first page was read: until then one request
// is in flight, so that wrong credentials cost one failed login per read.
const specPagesPerExtra = 50

// A list that does not end is a broken or hostile answer, not a big
// directory: without these guards the read would never finish (the same
// full page forever) or grow until the process is killed (new users
// forever), and every scheduled run after it would be skipped.
//   - A full page that adds no new object (every id already read) fails
//     the read: paging has stopped moving.
//   - A list of more than maxListItems objects fails the read: ten times
//     SPEC §9's 100,000 users, far past any cybozu.com domain.
//
// Both are unexpected_response, with the list's path in the detail.
const maxListItems = 1_000_000

type listKind int

const (
	kindOrgs listKind = iota
	kindUsers
	kindGroups
	kindOrgMembers
	kindGroupMembers
)

// list is the paging state of one list.
type list struct {
	kind     listKind
	code     string // organization or group code for member lists
	issued   int    // pages 0..issued-1 have been requested
	frontier int    // pages 0..frontier-1 came back full and were consumed
	shortIdx int    // index of the first short page; -1 while unknown
	pages    map[int]pageData
	failed   map[int]*Error // failures of speculative pages, checked when reached
	done     bool
	queued   bool
	// reread: this is the second reading of a member list whose first
	// answered CB_VA01 (the organization or group was not found).
	reread bool
}

// pageData is one decoded page.
type pageData struct {
	n     int // items on the page, as sent (before dedupe)
	orgs  []apiOrg
	users []apiUser
	grps  []apiGroup
	uts   []apiUserTitle
	refs  []apiUserRef
}

func (l *list) pathQuery(idx int) string {
	page := "offset=" + strconv.Itoa(idx*pageSize) + "&size=" + strconv.Itoa(pageSize)
	switch l.kind {
	case kindOrgs:
		return "/v1/organizations.json?" + page
	case kindUsers:
		return "/v1/users.json?" + page
	case kindGroups:
		return "/v1/groups.json?" + page
	case kindOrgMembers:
		return "/v1/organization/users.json?code=" + escape(l.code) + "&" + page
	default:
		return "/v1/group/users.json?code=" + escape(l.code) + "&" + page
	}
}

// incompleteKey is the catalogue key and parameters that name page idx
// of the list in a source_incomplete error.
func (l *list) incompleteKey(idx int) (string, msg.Params) {
	p := msg.Params{"offset": idx * pageSize}
	switch l.kind {
	case kindOrgs:
		return keyIncompleteOrgs, p
	case kindUsers:
		return keyIncompleteUsers, p
	case kindGroups:
		return keyIncompleteGroups, p
	case kindOrgMembers:
		p["org"] = l.code
		return keyIncompleteOrgMembers, p
	default:
		p["group"] = l.code
		return keyIncompleteGroupMembers, p
	}
}

func (l *list) decode(body []byte) (pageData, error) {
	var p pageData
	var err error
	switch l.kind {
	case kindOrgs:
		p.orgs, err = decodeOrgs(body)
		p.n = len(p.orgs)
	case kindUsers:
		p.users, err = decodeUsers(body)
		p.n = len(p.users)
	case kindGroups:
		p.grps, err = decodeGroups(body)
		p.n = len(p.grps)
	case kindOrgMembers:
		p.uts, err = decodeUserTitles(body)
		p.n = len(p.uts)
	default:
		p.refs, err = decodeUserRefs(body)
		p.n = len(p.refs)
	}
	return p, err
}

// pageResult is what a worker sends back.
type pageResult struct {
	l    *list
	idx  int
	data pageData
	err  *Error
}

// reader is the state of one ReadSnapshot. Only the coordinating goroutine
// touches it.
type reader struct {
	c         *Client
	lists     []*list
	high, low []*list // lists whose next certain page waits for a slot
	inflight  int
	successes int
	progress  Progress

	orgs      []directory.Organization
	orgIDs    map[string]bool
	orgByCode map[string]bool
	users     []directory.User
	primaries []string // primaryOrganization id of users[i]
	userIDs   map[string]bool
	groups    []directory.Group
	groupIDs  map[string]bool
	groupIdx  map[string]int // group code → index in groups
	// members[orgCode] lists the organization's members in the order sent.
	members    map[string][]memberRef
	memberSeen map[string]map[string]bool
	titles     map[string]directory.Title
	titleOrder []string
	groupSeen  map[string]map[string]bool
}

type memberRef struct{ login, title string }

// ReadSnapshot reads the whole directory: organizations, users (active and
// suspended), titles, groups and every membership. It returns a snapshot
// only when every page was read; otherwise an *Error (source_incomplete
// when some pages were read, source_unavailable when none could be, or the
// authentication/access error that stopped the read). The built-in
// Administrator is kept; callers decide whether to drop it. The snapshot is
// sorted and not validated.
func (c *Client) ReadSnapshot(ctx context.Context) (*directory.Snapshot, error) {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &reader{
		c:          c,
		orgIDs:     map[string]bool{},
		orgByCode:  map[string]bool{},
		userIDs:    map[string]bool{},
		groupIDs:   map[string]bool{},
		groupIdx:   map[string]int{},
		members:    map[string][]memberRef{},
		memberSeen: map[string]map[string]bool{},
		titles:     map[string]directory.Title{},
		groupSeen:  map[string]map[string]bool{},
	}
	for _, k := range []listKind{kindOrgs, kindGroups, kindUsers} {
		r.addList(k, "")
	}

	results := make(chan pageResult)
	var fatal *Error
	for {
		// One request until a page was read: wrong credentials then cost
		// one failed login, not one per list started (cybozu.com locks an
		// account after a few), at the price of one latency.
		limit := int(c.limit.Load())
		if r.successes == 0 {
			limit = 1
		}
		for fatal == nil && r.inflight < limit {
			l, idx, ok := r.next()
			if !ok {
				break
			}
			r.inflight++
			go func() {
				var data pageData
				err := c.getDecoded(ctx, l.pathQuery(idx), func(body []byte) error {
					var err error
					data, err = l.decode(body)
					return err
				})
				results <- pageResult{l: l, idx: idx, data: data, err: err}
			}()
		}
		if r.inflight == 0 {
			break
		}
		res := <-results
		r.inflight--
		if fatal != nil {
			continue // draining after a failure
		}
		if err := r.handle(res); err != nil {
			fatal = err
			cancel()
			continue
		}
		if c.cfg.Progress != nil {
			r.progress.Requests = c.Requests()
			r.progress.Retries = int(c.retries.Load())
			r.progress.Pending = r.inflight + len(r.high) + len(r.low)
			c.cfg.Progress(r.progress)
		}
	}
	if fatal != nil {
		return nil, fatal
	}
	for _, l := range r.lists {
		if !l.done { // cannot happen: every list ends or fails
			key, p := l.incompleteKey(l.frontier)
			return nil, newError(CodeSourceIncomplete, key, p)
		}
	}
	return r.assemble(start)
}

func (r *reader) addList(k listKind, code string) {
	l := &list{kind: k, code: code, shortIdx: -1, pages: map[int]pageData{}, failed: map[int]*Error{}}
	r.lists = append(r.lists, l)
	r.enqueue(l)
}

func (r *reader) enqueue(l *list) {
	if l.queued || l.done {
		return
	}
	l.queued = true
	if l.kind <= kindGroups {
		r.high = append(r.high, l)
	} else {
		r.low = append(r.low, l)
	}
}

// next picks the page to request: a certainly needed one first, else a
// speculative one, else none.
func (r *reader) next() (*list, int, bool) {
	for _, q := range []*[]*list{&r.high, &r.low} {
		for len(*q) > 0 {
			l := (*q)[0]
			*q = (*q)[1:]
			l.queued = false
			if l.done || l.shortIdx >= 0 || l.issued != l.frontier {
				continue
			}
			l.issued++
			return l, l.issued - 1, true
		}
	}
	var best *list
	for _, l := range r.lists {
		if l.done || l.shortIdx >= 0 || l.issued <= l.frontier {
			continue
		}
		ahead := l.issued - l.frontier - 1 // pages requested beyond the certain one
		if (ahead+1)*specPagesPerExtra > l.frontier {
			continue
		}
		if best == nil || l.frontier > best.frontier {
			best = l
		}
	}
	if best == nil {
		return nil, 0, false
	}
	best.issued++
	return best, best.issued - 1, true
}

// handle takes one page result. It returns an error that ends the read.
func (r *reader) handle(res pageResult) *Error {
	l, idx := res.l, res.idx
	if l.done || (l.shortIdx >= 0 && idx > l.shortIdx) {
		return nil // a speculative page past the end
	}
	if res.err != nil {
		if idx > l.frontier {
			l.failed[idx] = res.err // speculative: matters only if the list reaches it
			return nil
		}
		return r.pageFailed(l, idx, res.err)
	}
	r.successes++
	l.pages[idx] = res.data
	if res.data.n < pageSize && (l.shortIdx < 0 || idx < l.shortIdx) {
		l.shortIdx = idx
	}
	for {
		if err, ok := l.failed[l.frontier]; ok {
			return r.pageFailed(l, l.frontier, err)
		}
		p, ok := l.pages[l.frontier]
		if !ok {
			break
		}
		delete(l.pages, l.frontier)
		added, err := r.consume(l, p)
		if err != nil {
			return err
		}
		if err := l.checkMoving(l.frontier, p.n, added, r.c.maxItems()); err != nil {
			return err
		}
		if l.frontier == l.shortIdx {
			l.done = true
			l.pages, l.failed = nil, nil
			return nil
		}
		l.frontier++
	}
	if l.issued == l.frontier {
		r.enqueue(l)
	}
	return nil
}

// pageFailed turns the final error of a needed page into the read's error.
//
// A member list answering CB_VA01 ("not found") means its organization or
// group was deleted or renamed after the organization or group list was
// read (cybozu-user-api.md §6.3): the list is read again once, from its
// first page; if that fails the same way the read is incomplete — "the
// directory changed while it was read; run again" — never a configuration
// error, and never a list taken as empty.
func (r *reader) pageFailed(l *list, idx int, err *Error) *Error {
	if err.CybozuCode == "CB_VA01" && (l.kind == kindOrgMembers || l.kind == kindGroupMembers) {
		if !l.reread {
			r.reread(l)
			return nil
		}
		key, p := keyChangedOrg, msg.Params{"org": l.code}
		if l.kind == kindGroupMembers {
			key, p = keyChangedGroup, msg.Params{"group": l.code}
		}
		return incomplete(key, p, err)
	}
	if !err.transient {
		return err
	}
	if r.successes == 0 {
		return err // nothing could be read: cybozu.com is unavailable
	}
	key, p := l.incompleteKey(idx)
	return incomplete(key, p, err)
}

// reread drops what was read of member list l and starts it again from
// its first page, as a new list: answers still in flight for l find it
// done and are ignored.
func (r *reader) reread(l *list) {
	l.done = true
	l.pages, l.failed = nil, nil
	switch l.kind {
	case kindOrgMembers:
		delete(r.members, l.code)
		delete(r.memberSeen, l.code)
	case kindGroupMembers:
		delete(r.groupSeen, l.code)
		r.groups[r.groupIdx[l.code]].Members = nil
	}
	r.addList(l.kind, l.code)
	r.lists[len(r.lists)-1].reread = true
}

// maxItems is maxListItems, or the test's smaller cap.
func (c *Client) maxItems() int {
	if c.listCap > 0 {
		return c.listCap
	}
	return maxListItems
}

// checkMoving fails a list whose full page idx added nothing new, or
// that has gone past max items.
func (l *list) checkMoving(idx, n, added, max int) *Error {
	path, _, _ := strings.Cut(l.pathQuery(idx), "?")
	if n >= pageSize && added == 0 {
		e := &Error{Code: CodeUnexpectedResponse}
		return e.withDetail(detailNoProgress, msg.Params{"path": path, "offset": idx * pageSize})
	}
	if (idx+1)*pageSize > max {
		e := &Error{Code: CodeUnexpectedResponse}
		return e.withDetail(detailTooMany, msg.Params{"path": path, "max": max})
	}
	return nil
}

// consume adds a page, in list order, to what has been read, and returns
// how many objects it added (not read before).
func (r *reader) consume(l *list, p pageData) (added int, err *Error) {
	switch l.kind {
	case kindOrgs:
		for _, o := range p.orgs {
			if r.orgIDs[string(o.ID)] || (o.ID == "" && r.orgByCode[o.Code]) {
				continue
			}
			r.orgIDs[string(o.ID)] = true
			added++
			r.orgs = append(r.orgs, o.toOrg())
			r.progress.Organizations++
			if !r.orgByCode[o.Code] {
				r.orgByCode[o.Code] = true
				r.addList(kindOrgMembers, o.Code)
			}
		}
	case kindUsers:
		for _, u := range p.users {
			if r.userIDs[string(u.ID)] && u.ID != "" {
				continue
			}
			r.userIDs[string(u.ID)] = true
			added++
			r.users = append(r.users, u.toUser())
			r.primaries = append(r.primaries, string(u.PrimaryOrganization))
			r.progress.Users++
		}
	case kindGroups:
		for _, g := range p.grps {
			if r.groupIDs[string(g.ID)] && g.ID != "" {
				continue
			}
			r.groupIDs[string(g.ID)] = true
			added++
			if _, dup := r.groupIdx[g.Code]; !dup {
				r.groupIdx[g.Code] = len(r.groups)
				// The everyone group's members are all users: not read.
				if g.Code != directory.EveryoneGroup {
					r.addList(kindGroupMembers, g.Code)
				}
			}
			r.groups = append(r.groups, g.toGroup())
			r.progress.Groups++
		}
	case kindOrgMembers:
		seen := r.memberSeen[l.code]
		if seen == nil {
			seen = map[string]bool{}
			r.memberSeen[l.code] = seen
		}
		for _, ut := range p.uts {
			if ut.User == nil || ut.User.Code == "" {
				e := &Error{Code: CodeUnexpectedResponse}
				return added, e.withDetail(detailNoLogin, msg.Params{"org": l.code})
			}
			if seen[ut.User.Code] {
				continue
			}
			seen[ut.User.Code] = true
			added++
			m := memberRef{login: ut.User.Code}
			if ut.Title != nil && ut.Title.Code != "" {
				m.title = ut.Title.Code
				if _, ok := r.titles[m.title]; !ok {
					r.titles[m.title] = ut.Title.toTitle()
					r.titleOrder = append(r.titleOrder, m.title)
				}
			}
			r.members[l.code] = append(r.members[l.code], m)
		}
	case kindGroupMembers:
		seen := r.groupSeen[l.code]
		if seen == nil {
			seen = map[string]bool{}
			r.groupSeen[l.code] = seen
		}
		g := &r.groups[r.groupIdx[l.code]]
		for _, u := range p.refs {
			if u.Code == "" || seen[u.Code] {
				continue
			}
			seen[u.Code] = true
			added++
			g.Members = append(g.Members, u.Code)
		}
	}
	return added, nil
}

// assemble builds the snapshot once every list is read: primary
// organization ids become codes, memberships are attached to users
// (primary first, then by organization code).
//
// It is also the completeness cross-check (cybozu-user-api.md §11.1): the
// user list and the organizations' member lists are read independently,
// and the snapshot is returned only when they agree — every user's primary
// organization is a known organization whose member list names the user,
// and every member of an organization is in the user list. Nothing says in
// which order member lists are paged, so a member skipped by offset paging
// over a changing list would otherwise read as a removed membership; any
// disagreement is source_incomplete naming the user and the organization.
func (r *reader) assemble(start time.Time) (*directory.Snapshot, error) {
	codeByID := make(map[string]string, len(r.orgs))
	for _, o := range r.orgs {
		if o.ID != "" {
			codeByID[o.ID] = o.Code
		}
	}
	byLogin := map[string][]directory.Membership{}
	orgCodes := make([]string, 0, len(r.members))
	for code := range r.members {
		orgCodes = append(orgCodes, code)
	}
	sort.Strings(orgCodes)
	for _, code := range orgCodes {
		for _, m := range r.members[code] {
			byLogin[m.login] = append(byLogin[m.login], directory.Membership{OrgCode: code, TitleCode: m.title})
		}
	}

	snap := &directory.Snapshot{
		Source:        directory.Source{Kind: directory.SourceAPI, Domain: r.c.domain},
		ReadAt:        start.UTC().Truncate(time.Second),
		Organizations: r.orgs,
		Users:         r.users[:0], // filled in place below
		Titles:        make([]directory.Title, 0, len(r.titles)),
		Groups:        r.groups,
	}
	if snap.Organizations == nil {
		snap.Organizations = []directory.Organization{}
	}
	if snap.Groups == nil {
		snap.Groups = []directory.Group{}
	}
	if snap.Users == nil {
		snap.Users = []directory.User{}
	}
	for i := range r.users {
		u := r.users[i]
		if err := resolvePrimary(&u, r.primaries[i], codeByID); err != nil {
			e := newError(CodeSourceIncomplete, keyIncompletePrimary, msg.Params{"login": u.Login, "id": r.primaries[i]})
			e.Err = err
			return nil, e
		}
		u.Memberships = primaryFirst(byLogin[u.Login], u.PrimaryOrg)
		if u.PrimaryOrg != "" && (len(u.Memberships) == 0 || u.Memberships[0].OrgCode != u.PrimaryOrg) {
			// users.json names the organization, its member list does not
			// name the user: one of the two lists is not the directory.
			return nil, newError(CodeSourceIncomplete, keyIncompleteNotInPrimary, msg.Params{"login": u.Login, "org": u.PrimaryOrg})
		}
		delete(byLogin, u.Login)
		snap.Users = append(snap.Users, u)
	}
	if len(byLogin) > 0 {
		logins := make([]string, 0, len(byLogin))
		for l := range byLogin {
			logins = append(logins, l)
		}
		sort.Strings(logins)
		return nil, newError(CodeSourceIncomplete, keyIncompleteMember, msg.Params{"login": logins[0], "org": byLogin[logins[0]][0].OrgCode})
	}
	for _, code := range r.titleOrder {
		snap.Titles = append(snap.Titles, r.titles[code])
	}
	snap.Sort()
	return snap, nil
}

// primaryFirst moves the membership of the primary organization to the
// front; the others keep their order (by organization code).
func primaryFirst(ms []directory.Membership, primary string) []directory.Membership {
	for j, m := range ms {
		if m.OrgCode == primary && j > 0 {
			out := make([]directory.Membership, 0, len(ms))
			out = append(out, m)
			out = append(out, ms[:j]...)
			return append(out, ms[j+1:]...)
		}
	}
	return ms
}

// getDecoded gets pathQuery and decodes the 2xx body with decode, retrying
// transient failures — a garbled or truncated body among them — as get does.
func (c *Client) getDecoded(ctx context.Context, pathQuery string, decode func([]byte) error) *Error {
	return c.get(ctx, pathQuery, func(h http.Header, body []byte) *Error {
		if ct, _, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil && ct == "text/html" {
			e := &Error{Code: CodeUnexpectedResponse, Status: http.StatusOK}
			return e.withDetail(detailHTMLPage, msg.Params{"title": htmlTitle(body)})
		}
		err := decode(body)
		if err == nil {
			return nil
		}
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			e := &Error{Code: CodeSourceUnavailable, Status: http.StatusOK, Err: err, transient: true}
			return e.withDetail(detailGarbled, nil)
		}
		return &Error{Code: CodeUnexpectedResponse, Status: http.StatusOK, Detail: oneLine(err.Error(), 200), Err: err}
	})
}

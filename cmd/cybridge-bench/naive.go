package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozutest"
)

// readNaive reads the directory the naive way SPEC §9 compares against:
// the user, organization and group lists, then one
// /v1/user/organizations.json per user (through cybridge's client,
// Client.UserMemberships) instead of one member list per organization, and
// each group's member list. Every request takes a slot of the same pool of
// pool requests the smart read has, so the comparison is of strategies,
// not of concurrency. Pages of one list follow each other (the list's
// length is unknown until a short page), lists run side by side, and the
// per-user calls start once the user list is complete — that is what
// "naive" means here. It checks that it read every membership.
func readNaive(ctx context.Context, sim *cybozutest.Server, want *directory.Snapshot, pool int) (readResult, error) {
	c, err := newClient(sim.URL(), pool)
	if err != nil {
		return readResult{}, err
	}
	rc := resty.New().SetBaseURL(sim.URL()).SetHeaders(map[string]string{
		"Accept":                 "application/json",
		"X-Cybozu-Authorization": base64.StdEncoding.EncodeToString([]byte(cybozutest.DefaultLogin + ":" + cybozutest.DefaultPassword)),
	})
	n := &naive{ctx: ctx, rc: rc, slots: make(chan struct{}, pool)}

	sim.ResetStats()
	start := time.Now()
	var users, orgs, groups []string
	var wg sync.WaitGroup
	wg.Go(func() { orgs = n.list("/v1/organizations.json?", "organizations") })
	wg.Go(func() {
		groups = n.list("/v1/groups.json?", "groups")
		for _, g := range groups {
			if g == directory.EveryoneGroup {
				continue
			}
			wg.Go(func() { n.list("/v1/group/users.json?code="+escape(g)+"&", "users") })
		}
	})
	wg.Go(func() {
		users = n.list("/v1/users.json?", "users")
		for _, login := range users {
			if !n.acquire() {
				return
			}
			wg.Go(func() {
				defer n.release()
				ms, _, err := c.UserMemberships(ctx, login)
				n.done(len(ms), err)
			})
		}
	})
	wg.Wait()
	wall := time.Since(start)
	if n.err != nil {
		return readResult{}, fmt.Errorf("naive read: %w", n.err)
	}
	if len(users) != len(want.Users) || len(orgs) != len(want.Organizations) || len(groups) != len(want.Groups) || n.memberships != memberships(want) {
		return readResult{}, fmt.Errorf("naive read: got %d users, %d organizations, %d groups, %d memberships; the simulator serves %d, %d, %d, %d",
			len(users), len(orgs), len(groups), n.memberships, len(want.Users), len(want.Organizations), len(want.Groups), memberships(want))
	}
	st := sim.Stats()
	return readResult{Requests: int(st.Requests), PeakInFlight: int(st.PeakInFlight), TooMany: int(st.TooMany), Wall: wall}, nil
}

// naive is the shared state of one naive read.
type naive struct {
	ctx   context.Context
	rc    *resty.Client
	slots chan struct{}

	mu          sync.Mutex
	err         error
	memberships int
}

func (n *naive) acquire() bool {
	select {
	case n.slots <- struct{}{}:
		return true
	case <-n.ctx.Done():
		n.done(0, n.ctx.Err())
		return false
	}
}

func (n *naive) release() { <-n.slots }

func (n *naive) done(memberships int, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.memberships += memberships
	if err != nil && n.err == nil {
		n.err = err
	}
}

// list reads a paged list to its first short page and returns the codes
// of its items; a failure is recorded and ends the list.
func (n *naive) list(prefix, key string) []string {
	var codes []string
	for off := 0; ; off += 100 {
		if !n.acquire() {
			return codes
		}
		resp, err := n.rc.R().SetContext(n.ctx).Get(prefix + "offset=" + strconv.Itoa(off) + "&size=100")
		n.release()
		if err == nil && resp.StatusCode() != http.StatusOK {
			err = fmt.Errorf("%s%d: status %d", prefix, off, resp.StatusCode())
		}
		var page map[string][]struct {
			Code string `json:"code"`
		}
		if err == nil {
			err = json.Unmarshal(resp.Body(), &page)
		}
		if err != nil {
			n.done(0, err)
			return codes
		}
		for _, it := range page[key] {
			codes = append(codes, it.Code)
		}
		if len(page[key]) < 100 {
			return codes
		}
	}
}

// escape percent-encodes a query value as cybridge's client does (space
// as %20).
func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

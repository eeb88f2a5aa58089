package main

import (
	"context"
	"fmt"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozu"
	"github.com/cybridge/cybridge/directory/cybozutest"
)

// naiveRequests is what the naive strategy needs for s: the user,
// organization and group lists, one /v1/user/organizations.json per user,
// and each group's member list (everyone skipped).
func naiveRequests(s *directory.Snapshot) int {
	n := cybozutest.Pages(len(s.Users)) + cybozutest.Pages(len(s.Organizations)) + cybozutest.Pages(len(s.Groups)) + len(s.Users)
	for _, g := range s.Groups {
		if g.Code != directory.EveryoneGroup {
			n += cybozutest.Pages(len(g.Members))
		}
	}
	return n
}

func memberships(s *directory.Snapshot) int {
	n := 0
	for _, u := range s.Users {
		n += len(u.Memberships)
	}
	return n
}

// readResult is one read's measurements, from the simulator's counters.
type readResult struct {
	Requests     int
	PeakInFlight int
	TooMany      int
	Wall         time.Duration
}

// newClient is a cybozu client for the simulator at url with a pool of pool.
func newClient(url string, pool int) (*cybozu.Client, error) {
	return cybozu.New(cybozu.Config{
		BaseURL:     url,
		Login:       cybozutest.DefaultLogin,
		Password:    cybozutest.DefaultPassword,
		Concurrency: pool,
	})
}

// readSmart reads the whole directory with cybridge's reader (a fresh
// client, so no 429 of an earlier run lowers its pool) and checks that it
// got what the simulator serves.
func readSmart(ctx context.Context, sim *cybozutest.Server, want *directory.Snapshot, pool int) (readResult, error) {
	c, err := newClient(sim.URL(), pool)
	if err != nil {
		return readResult{}, err
	}
	sim.ResetStats()
	start := time.Now()
	got, err := c.ReadSnapshot(ctx)
	wall := time.Since(start)
	if err != nil {
		return readResult{}, fmt.Errorf("read: %w", err)
	}
	if err := sameShape(want, got); err != nil {
		return readResult{}, fmt.Errorf("read: %w", err)
	}
	st := sim.Stats()
	return readResult{Requests: int(st.Requests), PeakInFlight: int(st.PeakInFlight), TooMany: int(st.TooMany), Wall: wall}, nil
}

// sameShape checks that a read returned as many users, organizations,
// groups and memberships as were served: a bench of an incomplete read
// would measure nothing.
func sameShape(want, got *directory.Snapshot) error {
	type shape struct{ users, orgs, groups, memberships int }
	w := shape{len(want.Users), len(want.Organizations), len(want.Groups), memberships(want)}
	g := shape{len(got.Users), len(got.Organizations), len(got.Groups), memberships(got)}
	if w != g {
		return fmt.Errorf("read %+v, the simulator serves %+v", g, w)
	}
	return nil
}

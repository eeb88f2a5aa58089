package main

import (
	"context"
	"fmt"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/targets/scim/scimapi"
	"github.com/cybridge/cybridge/targets/scim/scimtest"
)

// Issue 13's SCIM targets.
const targetSCIMWallRatio = 1.25 // push wall ≤ 1.25 × requests × latency ÷ concurrency

const scimBenchToken = secret.Secret("bench-token-0123456789")

// scimPusher pushes the directory's users to the SCIM service at base and
// says how many it meant to write. It is the one piece a push through the
// SCIM target's apply replaces: everything around it (the server, the
// timing, the counts, the no-change read) stays.
type scimPusher func(ctx context.Context, base string, token secret.Secret, snap *directory.Snapshot) (users int, err error)

// pushSCIMClient creates every user with one Client.Run at the client's
// default concurrency.
func pushSCIMClient(ctx context.Context, base string, token secret.Secret, snap *directory.Snapshot) (int, error) {
	c, err := scimapi.New(scimapi.Config{BaseURL: base, Token: token})
	if err != nil {
		return 0, err
	}
	orgs := map[string]string{}
	for _, o := range snap.Organizations {
		orgs[o.Code] = o.Name
	}
	ops := make([]scimapi.Op, 0, len(snap.Users))
	for _, u := range snap.Users {
		active := u.Valid
		su := scimapi.User{
			ExternalID: u.ID, UserName: u.Login, DisplayName: u.DisplayName, Active: &active,
			Name:       &scimapi.Name{FamilyName: u.Surname, GivenName: u.GivenName},
			Enterprise: &scimapi.Enterprise{EmployeeNumber: u.EmployeeNumber, Department: orgs[u.PrimaryOrg]},
		}
		if u.Email != "" {
			su.Emails = []scimapi.Email{{Value: u.Email, Type: "work", Primary: true}}
		}
		ops = append(ops, scimapi.Op{Kind: scimapi.OpCreate, Resource: "Users", Body: su})
	}
	for i, r := range c.Run(ctx, ops) {
		if r.Err != nil {
			return 0, fmt.Errorf("create %s: %w", snap.Users[i].Login, r.Err)
		}
	}
	return len(ops), nil
}

// benchSCIM pushes p.SCIMUsers users to scimtest at p.Latency per request
// with the client's default concurrency (4), then reads them back with a
// fresh client as a no-change run would (ProviderConfig, Users, Groups).
// Requests are counted by the server.
func benchSCIM(ctx context.Context, p Params, push scimPusher, logf func(string, ...any)) ([]Figure, error) {
	snap := fixtures.Generate(fixtures.GenParams{Users: p.SCIMUsers, Seed: p.Seed, Groups: -1})
	conc := scimapi.DefaultConcurrency
	page := scimapi.DefaultPageSize
	readTarget := float64((p.SCIMUsers+page-1)/page + 2)
	var pushReqs, walls, bounds, ratios, peaks, readReqs, readWalls []float64
	for i := range p.Runs {
		srv := scimtest.New(scimtest.Options{PageSize: page, ETags: true, Latency: p.Latency, Token: scimBenchToken.Reveal()})
		began := time.Now()
		n, err := push(ctx, srv.URL, scimBenchToken, snap)
		wall := time.Since(began)
		if err != nil {
			srv.Close()
			return nil, fmt.Errorf("scim push: %w", err)
		}
		st := srv.Stats()
		if got := len(srv.Users()); got != n {
			srv.Close()
			return nil, fmt.Errorf("scim push: the server holds %d users, the push wrote %d", got, n)
		}
		bound := time.Duration(st.Total) * p.Latency / time.Duration(conc)

		srv.ResetStats()
		readBegan := time.Now()
		err = readSCIM(ctx, srv.URL, n)
		readWall := time.Since(readBegan)
		rst := srv.Stats()
		srv.Close()
		if err != nil {
			return nil, fmt.Errorf("scim read: %w", err)
		}
		logf("scim run %d: pushed %d users in %d requests, %.2f s (bound %.2f s), peak %d in flight; no-change read %d requests (target ≤ %.0f), %.2f s",
			i+1, n, st.Total, wall.Seconds(), bound.Seconds(), st.PeakInFlight, rst.Total, readTarget, readWall.Seconds())
		pushReqs = append(pushReqs, float64(st.Total))
		walls = append(walls, wall.Seconds())
		bounds = append(bounds, bound.Seconds())
		ratios = append(ratios, wall.Seconds()/bound.Seconds())
		peaks = append(peaks, float64(st.PeakInFlight))
		readReqs = append(readReqs, float64(rst.Total))
		readWalls = append(readWalls, readWall.Seconds())
	}
	n := thousands(int64(p.SCIMUsers))
	figs := []Figure{
		info("scim.push_requests", "SCIM push "+n+": requests", median(pushReqs), "requests", pushReqs),
		info("scim.push_wall_s", "SCIM push "+n+": wall time", median(walls), "s", walls),
		info("scim.push_bound_s", fmt.Sprintf("SCIM push %s: bound requests × %s ÷ %d", n, p.Latency, conc), median(bounds), "s", bounds),
		atMost("scim.push_wall_ratio", "SCIM push "+n+": wall ÷ bound", median(ratios), "x", ratios, targetSCIMWallRatio, "≤ 1.25 ×"),
		atMost("scim.push_peak_in_flight", "SCIM push "+n+": peak requests in flight", median(peaks), "count", peaks, float64(conc), fmt.Sprintf("≤ %d (concurrency)", conc)),
		atMost("scim.read_requests", "SCIM no-change read "+n+": requests", median(readReqs), "requests", readReqs, readTarget, fmt.Sprintf("≤ ceil(n ÷ %d) + 2 = %.0f", page, readTarget)),
		info("scim.read_wall_s", "SCIM no-change read "+n+": wall time", median(readWalls), "s", readWalls),
	}
	figs[0].Note = fmt.Sprintf("scimtest (github.com/elimity-com/scim) on loopback, %s latency, ETags on; the client's default concurrency %d and page size %d; the read is a fresh client's ProviderConfig + Users + Groups", p.Latency, conc, page)
	return figs, nil
}

// readSCIM reads the service as a no-change run's Load does and checks
// it found the users pushed.
func readSCIM(ctx context.Context, base string, want int) error {
	c, err := scimapi.New(scimapi.Config{BaseURL: base, Token: scimBenchToken})
	if err != nil {
		return err
	}
	if _, err := c.ProviderConfig(ctx); err != nil {
		return err
	}
	users, err := c.Users(ctx)
	if err != nil {
		return err
	}
	if _, err := c.Groups(ctx); err != nil {
		return err
	}
	if len(users) != want {
		return fmt.Errorf("read %d users, pushed %d", len(users), want)
	}
	return nil
}

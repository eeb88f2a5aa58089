package scim_test

import (
	"testing"
	"time"

	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/scim"
	"github.com/cybridge/cybridge/targets/scim/scimtest"
)

// BenchmarkPush times a first push of N generated users through the
// target (read, plan, apply) at 20 ms simulated latency with concurrency
// 4, against the bound 1.25 × requests × latency ÷ concurrency,
// then a no-change run's requests against ceil(N ÷ page) + 2.
//
//	go test ./targets/scim -run '^$' -bench Push -benchtime 1x
func BenchmarkPush(b *testing.B) {
	const users, latency, concurrency = 2000, 20 * time.Millisecond, 4
	snap := fixtures.Generate(fixtures.GenParams{Users: users, Seed: 1})
	for range b.N {
		e := newEnvWith(b, scimtest.Options{Latency: latency}, scim.Settings{}, false)
		start := time.Now()
		res, err := e.run(snap)
		if err != nil || res.Status != provision.StatusApplied {
			b.Fatalf("push: %v", err)
		}
		wall := time.Since(start)
		st := e.srv.Stats()
		bound := time.Duration(float64(st.Total) * float64(latency) / concurrency * 1.25)
		b.ReportMetric(wall.Seconds(), "push-s")
		b.ReportMetric(bound.Seconds(), "bound-s")
		b.ReportMetric(float64(st.Total), "push-requests")
		e.srv.ResetStats()
		if res, err := e.run(snap); err != nil || res.Status != provision.StatusNoChanges {
			b.Fatalf("no-change run: %v", err)
		}
		b.ReportMetric(float64(e.srv.Stats().Total), "nochange-requests")
	}
}

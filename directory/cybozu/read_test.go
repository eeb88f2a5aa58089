package cybozu

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/internal/msg"
)

// simConfig points a fast-retrying client at a simulator with its default
// account.
func simConfig(s *cybozutest.Server) Config {
	cfg := fastConfig(s.URL())
	cfg.Login, cfg.Password = cybozutest.DefaultLogin, cybozutest.DefaultPassword
	return cfg
}

// simClient starts a simulator with opts and a client for it, its Config
// changed by edit (if not nil).
func simClient(t *testing.T, opts cybozutest.Options, edit func(*Config)) (*Client, *cybozutest.Server) {
	t.Helper()
	sim := cybozutest.NewServer(t, opts)
	cfg := simConfig(sim)
	if edit != nil {
		edit(&cfg)
	}
	return newClient(t, cfg), sim
}

// ignoreReadDetails leaves out what a read adds or cannot know: where
// objects came from, when and from which host it was read.
var ignoreReadDetails = cmp.Options{
	cmpopts.IgnoreFields(directory.Organization{}, "Origin"),
	cmpopts.IgnoreFields(directory.User{}, "Origin"),
	cmpopts.IgnoreFields(directory.Title{}, "Origin"),
	cmpopts.IgnoreFields(directory.Group{}, "Origin"),
	cmpopts.IgnoreFields(directory.Snapshot{}, "ReadAt", "Source"),
	cmpopts.EquateEmpty(),
}

// canonical puts each user's memberships in the order the API reader
// gives them (primary first, then by organization code): the User API does
// not say in which order a user's organizations were entered.
func canonical(s *directory.Snapshot) *directory.Snapshot {
	for i := range s.Users {
		u := &s.Users[i]
		sort.SliceStable(u.Memberships, func(a, b int) bool {
			ma, mb := u.Memberships[a], u.Memberships[b]
			if (ma.OrgCode == u.PrimaryOrg) != (mb.OrgCode == u.PrimaryOrg) {
				return ma.OrgCode == u.PrimaryOrg
			}
			return ma.OrgCode < mb.OrgCode
		})
	}
	return s
}

// TestReadFixtureCompany: the fixture company read through the API is the
// fixture, and dropping the Administrator leaves the 41 people.
func TestReadFixtureCompany(t *testing.T) {
	want := fixtures.Company()
	sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: want, Latency: time.Millisecond})
	c := newClient(t, simConfig(sim))
	got, err := c.ReadSnapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, ignoreReadDetails); diff != "" {
		t.Errorf("snapshot (-want +got):\n%s", diff)
	}
	if got.Source != (directory.Source{Kind: directory.SourceAPI, Domain: strings.TrimPrefix(sim.URL(), "http://")}) {
		t.Errorf("source = %+v", got.Source)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if st := sim.Stats(); int(st.Requests) != cybozutest.MinimumRequests(want) {
		t.Errorf("%d requests, minimum %d", st.Requests, cybozutest.MinimumRequests(want))
	}
	if !got.DropUser(directory.AdministratorLogin) {
		t.Error("the Administrator was not read")
	}
	want.DropUser(directory.AdministratorLogin)
	if diff := cmp.Diff(want, got, ignoreReadDetails); diff != "" {
		t.Errorf("without the Administrator (-want +got):\n%s", diff)
	}
}

// A users list that never ends — the same full page at every offset, or
// new users forever — fails the read with unexpected_response instead of
// reading forever (F5).
func TestReadEndlessList(t *testing.T) {
	for _, tc := range []struct {
		endless cybozutest.Endless
		detail  string
	}{
		{cybozutest.EndlessRepeat, "is full of objects already read"},
		{cybozutest.EndlessFresh, "goes on past 2,000 objects"},
	} {
		t.Run(string(tc.endless), func(t *testing.T) {
			sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: fixtures.Company(), EndlessUsers: tc.endless})
			c := newClient(t, simConfig(sim))
			c.listCap = 2000
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err := c.ReadSnapshot(ctx)
			if msg.Code(err) != CodeUnexpectedResponse || !strings.Contains(err.Error(), tc.detail) {
				t.Fatalf("read: %v, want unexpected_response (%s)", err, tc.detail)
			}
			if n := sim.Stats().Requests; n > 100 {
				t.Errorf("%d requests before giving up", n)
			}
		})
	}
}

// TestReadSizes reads directories of several sizes completely with exactly
// the minimum number of requests.
func TestReadSizes(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 200, 2350} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			want := canonical(fixtures.Generate(fixtures.GenParams{Users: n, Administrator: true, Seed: uint64(n)}))
			sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: want})
			got, err := newClient(t, simConfig(sim)).ReadSnapshot(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, ignoreReadDetails); diff != "" {
				t.Errorf("snapshot (-want +got):\n%s", diff)
			}
			if len(got.Users) != n+1 {
				t.Errorf("%d users, want %d and the Administrator", len(got.Users), n)
			}
			st := sim.Stats()
			if min := cybozutest.MinimumRequests(want); int(st.Requests) != min {
				t.Errorf("%d requests, minimum %d", st.Requests, min)
			}
			if st.PeakInFlight > DefaultConcurrency {
				t.Errorf("peak in flight %d > pool %d", st.PeakInFlight, DefaultConcurrency)
			}
		})
	}
}

// TestReadUnderConcurrencyLimit: a domain that accepts 2 concurrent
// requests answers the rest 429; the read still completes and never has
// more than the pool in flight.
func TestReadUnderConcurrencyLimit(t *testing.T) {
	want := canonical(fixtures.Generate(fixtures.GenParams{Users: 500, Seed: 7}))
	sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: want, MaxConcurrent: 2, Latency: 2 * time.Millisecond})
	cfg := simConfig(sim)
	cfg.Concurrency = 4
	got, err := newClient(t, cfg).ReadSnapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, ignoreReadDetails); diff != "" {
		t.Errorf("snapshot (-want +got):\n%s", diff)
	}
	st := sim.Stats()
	if st.PeakInFlight > 4 {
		t.Errorf("peak in flight %d > pool 4", st.PeakInFlight)
	}
	if st.TooMany == 0 {
		t.Error("the simulator never answered 429: the test does not test the limit")
	}
	t.Logf("%d requests (minimum %d), %d answered 429, peak in flight %d", st.Requests, cybozutest.MinimumRequests(want), st.TooMany, st.PeakInFlight)
}

// TestReadRetriesFailedPage: one failing or truncated answer in the middle
// of a listing is retried and the read completes with one extra request.
func TestReadRetriesFailedPage(t *testing.T) {
	want := canonical(fixtures.Generate(fixtures.GenParams{Users: 1000, Seed: 3}))
	for _, opts := range []cybozutest.Options{
		{FailOn: 40},
		{FailOn: 40, FailStatus: http.StatusBadGateway},
		{FailOn: 40, FailStatus: http.StatusTooManyRequests},
		{TruncateOn: 40},
	} {
		t.Run("fail="+strconv.Itoa(opts.FailStatus)+",truncate="+strconv.Itoa(opts.TruncateOn), func(t *testing.T) {
			opts.Snapshot = want
			sim := cybozutest.NewServer(t, opts)
			got, err := newClient(t, simConfig(sim)).ReadSnapshot(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, ignoreReadDetails); diff != "" {
				t.Errorf("snapshot (-want +got):\n%s", diff)
			}
			if st := sim.Stats(); int(st.Requests) != cybozutest.MinimumRequests(want)+1 || st.Faults != 1 {
				t.Errorf("%d requests with %d faults, want minimum %d + 1 retry", st.Requests, st.Faults, cybozutest.MinimumRequests(want))
			}
		})
	}
}

// TestReadFailures runs every row of SPEC §3.3 against the simulator.
func TestReadFailures(t *testing.T) {
	mid := fixtures.Generate(fixtures.GenParams{Users: 250, Seed: 1})
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	dnsFails := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.DNSError{Err: "no such host", Name: "nosuch.cybozu.com", IsNotFound: true}
	}}

	tests := []struct {
		name     string
		opts     cybozutest.Options
		edit     func(*Config)
		code     string
		msg      string // substring of the message
		requests int    // requests the simulator saw; -1 = do not check
	}{
		{"DNS failure", cybozutest.Options{}, func(c *Config) { c.BaseURL = "https://nosuch.cybozu.com"; c.Transport = dnsFails },
			CodeDomainNotFound, "does not exist: check the subdomain", -1},
		{"404 page for the domain", cybozutest.Options{UnknownDomain: true}, nil,
			CodeDomainNotFound, "does not exist: check the subdomain", 1},
		{"CB_WA01 401", cybozutest.Options{}, func(c *Config) { c.Password = "wrong" },
			CodeAuthFailed, "login name or password, or the account is suspended (停止中)", 1},
		{"CB_WA01 520", cybozutest.Options{WrongPasswordStatus: 520}, func(c *Config) { c.Password = "wrong" },
			CodeAuthFailed, "login name or password, or the account is suspended (停止中)", 1},
		{"wrong token", cybozutest.Options{Token: "right"}, func(c *Config) { c.Token = "wrong" },
			CodeAuthFailed, "rejected the API token: it is invalid, expired or revoked, or lacks the Read scope", 1},
		{"CB_TW02", cybozutest.Options{TwoFactor: true}, nil,
			CodeAuthFailed, "two-factor authentication is on for this account", 1},
		{"Basic challenge, no Basic configured", cybozutest.Options{IPRestricted: true, BasicUser: "bu", BasicPassword: "bp"}, nil,
			CodeBasicAuthRequired, "IP address restriction is on", 1},
		{"Basic challenge, wrong Basic", cybozutest.Options{IPRestricted: true, BasicUser: "bu", BasicPassword: "bp"},
			func(c *Config) { c.BasicUser, c.BasicPassword = "bu", "wrong" },
			CodeBasicAuthFailed, "Basic authentication user or password", 1},
		{"403 HTML", cybozutest.Options{IPRestricted: true}, nil,
			CodeIPRestricted, "IP address is blocked", 1},
		{"403 JSON", cybozutest.Options{FailPath: "/v1/", FailStatus: http.StatusForbidden}, nil,
			CodeForbidden, "lacks permission", 1},
		{"429 throughout", cybozutest.Options{FailPath: "/v1/", FailStatus: http.StatusTooManyRequests}, nil,
			CodeSourceUnavailable, "busy or in maintenance and did not answer after retries; nothing was changed", -1},
		{"502", cybozutest.Options{FailPath: "/v1/", FailStatus: http.StatusBadGateway}, nil,
			CodeSourceUnavailable, "busy or in maintenance", -1},
		{"503 maintenance", cybozutest.Options{Maintenance: true}, nil,
			CodeSourceUnavailable, "busy or in maintenance", -1},
		{"504", cybozutest.Options{FailPath: "/v1/", FailStatus: http.StatusGatewayTimeout}, nil,
			CodeSourceUnavailable, "busy or in maintenance", -1},
		{"connection refused", cybozutest.Options{}, func(c *Config) { c.BaseURL = closedURL },
			CodeSourceUnavailable, "could not be reached; nothing was changed", -1},
		{"timeout", cybozutest.Options{Latency: 300 * time.Millisecond}, func(c *Config) { c.Timeout = 10 * time.Millisecond; c.MaxAttempts = 2 },
			CodeSourceUnavailable, "busy or in maintenance", -1},
		{"page missing after retries", cybozutest.Options{Snapshot: mid, FailPath: "/v1/users.json?offset=100&"}, nil,
			CodeSourceIncomplete, "the user list (offset 100) could not be read after retries; part of the directory could not be read; nothing was planned or changed", -1},
		{"member page missing after retries", cybozutest.Options{Snapshot: mid, FailPath: "/v1/group/users.json?code=grp-007&", FailStatus: http.StatusGatewayTimeout}, nil,
			CodeSourceIncomplete, `the member list of group "grp-007" (offset 0) could not be read`, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, sim := simClient(t, tt.opts, tt.edit)
			snap, err := c.ReadSnapshot(context.Background())
			if snap != nil {
				t.Error("a snapshot was returned with the error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.ErrorCode() != tt.code || !strings.Contains(e.Error(), tt.msg) {
				t.Errorf("err = [%s] %v\nwant [%s] containing %q", e.ErrorCode(), e, tt.code, tt.msg)
			}
			if tt.requests >= 0 {
				// Authentication and access failures are never retried,
				// and the lists fan out only once a first page was read:
				// a rejected password is one failed login per run, not
				// one per list (cybozu.com locks accounts after a few).
				if st := sim.Stats(); int(st.Requests) > tt.requests {
					t.Errorf("%d requests, want at most %d (no retries)", st.Requests, tt.requests)
				}
			}
		})
	}
}

// TestRetriesThenUnavailable: a transient failure is tried MaxAttempts
// times, no more.
func TestRetriesThenUnavailable(t *testing.T) {
	sim := cybozutest.NewServer(t, cybozutest.Options{Maintenance: true})
	cfg := simConfig(sim)
	cfg.Concurrency = 1
	_, err := newClient(t, cfg).ReadSnapshot(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeSourceUnavailable || e.Status != http.StatusServiceUnavailable {
		t.Fatalf("err = %v", err)
	}
	if st := sim.Stats(); st.Requests != DefaultMaxAttempts {
		t.Errorf("%d requests, want %d attempts of the first page", st.Requests, DefaultMaxAttempts)
	}
}

func TestIsAdministrator(t *testing.T) {
	tests := []struct {
		name string
		opts cybozutest.Options
		edit func(*Config)
		want bool
		code string
	}{
		{"administrator", cybozutest.Options{}, nil, true, ""},
		{"not an administrator", cybozutest.Options{NonAdmin: true}, nil, false, ""},
		{"API token", cybozutest.Options{NonAdmin: true, Token: "tok"}, func(c *Config) { c.Token = "tok" }, true, ""},
		{"wrong password", cybozutest.Options{}, func(c *Config) { c.Password = "x" }, false, CodeAuthFailed},
		{"IP restricted", cybozutest.Options{IPRestricted: true}, nil, false, CodeIPRestricted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, sim := simClient(t, tt.opts, tt.edit)
			got, err := c.IsAdministrator(context.Background())
			if tt.code != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tt.code {
					t.Errorf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("IsAdministrator = %v, %v; want %v", got, err, tt.want)
			}
			if st := sim.Stats(); st.Requests != 1 || st.ByPath["/v1/csv/title.csv"] != 1 {
				t.Errorf("probe requests: %+v", st)
			}
		})
	}
}

func TestUserMemberships(t *testing.T) {
	sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: fixtures.Company()})
	c := newClient(t, simConfig(sim))
	ms, ts, err := c.UserMemberships(context.Background(), "d.kato")
	if err != nil {
		t.Fatal(err)
	}
	want := []directory.Membership{{OrgCode: "R&D/1", TitleCode: "manager"}, {OrgCode: "dev-sys"}}
	if diff := cmp.Diff(want, ms); diff != "" {
		t.Errorf("memberships (-want +got):\n%s", diff)
	}
	if len(ts) != 1 || ts[0].Code != "manager" {
		t.Errorf("titles = %+v", ts)
	}
}

// BenchmarkReadSnapshot reads Generate(2350) from a simulator with 20 ms
// latency per request and a pool of 4, and reports the request count
// against SPEC §9's minimum and the wall time against requests×latency÷pool.
//
//	go test -run '^$' -bench ReadSnapshot -benchtime 3x ./directory/cybozu/
func BenchmarkReadSnapshot(b *testing.B) {
	const latency, pool = 20 * time.Millisecond, 4
	want := fixtures.Generate(fixtures.GenParams{Users: 2350, Seed: 1})
	sim := cybozutest.NewServer(b, cybozutest.Options{Snapshot: want, Latency: latency})
	cfg := simConfig(sim)
	cfg.Concurrency = pool
	min := cybozutest.MinimumRequests(want)
	b.ResetTimer()
	for range b.N {
		sim.ResetStats()
		c := newClientB(b, cfg)
		start := time.Now()
		if _, err := c.ReadSnapshot(context.Background()); err != nil {
			b.Fatal(err)
		}
		wall := time.Since(start)
		req := int(sim.Stats().Requests)
		ideal := time.Duration(req) * latency / pool
		b.ReportMetric(float64(req), "requests")
		b.ReportMetric(float64(req)/float64(min), "requests/minimum")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(float64(wall)/float64(ideal), "wall/ideal")
	}
}

func newClientB(b *testing.B, cfg Config) *Client {
	c, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

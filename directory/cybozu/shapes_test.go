package cybozu

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/internal/msg"
)

// TestUserAPIErrorShapes runs every row of cybozu-user-api.md §5.5 and §6
// that the simulator can produce (and the shapes issue 11 found) through a
// whole read, and checks the code, the catalogue key, what the message
// says and does not say, and how many requests it took: authentication,
// permission and validation answers are never retried.
func TestUserAPIErrorShapes(t *testing.T) {
	company := fixtures.Company()
	min := cybozutest.MinimumRequests(company)
	basicDomain := cybozutest.Options{IPRestricted: true, BasicUser: "bu", BasicPassword: "bp"}
	withBasic := func(c *Config) { c.BasicUser, c.BasicPassword = "bu", "bp" }
	wrongPassword := func(c *Config) { c.Password = "wrong" }
	token := func(c *Config) { c.Token = "wrong-token" }
	fault := func(status int, code string) cybozutest.Options {
		return cybozutest.Options{FailPath: "/v1/", FailStatus: status, FailCode: code}
	}
	with := func(o cybozutest.Options, f func(*cybozutest.Options)) cybozutest.Options { f(&o); return o }

	tests := []struct {
		name     string
		opts     cybozutest.Options
		edit     func(*Config)
		code     string
		key      string // catalogue key; "" = the code
		says     []string
		never    []string // must not appear in the message
		requests int      // requests the client sent
	}{
		// §5.5 wrong password / suspended / missing auth.
		{"5.5 wrong password, 401 CB_WA01", cybozutest.Options{}, wrongPassword,
			CodeAuthFailed, "", []string{"rejected the login name or password", "HTTP 401, CB_WA01"}, nil, 1},
		{"5.5 wrong password, 520 CB_WA01", cybozutest.Options{WrongPasswordStatus: 520}, wrongPassword,
			CodeAuthFailed, "", []string{"rejected the login name or password", "HTTP 520, CB_WA01"}, []string{"busy"}, 1},
		{"5.5 wrong password on a Basic-auth domain (CB_WA01 with a Basic challenge)",
			with(basicDomain, func(o *cybozutest.Options) { o.ChallengeWithCode = true }),
			func(c *Config) { withBasic(c); wrongPassword(c) },
			CodeAuthFailed, "", []string{"rejected the login name or password", "CB_WA01"}, []string{"Basic"}, 1},
		{"5.5 wrong password, code only in X-Cybozu-Error, HTML body",
			cybozutest.Options{CodeInHeaderOnly: true, ChallengeWithCode: true}, wrongPassword,
			CodeAuthFailed, "", []string{"rejected the login name or password", "HTTP 401, CB_WA01, Error"}, nil, 1},
		{"5.5 no credentials, 401 CB_AU01", fault(401, "CB_AU01"), nil,
			CodeAuthFailed, keyAuthMissing, []string{"received no credentials"}, nil, 1},
		{"5.5 no credentials, 520 CB_AU01 in the header only",
			with(fault(520, "CB_AU01"), func(o *cybozutest.Options) { o.CodeInHeaderOnly = true }), nil,
			CodeAuthFailed, keyAuthMissing, []string{"received no credentials", "HTTP 520, CB_AU01"}, nil, 1},
		{"5.5 wrong API token", cybozutest.Options{Token: "right"}, token,
			CodeAuthFailed, keyAuthToken, []string{"rejected the API token", "invalid, expired or revoked, or lacks the Read scope"}, []string{"password"}, 1},
		{"5.5 API token, 401 CB_AU01", with(fault(401, "CB_AU01"), func(o *cybozutest.Options) { o.Token = "wrong-token" }), token,
			CodeAuthFailed, keyAuthToken, []string{"rejected the API token"}, []string{"password"}, 1},
		{"5.4 two-factor, 401 CB_TW02", cybozutest.Options{TwoFactor: true}, nil,
			CodeAuthFailed, keyAuthTwoFactor, []string{"two-factor authentication is on", "API token"}, nil, 1},
		{"5.4 two-factor, 520 CB_TW02 in the header only", with(fault(520, "CB_TW02"), func(o *cybozutest.Options) { o.CodeInHeaderOnly = true }), nil,
			CodeAuthFailed, keyAuthTwoFactor, []string{"two-factor authentication is on"}, nil, 1},
		{"11.4 401 page without a code or challenge: both causes", fault(401, ""), nil,
			CodeAuthFailed, keyAuthUnknown, []string{"without saying why", "login name or password is wrong", "access control (IP address restriction, Basic authentication)"}, nil, 1},
		{"11.4 401 page without a code, with a token: both causes", with(fault(401, ""), func(o *cybozutest.Options) { o.Token = "wrong-token" }), token,
			CodeAuthFailed, keyAuthUnknownToken, []string{"the API token was rejected", "access control"}, []string{"password"}, 1},
		{"11.4 401 with a code cybridge does not know: both causes", fault(401, "CB_XX01"), nil,
			CodeAuthFailed, keyAuthUnknown, []string{"without saying why", "CB_XX01"}, nil, 1},

		// §5.2 Basic authentication, §5.3 IP restriction (no code: the challenge and the page decide).
		{"5.2 Basic challenge, no Basic configured", basicDomain, nil,
			CodeBasicAuthRequired, "", []string{"IP address restriction is on"}, nil, 1},
		{"5.2 Basic challenge, wrong Basic", basicDomain, func(c *Config) { c.BasicUser, c.BasicPassword = "bu", "wrong" },
			CodeBasicAuthFailed, "", []string{"Basic authentication user or password"}, nil, 1},
		{"5.3 403 page, no Basic on the domain", cybozutest.Options{IPRestricted: true}, nil,
			CodeIPRestricted, "", []string{"IP address is blocked"}, nil, 1},

		// §6.2 statuses, §6.3 codes.
		{"6.2 400 CB_IL02", fault(400, "CB_IL02"), nil,
			CodeUnexpectedResponse, "", []string{"HTTP 400, CB_IL02"}, nil, 1},
		{"6.2 400 CB_IJ01", fault(400, "CB_IJ01"), nil,
			CodeUnexpectedResponse, "", []string{"CB_IJ01"}, nil, 1},
		{"6.2 403 CB_NO02", fault(403, "CB_NO02"), nil,
			CodeForbidden, "", []string{"lacks permission", "HTTP 403, CB_NO02"}, nil, 1},
		{"6.2 520 CB_NO02 is forbidden after one request", fault(520, "CB_NO02"), nil,
			CodeForbidden, "", []string{"lacks permission", "HTTP 520, CB_NO02"}, []string{"busy"}, 1},
		{"6.2 520 CB_NO02 in the header only", with(fault(520, "CB_NO02"), func(o *cybozutest.Options) { o.CodeInHeaderOnly = true }), nil,
			CodeForbidden, "", []string{"lacks permission"}, nil, 1},
		{"6.2 520 CB_IL02", fault(520, "CB_IL02"), nil,
			CodeUnexpectedResponse, "", []string{"HTTP 520, CB_IL02"}, nil, 1},
		{"6.2 520 with an unknown code is not retried", fault(520, "CB_XX99"), nil,
			CodeSourceUnavailable, keyServerError, []string{"server error", "CB_XX99"}, nil, 1},
		{"6.2 404 page for the domain", cybozutest.Options{UnknownDomain: true}, nil,
			CodeDomainNotFound, "", []string{"does not exist: check the subdomain"}, nil, 1},
		{"6.2 429 is retried", fault(429, ""), nil,
			CodeSourceUnavailable, "", []string{"busy or in maintenance"}, nil, DefaultMaxAttempts},
		{"6.2 502 is retried", fault(502, ""), nil,
			CodeSourceUnavailable, "", []string{"busy or in maintenance", "HTTP 502"}, nil, DefaultMaxAttempts},
		{"6.2 503 maintenance is retried", cybozutest.Options{Maintenance: true}, nil,
			CodeSourceUnavailable, "", []string{"busy or in maintenance", "HTTP 503"}, nil, DefaultMaxAttempts},
		{"6.2 504 is retried", fault(504, ""), nil,
			CodeSourceUnavailable, "", []string{"busy or in maintenance"}, nil, DefaultMaxAttempts},
		{"6.2 500 is not retried", fault(500, ""), nil,
			CodeSourceUnavailable, keyServerError, []string{"server error", "HTTP 500"}, []string{"after retries"}, 1},

		// §6.3 a member list whose organization or group vanished: read again once.
		{"6.3 400 CB_VA01 on an organization's member list, always",
			cybozutest.Options{Snapshot: company, FailPath: "/v1/organization/users.json?code=sales-osaka&", FailStatus: 400}, nil,
			CodeSourceIncomplete, keyChangedOrg, []string{`organization "sales-osaka"`, "the directory changed while it was read", "nothing was planned or changed: run again", "CB_VA01"}, nil, -(min + 1)},
		{"6.3 400 CB_VA01 on a group's member list, always",
			cybozutest.Options{Snapshot: company, FailPath: "/v1/group/users.json?code=managers&", FailStatus: 400}, nil,
			CodeSourceIncomplete, keyChangedGroup, []string{`group "managers"`, "the directory changed while it was read"}, nil, -(min + 1)},
		{"6.3 520 CB_VA01 on a member list, always",
			cybozutest.Options{Snapshot: company, FailPath: "/v1/organization/users.json?code=sales&", FailStatus: 520, FailCode: "CB_VA01"}, nil,
			CodeSourceIncomplete, keyChangedOrg, []string{`organization "sales"`, "the directory changed while it was read"}, nil, -(min + 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := simClient(t, tt.opts, tt.edit)
			snap, err := c.ReadSnapshot(context.Background())
			var e *Error
			if snap != nil || !errors.As(err, &e) {
				t.Fatalf("ReadSnapshot = %v, %v; want no snapshot and an *Error", snap, err)
			}
			key := e.Key
			if key == "" {
				key = e.Code
			}
			want := tt.key
			if want == "" {
				want = tt.code
			}
			if e.Code != tt.code || key != want || msg.Code(err) != tt.code {
				t.Errorf("code %s key %s, want %s %s: %v", e.Code, key, tt.code, want, err)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message lacks %q: %v", s, err)
				}
			}
			for _, s := range tt.never {
				if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(s)) {
					t.Errorf("message says %q: %v", s, err)
				}
			}
			for _, lang := range []msg.Lang{msg.Ja, msg.En} {
				if got := msg.Localize(lang, err); strings.Contains(got, "{") {
					t.Errorf("%s text has an unfilled parameter: %s", lang, got)
				}
			}
			// A negative count is a bound: a read that fails stops the
			// lists still queued, so how many were sent depends on timing;
			// it is never more than the minimum plus the one re-read, and
			// the failing list was asked twice.
			switch got := c.Requests(); {
			case tt.requests < 0 && (got > -tt.requests || got < 2):
				t.Errorf("%d requests, want 2 to %d", got, -tt.requests)
			case tt.requests >= 0 && got != tt.requests:
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
		})
	}
}

// TestProtocolMismatch: https:// to a plain-HTTP server, and http:// to an
// HTTPS one, say so at once — no retries, never "busy".
func TestProtocolMismatch(t *testing.T) {
	for _, tt := range []struct {
		name string
		tls  bool
		key  string
		says string
	}{
		{"https to plain HTTP", false, keyNotHTTPS, "the server at cybozu.url does not speak HTTPS"},
		{"http to HTTPS", true, keyHTTPSOnly, "the server at cybozu.url speaks only HTTPS"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sim := cybozutest.NewServer(t, cybozutest.Options{TLS: tt.tls})
			cfg := simConfig(sim)
			cfg.BaseURL = sim.WrongSchemeURL()
			c := newClient(t, cfg)
			_, err := c.ReadSnapshot(context.Background())
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeConnectionFailed || e.Key != tt.key || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("err = %#v (%v), want connection_failed %s", e, err, tt.key)
			}
			if c.Requests() != 1 {
				t.Errorf("%d requests, want 1 (no retries)", c.Requests())
			}
		})
	}
}

// TestMemberListVanishesOnce: a member list that answers CB_VA01 once is
// read again, from its first page, and the read completes with one extra
// request.
func TestMemberListVanishesOnce(t *testing.T) {
	// Every user also belongs to the first organization, so that its
	// member list has several pages.
	want := fixtures.Generate(fixtures.GenParams{Users: 250, Seed: 5})
	big := want.Organizations[0].Code
	for i := range want.Users {
		u := &want.Users[i]
		if !slices.ContainsFunc(u.Memberships, func(m directory.Membership) bool { return m.OrgCode == big }) {
			u.Memberships = append(u.Memberships, directory.Membership{OrgCode: big})
		}
	}
	want = canonical(want)
	group := ""
	for _, g := range want.Groups {
		if g.Code != directory.EveryoneGroup && len(g.Members) > 0 {
			group = g.Code
			break
		}
	}
	for _, path := range []string{
		"/v1/organization/users.json?code=" + escape(big) + "&offset=0&",
		"/v1/organization/users.json?code=" + escape(big) + "&offset=100&",
		"/v1/group/users.json?code=" + escape(group) + "&",
	} {
		t.Run(path, func(t *testing.T) {
			sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: want, FailPath: path, FailStatus: http.StatusBadRequest, FailCount: 1})
			got, err := newClient(t, simConfig(sim)).ReadSnapshot(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, ignoreReadDetails); diff != "" {
				t.Errorf("snapshot (-want +got):\n%s", diff)
			}
			st := sim.Stats()
			extra := 1 // the failed page, read again
			if strings.Contains(path, "offset=100") {
				extra = 2 // and the first page before it
			}
			if st.Faults != 1 || int(st.Requests) != cybozutest.MinimumRequests(want)+extra {
				t.Errorf("%d requests with %d faults, want minimum %d + %d", st.Requests, st.Faults, cybozutest.MinimumRequests(want), extra)
			}
		})
	}
}

// TestMemberLeftOutOfList: a user whose primary organization's member list
// does not name them — offset paging over a changing list, or cybozu.com
// leaving a member out — makes the read incomplete, naming both, instead
// of reading as a lost membership.
func TestMemberLeftOutOfList(t *testing.T) {
	snap, err := fixtures.Scenario(fixtures.ScenarioOmittedMember)
	if err != nil {
		t.Fatal(err)
	}
	sim := cybozutest.NewServer(t, cybozutest.Options{Snapshot: snap})
	got, err := newClient(t, simConfig(sim)).ReadSnapshot(context.Background())
	if got != nil || msg.Code(err) != CodeSourceIncomplete {
		t.Fatalf("ReadSnapshot = %v, %v; want source_incomplete", got, err)
	}
	wantParams := msg.Params{"login": "t.yamaguchi", "org": "sales-tokyo-1"}
	if diff := cmp.Diff(wantParams, msg.ParamsOf(err)); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), "the member list of \"sales-tokyo-1\" does not include them") {
		t.Errorf("err = %v", err)
	}
}

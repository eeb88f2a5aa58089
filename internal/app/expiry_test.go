package app

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/notify"
	"github.com/cybridge/cybridge/notify/notifytest"
)

var tokyo = time.FixedZone("JST", 9*3600)

func tokenConfig(expires string) *config.Config {
	cfg := config.Default()
	cfg.Cybozu.URL = "https://acme.cybozu.com"
	cfg.Cybozu.Token = "cy.s.api1.token"
	cfg.Cybozu.TokenExpires = expires
	cfg.Schedule.TimeZone = "Asia/Tokyo"
	return &cfg
}

// TestTokenStateOf: the day by cybozu.token_expires begins at midnight in
// the schedule's time zone; warned within 30 days, expired from the day.
func TestTokenStateOf(t *testing.T) {
	for _, tc := range []struct {
		name    string
		expires string
		now     time.Time
		want    string // code; "-" for no state
		days    int
	}{
		{"not set", "", time.Date(2027, 3, 1, 0, 0, 0, 0, tokyo), "-", 0},
		{"31 days ahead", "2027-03-31", time.Date(2027, 2, 28, 0, 0, 0, 0, tokyo), "", 31},
		{"30 days ahead", "2027-03-31", time.Date(2027, 3, 1, 0, 0, 0, 0, tokyo), WarnTokenExpiring, 30},
		{"the evening before", "2027-03-31", time.Date(2027, 3, 30, 23, 0, 0, 0, tokyo), WarnTokenExpiring, 0},
		{"the day itself (14:59 UTC the day before)", "2027-03-31", time.Date(2027, 3, 30, 15, 0, 0, 0, time.UTC), WarnTokenExpired, 0},
		{"not a date", "31/03/2027", time.Date(2027, 3, 1, 0, 0, 0, 0, tokyo), "-", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := TokenStateOf(tokenConfig(tc.expires), tc.now)
			if s == nil {
				if tc.want != "-" {
					t.Fatalf("no state; want %q", tc.want)
				}
				return
			}
			if diff := cmp.Diff([2]any{tc.want, tc.days}, [2]any{s.Code, s.Days}); diff != "" {
				t.Errorf("code and days (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTokenExpiryNotified: the notifier's expiry watchers, at a fixed
// clock 10 days before cybozu.token_expires, deliver one token_expiring
// webhook (the 14-day threshold); another check within the same
// threshold sends nothing; crossing the 7-day one sends again.
func TestTokenExpiryNotified(t *testing.T) {
	hook := notifytest.NewHook(t)
	chs, err := notify.Channels(config.Notify{Webhook: []config.NotifyWebhook{{URL: hook.URL + "/chat", Kind: "slack", Lang: "ja"}}})
	if err != nil {
		t.Fatal(msg.Localize(msg.En, err))
	}
	a := &App{cfg: tokenConfig("2027-03-31")}
	store := &notify.MemoryStore{}
	check := func(now time.Time, want int) {
		t.Helper()
		var ran atomic.Int32
		var watchers []func(time.Time) (notify.Event, bool)
		for _, w := range a.ExpiryWatchers() {
			watchers = append(watchers, func(now time.Time) (notify.Event, bool) {
				defer ran.Add(1)
				return w(now)
			})
		}
		n := notify.New(chs, store, notify.Options{Now: func() time.Time { return now }, Watchers: watchers})
		n.Start()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// The watchers run first at Start; then what they queued is sent.
		for ctx.Err() == nil {
			if _, pending, _ := store.NextDue(ctx); !pending && int(ran.Load()) == len(watchers) && len(hook.Requests("")) >= want {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		n.Stop(ctx) // the loop has ended: whatever the watchers queued is in the store
		if ds, _ := store.ListDeliveries(ctx, 10); len(ds) != want {
			t.Errorf("at %s: %d notifications queued in all; want %d", now, len(ds), want)
		}
	}

	check(time.Date(2027, 3, 21, 9, 0, 0, 0, tokyo), 1)
	reqs := hook.Requests("/chat")
	if len(reqs) != 1 {
		t.Fatalf("%d webhooks 10 days before; want 1", len(reqs))
	}
	body := string(reqs[0].Body)
	for _, want := range []string{"API トークン", "あと 9 日", "acme.cybozu.com"} {
		if !strings.Contains(body, want) {
			t.Errorf("the webhook lacks %q: %s", want, body)
		}
	}
	if got := store.State().Expiry[notify.TokenExpiring]; !strings.HasSuffix(got, "/14d") {
		t.Errorf("the expiry key = %q; want the 14-day threshold", got)
	}

	check(time.Date(2027, 3, 22, 9, 0, 0, 0, tokyo), 1)
	if n := len(hook.Requests("/chat")); n != 1 {
		t.Errorf("%d webhooks after a second check within the 14-day threshold; want still 1", n)
	}
	check(time.Date(2027, 3, 25, 9, 0, 0, 0, tokyo), 2)
	if n := len(hook.Requests("/chat")); n != 2 {
		t.Errorf("%d webhooks after crossing the 7-day threshold; want 2", n)
	}
}

// TestCheckWarnsOfTokenExpiry: check's configuration warnings name the
// API token's day when it is within 30 days or has come.
func TestCheckWarnsOfTokenExpiry(t *testing.T) {
	now := time.Date(2027, 3, 21, 9, 0, 0, 0, tokyo)
	codes := func(cfg *config.Config) []string {
		var out []string
		for _, w := range configWarnings(cfg, now) {
			out = append(out, w.Code)
		}
		return out
	}
	if diff := cmp.Diff([]string{WarnTokenExpiring}, codes(tokenConfig("2027-03-31"))); diff != "" {
		t.Errorf("10 days ahead (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{WarnTokenExpired}, codes(tokenConfig("2027-03-21"))); diff != "" {
		t.Errorf("the day itself (-want +got):\n%s", diff)
	}
	if got := codes(tokenConfig("2027-06-30")); len(got) != 0 {
		t.Errorf("months ahead: %v", got)
	}
}

package notify_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/notify"
	"github.com/cybridge/cybridge/notify/notifytest"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/schedule"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNotifierRetriesThenGivesUp: a webhook that keeps failing is tried
// 1 + len(Backoff) times, each attempt recorded, then recorded as failed
// and never tried again; one that recovers is sent on a retry.
func TestNotifierRetriesThenGivesUp(t *testing.T) {
	down := notifytest.NewHook(t)
	down.SetStatus(http.StatusInternalServerError)
	flaky := notifytest.NewHook(t)
	flaky.SetStatus(http.StatusServiceUnavailable)
	chs := channels(t, config.Notify{Webhook: []config.NotifyWebhook{
		{URL: down.URL, Kind: "slack"},
		{URL: flaky.URL, Kind: "google_chat"},
	}})
	st := &notify.MemoryStore{}
	n := notify.New(chs, st, notify.Options{Backoff: []time.Duration{20 * time.Millisecond, 40 * time.Millisecond}})
	n.Start()
	defer n.Stop(context.Background())

	n.Recorded(context.Background(), schedule.Outcome{RunID: "3", Status: provision.StatusFailed, ErrorCode: "source_unavailable"},
		schedule.State{}, schedule.State{ConsecutiveFailures: 1})
	waitFor(t, "a first attempt at the flaky hook", func() bool { return len(flaky.Requests("")) == 1 })
	flaky.SetStatus(http.StatusOK)
	waitFor(t, "both deliveries settled", func() bool {
		ds, _ := st.ListDeliveries(context.Background(), 10)
		return len(ds) == 2 && ds[0].Status != notify.DeliveryPending && ds[1].Status != notify.DeliveryPending
	})
	ds, _ := st.ListDeliveries(context.Background(), 10)
	byChannel := map[string]notify.Delivery{}
	for _, d := range ds {
		byChannel[d.Channel] = d
	}
	if d := byChannel["notify.webhook[0]"]; d.Status != notify.DeliveryFailed || d.Attempts != 3 || !strings.Contains(d.LastError, "500") {
		t.Errorf("the dead hook's delivery = %+v; want failed after 3 attempts with the 500", d)
	}
	if d := byChannel["notify.webhook[1]"]; d.Status != notify.DeliverySent || d.Attempts != 2 || d.LastError != "" {
		t.Errorf("the flaky hook's delivery = %+v; want sent at the second attempt", d)
	}
	time.Sleep(150 * time.Millisecond)
	if got := len(down.Requests("")); got != 3 {
		t.Errorf("the dead hook got %d requests; want 3 and no more", got)
	}
}

// TestNotifierSendsOncePerStateChange: the same failure twice queues one
// notification per channel.
func TestNotifierSendsOncePerStateChange(t *testing.T) {
	hook := notifytest.NewHook(t)
	chs := channels(t, config.Notify{Webhook: []config.NotifyWebhook{{URL: hook.URL, Kind: "slack"}}})
	st := &notify.MemoryStore{}
	n := notify.New(chs, st, notify.Options{})
	fail := schedule.Outcome{RunID: "3", Status: provision.StatusFailed, ErrorCode: "source_unavailable"}
	n.Recorded(context.Background(), fail, schedule.State{}, schedule.State{ConsecutiveFailures: 1})
	n.Recorded(context.Background(), fail, schedule.State{ConsecutiveFailures: 1}, schedule.State{ConsecutiveFailures: 2})
	n.Start()
	defer n.Stop(context.Background())
	waitFor(t, "the delivery", func() bool { return len(hook.Requests("")) == 1 })
	time.Sleep(50 * time.Millisecond)
	if got := len(hook.Requests("")); got != 1 {
		t.Errorf("%d requests; want 1", got)
	}
}

// TestNotifierWatchers: a watcher's expiry warning is sent once per
// threshold, however often it is checked.
func TestNotifierWatchers(t *testing.T) {
	hook := notifytest.NewHook(t)
	chs := channels(t, config.Notify{Webhook: []config.NotifyWebhook{{URL: hook.URL, Kind: "slack"}}})
	notAfter := time.Now().Add(10 * 24 * time.Hour)
	n := notify.New(chs, &notify.MemoryStore{}, notify.Options{WatchEvery: 10 * time.Millisecond,
		Watchers: []func(time.Time) (notify.Event, bool){func(now time.Time) (notify.Event, bool) {
			return notify.ExpiryEvent(notify.CertExpiring, "cybridge-client", notAfter, now)
		}}})
	n.Start()
	defer n.Stop(context.Background())
	waitFor(t, "the warning", func() bool { return len(hook.Requests("")) == 1 })
	time.Sleep(100 * time.Millisecond)
	reqs := hook.Requests("")
	if len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), "クライアント証明書の有効期限が近づいています") ||
		!strings.Contains(string(reqs[0].Body), "cybridge-client") {
		t.Errorf("%d requests: %s", len(reqs), reqs[0].Body)
	}
}

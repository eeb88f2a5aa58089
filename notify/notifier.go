package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision/schedule"
)

// Channel is where notifications go: an e-mail server and its
// recipients, or a webhook.
type Channel interface {
	// Name is the channel's stable key in the configuration
	// ("email[0]", "webhook[1]"): deliveries are queued by it.
	Name() string
	// Describe says where it sends, without secrets (logs, the list of
	// deliveries).
	Describe() string
	Lang() msg.Lang
	Send(ctx context.Context, d Delivery, m Message) error
}

// DeliveryStatus is where a delivery is.
type DeliveryStatus string

// The statuses.
const (
	DeliveryPending DeliveryStatus = "pending"
	DeliverySent    DeliveryStatus = "sent"
	DeliveryFailed  DeliveryStatus = "failed" // given up: every attempt failed
)

// Delivery is one event to one channel, and its attempts so far.
type Delivery struct {
	ID        int64          `json:"id"`
	Channel   string         `json:"channel"`
	Event     Event          `json:"event"`
	Status    DeliveryStatus `json:"status"`
	Attempts  int            `json:"attempts"`
	NextAt    time.Time      `json:"next_at,omitzero"`
	LastError string         `json:"last_error,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// Store keeps what was last notified and the deliveries (provision/sqlite
// implements it in the database; MemoryStore in memory).
type Store interface {
	// UpdateNotify applies fn to the state and queues the events it
	// returns to every channel, in one transaction.
	UpdateNotify(ctx context.Context, channels []string, fn func(*State) ([]Event, error)) error
	// DueDeliveries are pending deliveries whose next attempt is due at
	// now, oldest first, at most limit.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	// NextDue is when the next pending delivery is due (ok false: none).
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)
	// SaveDelivery records an attempt: status, attempts, next_at,
	// last_error and updated_at of d.
	SaveDelivery(ctx context.Context, d Delivery) error
	// ListDeliveries lists deliveries, newest first, at most limit.
	ListDeliveries(ctx context.Context, limit int) ([]Delivery, error)
}

// DefaultBackoff is the wait before each retry: five attempts over about
// 40 minutes, then the delivery is failed.
var DefaultBackoff = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute}

// Options configure a Notifier.
type Options struct {
	// Links is where the console is, for links (nil: none). It is read
	// at each delivery: it may be completed until Start.
	Links  *Links
	Logger *slog.Logger // nil: discard
	Now    func() time.Time
	// Backoff is the wait before each retry; its length bounds the
	// attempts (1 + len). Nil: DefaultBackoff.
	Backoff []time.Duration
	// SendTimeout bounds one attempt (default 60 s).
	SendTimeout time.Duration
	// Watchers are checked at Start and then every WatchEvery (default
	// 1 h) on the sender's goroutine; an event one returns is queued as
	// Notify does (expiry warnings: ExpiryEvent).
	Watchers   []func(now time.Time) (Event, bool)
	WatchEvery time.Duration
}

// Notifier turns schedule state changes and other events into
// deliveries, queued in the Store, and delivers them on its own goroutine
// with bounded retries. It is a schedule.Observer.
type Notifier struct {
	channels map[string]Channel
	names    []string
	store    Store
	opt      Options
	log      *slog.Logger

	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	started sync.Once
	stopped sync.Once
	running atomic.Bool
}

var _ schedule.Observer = (*Notifier)(nil)

// New makes a Notifier for channels; Start starts delivering. With no
// channels it records nothing and sends nothing.
func New(channels []Channel, st Store, o Options) *Notifier {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.SendTimeout == 0 {
		o.SendTimeout = time.Minute
	}
	if o.WatchEvery == 0 {
		o.WatchEvery = time.Hour
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Notifier{channels: map[string]Channel{}, store: st, opt: o, log: log,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	for _, c := range channels {
		n.channels[c.Name()] = c
		n.names = append(n.names, c.Name())
	}
	return n
}

// Where says where the channel named name sends in words no language
// needs — the SMTP server, or the webhook's kind and host; never a
// secret, nor a webhook's path (which carries its key) — for the list of
// notifications; "" when no such channel is configured.
func (n *Notifier) Where(name string) string {
	switch c := n.channels[name].(type) {
	case *Email:
		return "SMTP " + net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	case *Webhook:
		return c.Kind + " " + hostOf(c.URL.Reveal())
	case Channel:
		return c.Describe()
	}
	return ""
}

// Enabled reports whether any channel is configured.
func (n *Notifier) Enabled() bool { return len(n.names) > 0 }

// Recorded queues the events of one scheduled run (Decide).
func (n *Notifier) Recorded(ctx context.Context, o schedule.Outcome, before, after schedule.State) {
	n.update(ctx, func(s *State) []Event {
		events, next := Decide(*s, o, before, after, n.opt.Now())
		*s = next
		return events
	})
}

// Resumed queues the "resumed" event of a pause lifted (DecideResume).
func (n *Notifier) Resumed(ctx context.Context, was schedule.State) {
	n.update(ctx, func(s *State) []Event {
		events, next := DecideResume(*s, was, n.opt.Now())
		*s = next
		return events
	})
}

// Notify queues an event from outside the schedule: an expiring client
// certificate or API token (deduplicated by its Key), or a test.
func (n *Notifier) Notify(ctx context.Context, e Event) {
	if e.At.IsZero() {
		e.At = n.opt.Now()
	}
	n.update(ctx, func(s *State) []Event {
		send, next := DecideExternal(*s, e)
		*s = next
		if !send {
			return nil
		}
		return []Event{e}
	})
}

// update runs decide in the store and wakes the sender. A failure is
// logged: notifications never fail a run.
func (n *Notifier) update(ctx context.Context, decide func(*State) []Event) {
	if !n.Enabled() {
		return
	}
	var queued []Event
	err := n.store.UpdateNotify(context.WithoutCancel(ctx), n.names, func(s *State) ([]Event, error) {
		queued = decide(s)
		return queued, nil
	})
	if err != nil {
		n.log.Error("notifications: cannot queue", "error", err)
		return
	}
	for _, e := range queued {
		n.log.Info("notification queued", "event", e.Kind, "code", e.Code, "run", e.RunID, "channels", len(n.names))
	}
	if len(queued) > 0 {
		select {
		case n.wake <- struct{}{}:
		default:
		}
	}
}

// Start starts delivering on a goroutine of its own until Stop; pending
// deliveries left by a previous process are picked up.
func (n *Notifier) Start() {
	if !n.Enabled() {
		return
	}
	n.started.Do(func() {
		n.running.Store(true)
		go n.loop()
	})
}

// Stop stops delivering: a delivery under way may finish until ctx is
// done; what is still pending is sent by the next process.
func (n *Notifier) Stop(ctx context.Context) {
	n.stopped.Do(func() { close(n.stop) })
	n.started.Do(func() {}) // never started: nothing to wait for
	if !n.running.Load() {
		return
	}
	select {
	case <-n.done:
	case <-ctx.Done():
	}
}

func (n *Notifier) loop() {
	defer close(n.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-n.stop
		cancel()
	}()
	var watched time.Time
	for {
		if now := n.opt.Now(); now.Sub(watched) >= n.opt.WatchEvery {
			watched = now
			for _, w := range n.opt.Watchers {
				if e, ok := w(now); ok {
					n.Notify(ctx, e)
				}
			}
		}
		n.deliverDue(ctx)
		wait := n.opt.WatchEvery
		if at, ok, err := n.store.NextDue(ctx); err != nil {
			n.log.Error("notifications: cannot read the queue", "error", err)
			wait = time.Minute
		} else if ok {
			wait = min(wait, max(at.Sub(n.opt.Now()), 0))
		}
		t := time.NewTimer(wait)
		select {
		case <-n.stop:
			t.Stop()
			return
		case <-n.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// deliverDue makes one attempt at every delivery that is due.
func (n *Notifier) deliverDue(ctx context.Context) {
	for ctx.Err() == nil {
		due, err := n.store.DueDeliveries(ctx, n.opt.Now(), 20)
		if err != nil {
			n.log.Error("notifications: cannot read the queue", "error", err)
			return
		}
		if len(due) == 0 {
			return
		}
		for _, d := range due {
			if ctx.Err() != nil {
				return
			}
			n.attempt(ctx, d)
		}
	}
}

// attempt sends d once and records the attempt: sent, pending again after
// the backoff, or failed when the attempts are used up or the channel is
// no longer configured.
func (n *Notifier) attempt(ctx context.Context, d Delivery) {
	c, ok := n.channels[d.Channel]
	var err error
	if !ok {
		err = fmt.Errorf("channel %s is no longer configured", d.Channel)
		d.Attempts = len(n.opt.Backoff) // give up at once
	} else {
		sctx, cancel := context.WithTimeout(ctx, n.opt.SendTimeout)
		var l Links
		if n.opt.Links != nil {
			l = *n.opt.Links
		}
		err = c.Send(sctx, d, Render(c.Lang(), d.Event, l))
		cancel()
		if err != nil && ctx.Err() != nil {
			return // stopping: the attempt does not count, the next process sends it
		}
	}
	d.Attempts++
	d.UpdatedAt = n.opt.Now()
	desc := d.Channel
	if ok {
		desc = c.Describe()
	}
	switch {
	case err == nil:
		d.Status, d.LastError = DeliverySent, ""
		n.log.Info("notification sent", "event", d.Event.Kind, "channel", desc, "delivery", d.ID, "attempts", d.Attempts)
	case d.Attempts > len(n.opt.Backoff):
		d.Status, d.LastError = DeliveryFailed, err.Error()
		n.log.Error("notification not delivered: giving up", "event", d.Event.Kind, "channel", desc, "delivery", d.ID, "attempts", d.Attempts, "error", err)
	default:
		d.Status, d.LastError = DeliveryPending, err.Error()
		d.NextAt = d.UpdatedAt.Add(n.opt.Backoff[d.Attempts-1])
		n.log.Warn("notification not delivered: will retry", "event", d.Event.Kind, "channel", desc, "delivery", d.ID, "attempts", d.Attempts, "retry_at", d.NextAt, "error", err)
	}
	if err := n.store.SaveDelivery(context.WithoutCancel(ctx), d); err != nil {
		n.log.Error("notifications: cannot record an attempt", "delivery", d.ID, "error", err)
	}
}

// MemoryStore is a Store in memory, for tests.
type MemoryStore struct {
	mu    sync.Mutex
	state State
	rows  []Delivery
	// Now stamps new deliveries (time.Now when nil).
	Now func() time.Time
}

// UpdateNotify applies fn and queues its events.
func (m *MemoryStore) UpdateNotify(_ context.Context, channels []string, fn func(*State) ([]Event, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.state
	events, err := fn(&s)
	if err != nil {
		return err
	}
	m.state = s
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	for _, e := range events {
		for _, c := range channels {
			m.rows = append(m.rows, Delivery{ID: int64(len(m.rows) + 1), Channel: c, Event: e, Status: DeliveryPending,
				NextAt: now, CreatedAt: now, UpdatedAt: now})
		}
	}
	return nil
}

// State is the state last saved.
func (m *MemoryStore) State() State {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state
}

// DueDeliveries lists the pending deliveries due at now.
func (m *MemoryStore) DueDeliveries(_ context.Context, now time.Time, limit int) ([]Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Delivery
	for _, d := range m.rows {
		if d.Status == DeliveryPending && !d.NextAt.After(now) && len(out) < limit {
			out = append(out, d)
		}
	}
	return out, nil
}

// NextDue is the earliest next attempt.
func (m *MemoryStore) NextDue(context.Context) (time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var at time.Time
	ok := false
	for _, d := range m.rows {
		if d.Status == DeliveryPending && (!ok || d.NextAt.Before(at)) {
			at, ok = d.NextAt, true
		}
	}
	return at, ok, nil
}

// SaveDelivery records an attempt.
func (m *MemoryStore) SaveDelivery(_ context.Context, d Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.rows {
		if m.rows[i].ID == d.ID {
			m.rows[i].Status, m.rows[i].Attempts, m.rows[i].NextAt, m.rows[i].LastError, m.rows[i].UpdatedAt = d.Status, d.Attempts, d.NextAt, d.LastError, d.UpdatedAt
			return nil
		}
	}
	return fmt.Errorf("no delivery %d", d.ID)
}

// ListDeliveries lists deliveries, newest first.
func (m *MemoryStore) ListDeliveries(_ context.Context, limit int) ([]Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Delivery
	for i := len(m.rows) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, m.rows[i])
	}
	return out, nil
}

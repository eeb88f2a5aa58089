package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cybridge/cybridge/provision"
)

const leaseName = "run"

// Lease is the current holder of the run lease.
type Lease struct {
	Holder     string
	AcquiredAt time.Time
	ExpiresAt  time.Time
}

// CurrentLease returns the lease if one is held and not expired.
func (s *Store) CurrentLease(ctx context.Context) (*Lease, error) {
	var l Lease
	var acq, exp int64
	err := s.ro.QueryRowContext(ctx, "SELECT holder, acquired_at, expires_at FROM lease WHERE name = ?", leaseName).Scan(&l.Holder, &acq, &exp)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	l.AcquiredAt, l.ExpiresAt = fromMillis(acq), fromMillis(exp)
	if !l.ExpiresAt.After(s.Now()) {
		return nil, nil
	}
	return &l, nil
}

func (s *Store) inProgress(l *Lease) error {
	return &provision.Error{Code: provision.CodeRunInProgress, Message: fmt.Sprintf(
		"another run is in progress (%s, since %s); wait for it to finish and try again — if no run is active (a crashed process), its lease expires at %s",
		l.Holder, l.AcquiredAt.Format(time.RFC3339), l.ExpiresAt.Format(time.RFC3339))}
}

// AcquireLease takes the run lease for ttl. It first looks without
// writing, so a second run is told run_in_progress at once even while the
// first holds the write lock for its apply.
//
// A lease held by a process of this host that is gone (killed with
// kill -9, the machine's OOM killer) is taken over at once rather than
// after its expiry: its holder ("host:pid:random", provision.Runner's
// default) names the host and the process, and a process that no longer
// exists can neither renew the lease nor commit. A holder on another host,
// a process that exists (even one this user may not signal), or a holder
// in another form keeps the lease until it expires. A reused pid only
// makes the wait the old one.
func (s *Store) AcquireLease(ctx context.Context, holder string, ttl time.Duration) error {
	if l, err := s.CurrentLease(ctx); err != nil {
		return fmt.Errorf("read the lease: %w", err)
	} else if l != nil && l.Holder != holder {
		if !holderGone(l.Holder) {
			return s.inProgress(l)
		}
		return s.takeOver(ctx, l, holder, ttl)
	}
	var taken bool
	err := s.Update(ctx, func(q provision.Querier) error {
		now := s.Now()
		res, err := q.ExecContext(ctx, `INSERT INTO lease (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
WHERE lease.expires_at <= ? OR lease.holder = excluded.holder`, leaseName, holder, millis(now), millis(now.Add(ttl)), millis(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		taken = n == 1
		return err
	})
	if err != nil {
		return fmt.Errorf("take the lease: %w", err)
	}
	if !taken {
		l, err := s.CurrentLease(ctx)
		if err != nil || l == nil {
			l = &Lease{Holder: "another process", AcquiredAt: s.Now(), ExpiresAt: s.Now().Add(ttl)}
		}
		return s.inProgress(l)
	}
	return nil
}

// takeOver replaces the lease of the gone holder old with holder's, if
// old still has it (another run may have taken it over first).
func (s *Store) takeOver(ctx context.Context, old *Lease, holder string, ttl time.Duration) error {
	var taken bool
	err := s.Update(ctx, func(q provision.Querier) error {
		now := s.Now()
		res, err := q.ExecContext(ctx, "UPDATE lease SET holder = ?, acquired_at = ?, expires_at = ? WHERE name = ? AND holder = ?",
			holder, millis(now), millis(now.Add(ttl)), leaseName, old.Holder)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		taken = n == 1
		return err
	})
	if err != nil {
		return fmt.Errorf("take over the lease of %s: %w", old.Holder, err)
	}
	if !taken {
		return s.AcquireLease(ctx, holder, ttl)
	}
	return nil
}

// holderGone reports whether holder ("host:pid:random") is a process of
// this host that no longer exists.
func holderGone(holder string) bool {
	rest, _, ok := cutLast(holder)
	if !ok {
		return false
	}
	host, pidText, ok := cutLast(rest)
	if !ok {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	if me, err := os.Hostname(); err != nil || host != me {
		return false
	}
	return processGone(pid)
}

func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// processGone reports whether no process pid exists: signal 0 checks
// without sending. EPERM means it exists (another user's); where signal 0
// is not supported (Windows) the answer is "exists".
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return errors.Is(err, os.ErrProcessDone) || errors.Is(err, syscall.ESRCH)
}

// RenewLease extends the lease inside a write transaction; it fails with
// run_in_progress when holder no longer has it.
func (s *Store) RenewLease(ctx context.Context, q provision.Querier, holder string, ttl time.Duration) error {
	res, err := q.ExecContext(ctx, "UPDATE lease SET expires_at = ? WHERE name = ? AND holder = ?", millis(s.Now().Add(ttl)), leaseName, holder)
	if err != nil {
		return fmt.Errorf("renew the lease: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return &provision.Error{Code: provision.CodeRunInProgress, Message: "this run's lease expired and another run took it; nothing was applied — try again"}
	}
	return nil
}

// ReleaseLease gives the lease up (if holder still has it).
func (s *Store) ReleaseLease(ctx context.Context, holder string) error {
	return s.Update(ctx, func(q provision.Querier) error {
		_, err := q.ExecContext(ctx, "DELETE FROM lease WHERE name = ? AND holder = ?", leaseName, holder)
		return err
	})
}

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
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
func (s *Store) AcquireLease(ctx context.Context, holder string, ttl time.Duration) error {
	if l, err := s.CurrentLease(ctx); err != nil {
		return fmt.Errorf("read the lease: %w", err)
	} else if l != nil && l.Holder != holder {
		return s.inProgress(l)
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

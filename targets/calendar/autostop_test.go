package calendar

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

func TestAutoStopForbiddenStopsAtOnce(t *testing.T) {
	a, stopped := AutoStop{}.Record(ErrForbidden, t0)
	if !stopped || a.Reason != StopForbidden || !a.At.Equal(t0) {
		t.Fatalf("after Forbidden: %+v, stopped=%v; want stopped with reason %s at %v", a, stopped, StopForbidden, t0)
	}
	// Further errors change nothing while stopped.
	b, again := a.Record(ErrServer, t0.Add(time.Minute))
	if again || b.Reason != StopForbidden || !b.At.Equal(t0) {
		t.Errorf("error while stopped: %+v, %v; want unchanged", b, again)
	}
}

func TestAutoStopErrorLimit(t *testing.T) {
	tests := []struct {
		name    string
		errors  int
		spacing time.Duration
		want    bool
	}{
		{"119 errors in a day keep syncing", ErrorLimit - 1, time.Minute, false},
		{"the 120th error within 24 hours stops", ErrorLimit, time.Minute, true},
		{"120 errors spread just under 24 hours stop", ErrorLimit, (ErrorWindow - time.Second) / (ErrorLimit - 1), true},
		{"120 errors spread over more than 24 hours do not", ErrorLimit, ErrorWindow/(ErrorLimit-1) + time.Second, false},
		{"a steady trickle never stops", 1000, ErrorWindow / 100, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a AutoStop
			stoppedAt := -1
			for i := 0; i < tt.errors; i++ {
				var stopped bool
				a, stopped = a.Record(ErrServer, t0.Add(time.Duration(i)*tt.spacing))
				if stopped {
					stoppedAt = i
				}
			}
			if got := a.Stopped(); got != tt.want {
				t.Fatalf("stopped = %v, want %v (%d errors kept)", got, tt.want, len(a.Errors))
			}
			if tt.want && (stoppedAt != tt.errors-1 || a.Reason != StopErrors) {
				t.Errorf("stopped at error %d with reason %q, want error %d and %q", stoppedAt, a.Reason, tt.errors-1, StopErrors)
			}
			if len(a.Errors) > ErrorLimit {
				t.Errorf("kept %d error times, want at most %d", len(a.Errors), ErrorLimit)
			}
		})
	}
}

func TestAutoStopResumeClears(t *testing.T) {
	var a AutoStop
	for i := 0; i < ErrorLimit; i++ {
		a, _ = a.Record(ErrServer, t0.Add(time.Duration(i)*time.Second))
	}
	if !a.Stopped() {
		t.Fatal("not stopped after the limit")
	}
	a = a.Resume()
	if a.Stopped() || len(a.Errors) != 0 {
		t.Fatalf("after resume: %+v; want cleared", a)
	}
	// The count starts over: one more error does not stop again.
	a, stopped := a.Record(ErrServer, t0.Add(time.Hour))
	if stopped {
		t.Error("the first error after resume stopped the enrolment again")
	}
}

func TestParseSyncError(t *testing.T) {
	for _, s := range []string{"forbidden", "server"} {
		if k, err := ParseSyncError(s); err != nil || string(k) != s {
			t.Errorf("ParseSyncError(%q) = %q, %v", s, k, err)
		}
	}
	if _, err := ParseSyncError("Forbidden!"); err == nil {
		t.Error("ParseSyncError accepted an unknown kind")
	}
}

package cybozutest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cybridge/cybridge/fixtures"
)

// inFlightRecorder notes the simulator's in-flight count when the answer
// starts.
type inFlightRecorder struct {
	*httptest.ResponseRecorder
	sim     *Sim
	atStart int64
}

func (r *inFlightRecorder) WriteHeader(status int) {
	r.atStart = r.sim.Stats().InFlight
	r.ResponseRecorder.WriteHeader(status)
}

// TestInFlightEndsWhenAnswerStarts: a request stops counting as in flight
// when its answer starts, not when the handler returns. An answer too large
// to buffer reaches the client before the handler returns; a client that
// keeps exactly MaxConcurrent requests in flight and sends the next one as
// soon as an answer has arrived must not find the slot still taken.
func TestInFlightEndsWhenAnswerStarts(t *testing.T) {
	sim := New(Options{Snapshot: fixtures.Company()})
	for _, path := range []string{"/v1/users.json", "/v1/nope.json"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header = defaultAuth.Clone()
		rec := &inFlightRecorder{ResponseRecorder: httptest.NewRecorder(), sim: sim, atStart: -1}
		sim.ServeHTTP(rec, req)
		if rec.atStart != 0 {
			t.Errorf("%s: %d in flight when the answer (%d) started, want 0", path, rec.atStart, rec.Code)
		}
		if st := sim.Stats(); st.InFlight != 0 || st.PeakInFlight != 1 {
			t.Errorf("%s: stats %+v", path, st)
		}
	}
}

package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// TestHealthzNoticesTheDatabaseGone: deleting the database file under a
// running serve, or replacing it, makes /healthz fail (security review
// F12: serve kept writing into the deleted file and said ok).
func TestHealthzNoticesTheDatabaseGone(t *testing.T) {
	for _, how := range []string{"deleted", "replaced"} {
		t.Run(how, func(t *testing.T) {
			st := startStack(t, nil)
			get := func() (int, string) {
				resp, err := http.Get(st.url + "/healthz")
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			if code, body := get(); code != http.StatusOK {
				t.Fatalf("/healthz = %d %s", code, body)
			}
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(st.cfg.DB + suffix)
			}
			want := "gone"
			if how == "replaced" {
				if err := os.WriteFile(st.cfg.DB, nil, 0o600); err != nil {
					t.Fatal(err)
				}
				want = "replaced"
			}
			if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, want) {
				t.Errorf("/healthz with the database %s = %d %q; want 503 saying so", how, code, body)
			}
			if !strings.Contains(st.log.String(), "health check failed") {
				t.Errorf("the failure is not logged:\n%s", st.log)
			}
		})
	}
}

// TestServeDoesNotCreateADatabase: serve refuses to start on a database
// that does not exist unless told to create one (-init), so that a lost
// database is not silently replaced by an empty one (F12).
func TestServeDoesNotCreateADatabase(t *testing.T) {
	cfg := config.Default()
	cfg.DB = filepath.Join(t.TempDir(), "gone.db")
	cfg.AdminPassword = serveAdminPassword
	cfg.Console.Listen = "127.0.0.1:0"
	cfg.Schedule.Cron = "off"
	cfg.Safety.Enabled = false
	var log strings.Builder
	e := &env{stdout: io.Discard, stderr: &log, lookup: func(string) (string, bool) { return "", false }}
	e.redactor = secret.NewRedactor()
	_, err := startServe(context.Background(), e, &cfg, false)
	if msg.Code(err) != "db_missing" || !strings.Contains(err.Error(), "-init") {
		t.Fatalf("serve on a missing database: %v (%s); want db_missing naming -init", err, msg.Code(err))
	}
	if _, statErr := os.Stat(cfg.DB); !os.IsNotExist(statErr) {
		t.Errorf("serve created %s", cfg.DB)
	}
	if msg.Localize(msg.Ja, err) == err.Error() {
		t.Errorf("no Japanese text: %s", err)
	}
}

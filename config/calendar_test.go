package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCalendarScopeValidatedOnLoad: a scope with a syntax error, and a bad
// CalDAV URL template, are configuration problems reported by key with the
// others, the scope's with its column.
func TestCalendarScopeValidatedOnLoad(t *testing.T) {
	env := envMap(map[string]string{
		"CYBRIDGE_CALENDAR_SCOPE":               `organization <= "sales" and title inn ("manager")`,
		"CYBRIDGE_CALENDAR_CALDAV_URL_TEMPLATE": "http://dav.example.com/{user}/",
		"CYBRIDGE_CYBOZU_CONCURRENCY":           "0",
	})
	_, err := Load("", false, env)
	if diff := cmp.Diff([]string{"calendar.caldav_url_template", "calendar.scope", "cybozu.concurrency"}, problemKeys(t, err)); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	var ce *Error
	errors.As(err, &ce)
	for _, p := range ce.Problems {
		if p.Key == "calendar.scope" && !strings.Contains(p.Message, "column 35") {
			t.Errorf("scope problem %q does not point at the column", p.Message)
		}
	}
	cfg, err := Load("", false, envMap(map[string]string{
		"CYBRIDGE_CALENDAR_SCOPE":               `(organization in ("sales") or user in ("sato")) and title in “manager”`,
		"CYBRIDGE_CALENDAR_CALDAV_URL_TEMPLATE": "https://dav.example.com/{login}/calendar/",
	}))
	if err != nil {
		t.Fatalf("valid calendar settings rejected: %v", err)
	}
	if cfg.Calendar.Scope == "" {
		t.Error("scope not read")
	}
}

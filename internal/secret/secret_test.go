package secret

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestSecretNeverPrints: a Secret never prints its value, whatever the
// format or encoder.
func TestSecretNeverPrints(t *testing.T) {
	const v = "s3cr3t-value"
	s := Secret(v)
	wrapped := struct {
		Password Secret `json:"password" toml:"password"`
	}{s}
	var out []string
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out = append(out, fmt.Sprintf(f, s), fmt.Sprintf(f, wrapped), fmt.Sprintf(f, &wrapped))
	}
	j, err := json.Marshal(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, string(j))
	var tb strings.Builder
	if err := toml.NewEncoder(&tb).Encode(wrapped); err != nil {
		t.Fatal(err)
	}
	out = append(out, tb.String())
	for _, o := range out {
		if strings.Contains(o, v) || strings.Contains(o, fmt.Sprintf("%x", v)) {
			t.Errorf("secret printed: %s", o)
		}
	}
	if string(j) != `{"password":"[redacted]"}` {
		t.Errorf("JSON = %s", j)
	}
	if s.Reveal() != v || !s.IsSet() || Secret("").IsSet() || Secret("").String() != "" {
		t.Error("Reveal/IsSet/String of an empty secret")
	}
}

func TestRedactor(t *testing.T) {
	r := NewRedactor("pass-1", "", "ab").With("dXNlcjpwYXNzLTE=", "Basic dXNlcjpwYXNzLTE=")
	for in, want := range map[string]string{
		"bad password pass-1 for ab":         "bad password [redacted] for ab",
		"header Basic dXNlcjpwYXNzLTE= sent": "header [redacted] sent",
		"raw dXNlcjpwYXNzLTE=":               "raw [redacted]",
		"nothing secret here":                "nothing secret here",
		"pass-1pass-1":                       "[redacted][redacted]",
	} {
		if got := r.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (Redactor{}).Redact("pass-1"); got != "pass-1" {
		t.Errorf("the zero Redactor changed text: %q", got)
	}
	// With does not change the Redactor it is called on.
	base := NewRedactor("first")
	_ = base.With("second")
	if got := base.Redact("second"); got != "second" {
		t.Errorf("With changed its receiver: %q", got)
	}
}

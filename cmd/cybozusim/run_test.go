package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/directory/cybozutest"
)

// start runs cybozusim with args until the test ends and returns its URL.
func start(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("no graceful shutdown within 10s")
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no listening line: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q", line)
	}
	return url
}

func users(t *testing.T, base string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/users.json", nil)
	req.Header.Set("X-Cybozu-Authorization", base64.StdEncoding.EncodeToString([]byte(cybozutest.DefaultLogin+":"+cybozutest.DefaultPassword)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Users []json.RawMessage }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	return len(body.Users)
}

func TestServesFixtureAndSwitchesScenario(t *testing.T) {
	base := start(t)
	if n := users(t, base); n != 42 {
		t.Fatalf("%d users, want the company's 42", n)
	}
	resp, err := http.Post(base+"/_sim/scenario?name=changes", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("scenario: %d", resp.StatusCode)
	}
	resp, err = http.Post(base+"/_sim/scenario?name=nope", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("unknown scenario: %d", resp.StatusCode)
	}
	resp, err = http.Get(base + "/_sim/stats")
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Requests int }
	_ = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if st.Requests != 1 {
		t.Errorf("stats requests %d, want 1", st.Requests)
	}
}

func TestGeneratedDirectory(t *testing.T) {
	base := start(t, "-users", "50")
	if n := users(t, base); n != 51 {
		t.Errorf("%d users, want 50 + Administrator", n)
	}
}

func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-listen", "0.0.0.0:8780"},
		{"-listen", ":8780"},
		{"-fixture", "nope"},
		{"-wrong-password-status", "500"},
		{"extra"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%v: err %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
}

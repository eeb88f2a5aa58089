package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
)

// TestServeHealth: with the schedule running against the simulated
// domain, a forced failure (cybozu.com rejects the password) pauses the
// schedule and the overview says 停止中 with the reason; once the password
// is right again and the schedule resumed, a run with no changes makes
// it 正常 again, and /healthz?verbose says the same (503, then 200).
func TestServeHealth(t *testing.T) {
	t.Parallel()
	st := startStack(t, func(c *config.Config) { c.Schedule.Cron = "* * * * * *" })
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	postForm(t, c, st.url+"/login", url.Values{"password": {serveAdminPassword}})
	state := regexp.MustCompile(`id="health-state">([^<]*)<`)
	reason := regexp.MustCompile(`id="health-reason">([^<]*)<`)
	overview := func() (string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", st.url+"/", nil)
		req.Header.Set("Accept-Language", "ja")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		s, r := state.FindStringSubmatch(string(b)), reason.FindStringSubmatch(string(b))
		if resp.StatusCode != 200 || s == nil || r == nil {
			t.Fatalf("GET / = %d, no health card:\n%s", resp.StatusCode, b)
		}
		return s[1], r[1]
	}
	verbose := func() (int, string) {
		t.Helper()
		resp, err := http.Get(st.url + "/healthz?verbose")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v struct{ State string }
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, v.State
	}

	waitUntil(t, 30*time.Second, "the first scheduled import", func() bool { s, _ := overview(); return s == "正常" })

	st.wrongPassword.Store(true)
	waitUntil(t, 30*time.Second, "the auto-pause", func() bool { return st.info().Pause.Paused })
	if s, r := overview(); s != "停止中" || r != "認証エラーで一時停止" {
		t.Errorf("paused: the overview says %s: %s", s, r)
	}
	if code, s := verbose(); code != http.StatusServiceUnavailable || s != "stopped" {
		t.Errorf("paused: /healthz?verbose = %d %s", code, s)
	}

	st.wrongPassword.Store(false)
	st.mustAPI(200, "POST", "/api/v1/resume", nil, nil)
	waitUntil(t, 30*time.Second, "a run with no changes after the resume", func() bool {
		in := st.info()
		return !in.Pause.Paused && in.Last != nil && in.Last.Status == "no_changes"
	})
	if s, r := overview(); s != "正常" || !regexp.MustCompile(`以降変更なし`).MatchString(r) {
		t.Errorf("recovered: the overview says %s: %s", s, r)
	}
	if code, s := verbose(); code != http.StatusOK || s != "ok" {
		t.Errorf("recovered: /healthz?verbose = %d %s", code, s)
	}
}

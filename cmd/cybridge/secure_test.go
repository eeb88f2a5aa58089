package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory/cybozutest"
	"github.com/cybridge/cybridge/internal/secret"
)

// TestServeSecureAccessCertificate runs the real stack with a .pfx that
// expires in five days: the overview and /metrics warn, a sync works, and
// the .pfx's password is in no page, the log or the database.
func TestServeSecureAccessCertificate(t *testing.T) {
	t.Parallel()
	const pfxPass = "Px-2mKd-serve-pfx"
	ca, err := cybozutest.NewCertAuthority()
	if err != nil {
		t.Fatal(err)
	}
	b, err := ca.IssuePFX("sync-bot", time.Now().Add(5*24*time.Hour), pfxPass)
	if err != nil {
		t.Fatal(err)
	}
	pfx := filepath.Join(t.TempDir(), "bot.pfx")
	if err := os.WriteFile(pfx, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st := startStack(t, func(c *config.Config) {
		c.Cybozu.ClientCertificateFile, c.Cybozu.ClientCertificatePassword = pfx, secret.Secret(pfxPass)
	})
	st.mustAPI(201, "POST", "/api/v1/runs", map[string]bool{"wait": true}, nil)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	postForm(t, c, st.url+"/login", url.Values{"password": {serveAdminPassword}})
	get := func(path, lang string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", st.url+path, nil)
		req.Header.Set("Accept-Language", lang)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if page := get("/", "ja"); !strings.Contains(page, `id="certificate"`) || !strings.Contains(page, "クライアント証明書（sync-bot）の有効期限は") {
		t.Errorf("the overview does not warn:\n%s", page)
	}
	if page := get("/", "en"); !strings.Contains(page, "client_certificate_expiring") || !strings.Contains(page, "expires on") {
		t.Errorf("the English overview does not warn")
	}
	if m := get("/metrics", "en"); !strings.Contains(m, `cybridge_client_certificate_state{state="client_certificate_expiring"} 1`) ||
		!strings.Contains(m, "cybridge_client_certificate_expiry_timestamp_seconds ") {
		t.Errorf("/metrics:\n%s", m)
	}
	for _, p := range []string{"/", "/runs", "/runs/1", "/metrics", "/plan"} {
		for _, lang := range []string{"ja", "en"} {
			if strings.Contains(get(p, lang), pfxPass) {
				t.Errorf("GET %s (%s) shows the .pfx password", p, lang)
			}
		}
	}
	if strings.Contains(st.log.String(), pfxPass) {
		t.Error("the server log shows the .pfx password")
	}
	if err := st.stop(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(st.cfg.DB + "*")
	if len(files) == 0 {
		t.Fatal("no database written")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), pfxPass) {
			t.Errorf("%s holds the .pfx password", filepath.Base(f))
		}
	}
}

package cybozu

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/secret"
)

func TestCheckConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    config.Cybozu
		api  bool
		want []string // code by key
	}{
		{"nothing, not reading", config.Cybozu{}, false, nil},
		{"nothing, reading", config.Cybozu{}, true, []string{"cybozu.url config.cybozu_url_required", "cybozu.password config.cybozu_credentials_required"}},
		{"token", config.Cybozu{URL: "https://x.cybozu.com", Token: "t"}, true, nil},
		{"password without login", config.Cybozu{Password: "p"}, false, []string{"cybozu.login config.cybozu_password_needs_login"}},
		{"token with Basic", config.Cybozu{Token: "t", BasicUser: "b", BasicPassword: "bp"}, false, []string{"cybozu.token config.cybozu_token_with_basic"}},
		{"half Basic", config.Cybozu{Login: "l", Password: "p", BasicUser: "b"}, false, []string{"cybozu.basic_password config.cybozu_basic_pair"}},
		{"half client cert", config.Cybozu{ClientCert: "c.pem"}, false, []string{"cybozu.client_key config.cybozu_client_pair"}},
		{".pfx and PEM", config.Cybozu{ClientCertificateFile: "u.pfx", ClientCert: "c.pem", ClientKey: "k.pem"}, false, []string{"cybozu.client_certificate_file config.cybozu_client_certificate_both"}},
		{".pfx with a Secure Access URL", config.Cybozu{URL: "https://x.s.cybozu.com", Token: "t", ClientCertificateFile: "u.pfx"}, true, nil},
		{"PEM with a Secure Access URL", config.Cybozu{URL: "https://x.s.cybozu.com", Token: "t", ClientCert: "c.pem", ClientKey: "k.pem"}, true, nil},
		{".pfx with an ordinary URL", config.Cybozu{URL: "https://x.cybozu.com", Token: "t", ClientCertificateFile: "u.pfx"}, true,
			[]string{"cybozu.client_certificate_file config.cybozu_certificate_needs_secure_url"}},
		{"PEM with an ordinary URL", config.Cybozu{URL: "https://x.kintone.com", Token: "t", ClientCert: "c.pem", ClientKey: "k.pem"}, true,
			[]string{"cybozu.client_cert config.cybozu_certificate_needs_secure_url"}},
		{"Secure Access URL without a certificate", config.Cybozu{URL: "https://x.s.cybozu.com", Token: "t"}, true,
			[]string{"cybozu.client_certificate_file config.cybozu_secure_url_needs_certificate"}},
		{"Secure Access rule only when reading", config.Cybozu{URL: "https://x.s.cybozu.com", Token: "t"}, false, nil},
		{"a loopback URL may have a certificate", config.Cybozu{URL: "https://127.0.0.1:8443", Token: "t", ClientCertificateFile: "u.pfx"}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range CheckConfig(tc.c, tc.api) {
				got = append(got, p.Key+" "+p.Code)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSecureHostFor(t *testing.T) {
	for in, want := range map[string]string{
		"x.cybozu.com": "x.s.cybozu.com", "X.kintone.com": "x.s.kintone.com", "x.cybozu.cn": "x.s.cybozu.cn",
		"a.b.cybozu.com": "a.b.cybozu.com", "example.org": "example.org",
	} {
		if got := secureHostFor(in); got != want {
			t.Errorf("secureHostFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokenLooksValid(t *testing.T) {
	for tok, want := range map[string]bool{
		"cy.s.api1.eyJhbGciOi.payload.sig": true,
		"cy.s.api1.":                       false,
		"abcdEFGH1234kintoneAppToken":      false, // a kintone app token
		"":                                 false,
	} {
		if got := TokenLooksValid(secret.Secret(tok)); got != want {
			t.Errorf("TokenLooksValid(%q) = %v, want %v", tok, got, want)
		}
	}
}

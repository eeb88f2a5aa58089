package cybozu

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
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

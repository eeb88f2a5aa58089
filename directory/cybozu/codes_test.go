package cybozu

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/internal/msg"
)

// TestCodesHaveTexts: every key the client's errors render has a text in
// Japanese and English.
func TestCodesHaveTexts(t *testing.T) {
	for _, gap := range msg.Gaps(Codes()) {
		t.Error(gap)
	}
	for code := range kindOf {
		if !strings.Contains(strings.Join(Codes(), " "), code) {
			t.Errorf("code %s has no key in Codes()", code)
		}
	}
}

// TestErrorLocalize: an error renders its situation in the admin's
// language with cybozu.com's own words after it, and keeps its code and
// kind.
func TestErrorLocalize(t *testing.T) {
	e := checkResponse(520, http.Header{"Content-Type": {"application/json"}}, []byte(`{"code":"CB_TW02","message":"2FA"}`), credentials{})
	if e.Code != CodeAuthFailed || msg.KindOf(e) != msg.KindForbidden {
		t.Fatalf("code %s kind %v, want auth_failed forbidden", e.Code, msg.KindOf(e))
	}
	ja := msg.Localize(msg.Ja, e)
	if !strings.HasPrefix(ja, "このアカウントは 2 要素認証が有効") || !strings.HasSuffix(ja, "（HTTP 520、CB_TW02、2FA）") {
		t.Errorf("Localize(Ja) = %q", ja)
	}
	if en := e.Error(); !strings.HasPrefix(en, "two-factor authentication is on") || !strings.HasSuffix(en, " (HTTP 520, CB_TW02, 2FA)") {
		t.Errorf("Error() = %q", en)
	}
	redirect := checkResponse(302, http.Header{"Location": {"/login?x=1"}}, nil, credentials{})
	if got := redirect.Localize(msg.Ja); !strings.Contains(got, "/login へのリダイレクト") {
		t.Errorf("a redirect's detail is not localized: %q", got)
	}
}

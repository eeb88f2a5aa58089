package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/safety"
)

// kindBackend is the fake backend whose Roster fails with err.
type kindBackend struct {
	*fakeBackend
	err error
}

func (k kindBackend) Roster(ctx context.Context) (*safety.Export, error) { return nil, k.err }

// TestAPIStatusByKind: the status of an API error is its kind's, whatever
// its code is spelt like, and an error without a kind is a 500 whose
// detail stays in the log.
func TestAPIStatusByKind(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{msg.New(msg.KindNotFound, "whatever_code", nil), http.StatusNotFound, "whatever_code"},
		{msg.New(msg.KindConflict, "not_found_lookalike", nil), http.StatusConflict, "not_found_lookalike"},
		{msg.New(msg.KindInvalid, "x_exists", nil), http.StatusBadRequest, "x_exists"},
		{msg.New(msg.KindForbidden, "calendar_disabled", nil), http.StatusForbidden, "calendar_disabled"},
		{msg.New(msg.KindUnavailable, "source_unreachable", nil), http.StatusBadGateway, "source_unreachable"},
		{msg.New(msg.KindBlocked, "blocked", nil), http.StatusConflict, "blocked"},
		{msg.New(msg.KindTooLarge, "upload_too_large", msg.Params{"mb": 1}), http.StatusRequestEntityTooLarge, "upload_too_large"},
		{errors.New("disk on fire at /var/secret/path"), http.StatusInternalServerError, "internal"},
	} {
		e := newTestEnv(t, func(o *Options) { o.Backend = kindBackend{o.Backend.(*fakeBackend), tc.err} })
		st, body := e.api("GET", "/api/v1/roster", nil)
		var out struct{ Error problem }
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		if st != tc.status || out.Error.Code != tc.code || out.Error.Params == nil {
			t.Errorf("%v: %d %s; want %d with code %s and params", tc.err, st, body, tc.status, tc.code)
		}
		if strings.Contains(body, "/var/secret") {
			t.Errorf("an internal error's detail reached the API: %s", body)
		}
	}
}

// TestAPIErrorLanguage: the message follows Accept-Language (English
// without one); the code and params are the same in every language.
func TestAPIErrorLanguage(t *testing.T) {
	e := newTestEnv(t)
	get := func(lang string) problem {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/runs?limit=0", nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Error problem }
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: %d %v", lang, resp.StatusCode, err)
		}
		return out.Error
	}
	ja, en, none := get("ja-JP,ja;q=0.9,en;q=0.5"), get("en-US"), get("")
	if !msg.IsJapanese(ja.Message) || msg.IsJapanese(en.Message) {
		t.Errorf("ja %q, en %q", ja.Message, en.Message)
	}
	if none.Message != en.Message {
		t.Errorf("without Accept-Language = %q; want English %q", none.Message, en.Message)
	}
	if diff := cmp.Diff(ja.Params, en.Params); diff != "" || ja.Code != "invalid" || en.Code != "invalid" {
		t.Errorf("codes %s/%s; params differ (-ja +en):\n%s", ja.Code, en.Code, diff)
	}
}

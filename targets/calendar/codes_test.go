package calendar

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
)

// cliFlag matches a command-line flag inside a text (" -auth-id",
// "(-password-file").
var cliFlag = regexp.MustCompile(`(^|[\s(（「])--?[a-z][a-z-]+`)

// TestCodesHaveTexts: every error, warning and vocabulary key has a text
// in both languages, the Japanese one is Japanese (or the same short word,
// CalDAV), and neither names a CLI flag.
func TestCodesHaveTexts(t *testing.T) {
	for _, key := range append(Codes(), Vocabulary()...) {
		ja, okJa := msg.Template(msg.Ja, key)
		en, okEn := msg.Template(msg.En, key)
		switch {
		case !okJa || !okEn || !msg.Has(key):
			t.Errorf("%s: not in the catalogue", key)
			continue
		case !msg.IsJapanese(ja) && ja != en:
			t.Errorf("%s: the Japanese text is not Japanese: %q", key, ja)
		}
		for _, s := range []string{ja, en} {
			if m := cliFlag.FindString(s); m != "" {
				t.Errorf("%s: names a CLI flag (%q): %q", key, m, s)
			}
		}
	}
}

// TestEditorErrors: the Editor fails with a code, a kind and parameters,
// renders in both languages, and names no CLI flag; an enrolment that is
// not there is not_found, as a roster member is.
func TestEditorErrors(t *testing.T) {
	w := newWorld(t, calConfig(), "")
	w.run(company())
	ctx := context.Background()
	tests := []struct {
		name   string
		call   func() error
		code   string
		kind   msg.Kind
		params msg.Params
		ja     string
	}{
		{"not found", func() error { _, err := w.editor.Permit(ctx, "nobody"); return err },
			msg.CodeNotFound, msg.KindNotFound, msg.Params{"what": WhatEnrolment, "name": "nobody"},
			"「nobody」のカレンダー同期の利用登録はありません。利用登録は、同期を適用したときにユーザー情報のすべてのユーザーに作成されます。"},
		{"no auth id", func() error {
			_, err := w.editor.SetCalDAV(ctx, "sato", CalDAVSettings{URL: "https://dav.example.com/", Password: "pw"})
			return err
		}, msg.CodeInvalidInput, msg.KindInvalid, nil, "CalDAV の同期対象には認証 ID が必要です。"},
		{"no password", func() error {
			_, err := w.editor.SetCalDAV(ctx, "sato", CalDAVSettings{URL: "https://dav.example.com/", AuthID: "sato"})
			return err
		}, msg.CodeInvalidInput, msg.KindInvalid, nil, "CalDAV の同期対象には認証パスワードが必要です。"},
		{"plain http", func() error {
			_, err := w.editor.SetCalDAV(ctx, "sato", CalDAVSettings{URL: "http://dav.example.com/", AuthID: "sato", Password: "pw"})
			return err
		}, msg.CodeInvalidInput, msg.KindInvalid, msg.Params{"url": "http://dav.example.com/", "detail": "http:// is accepted only for loopback addresses; use https://"},
			"カレンダー URL「http://dav.example.com/」は使えません。http:// はこのサーバー自身（ループバックアドレス）にだけ使えます。https:// を使ってください。"},
		{"no secret key", func() error {
			_, err := w.editor.SetCalDAV(ctx, "sato", CalDAVSettings{URL: "https://dav.example.com/", AuthID: "sato", Password: "pw"})
			return err
		}, CodeSecretKeyMissing, msg.KindInvalid, nil,
			"秘密鍵が設定されていないため、CalDAV の認証パスワードを保存できません。CYBRIDGE_SECRET_KEY（または設定ファイルの secret_key）に、ランダムな 32 バイトを 16 進数 64 桁か base64 で設定してください。"},
		{"bad sync error", func() error { _, err := ParseSyncError("oops"); return err },
			msg.CodeInvalidInput, msg.KindInvalid, msg.Params{"value": "oops"}, "同期エラーの種類「oops」は使えません。forbidden か server を指定してください。"},
		{"bad target", func() error { _, err := ParseKind("outlook"); return err },
			msg.CodeInvalidInput, msg.KindInvalid, msg.Params{"value": "outlook"}, "同期対象「outlook」は使えません。Google カレンダー（google）か CalDAV（caldav）を選んでください。"},
		{"not permitted", func() error {
			if _, err := w.editor.Revoke(ctx, "sato"); err != nil {
				return err
			}
			_, err := w.editor.Stop(ctx, "sato")
			return err
		}, CodeNotPermitted, msg.KindForbidden, msg.Params{"login": "sato"},
			"「sato」は利用が許可されていない（管理者により無効とされています）ため、同期状態を切り替えられません。先に利用を許可するか、calendar.scope の対象範囲を広げてください。"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil {
				t.Fatal("no error")
			}
			if got := msg.Code(err); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
			if got := msg.KindOf(err); got != tc.kind {
				t.Errorf("kind %v, want %v", got, tc.kind)
			}
			if tc.params != nil {
				if diff := cmp.Diff(tc.params, msg.ParamsOf(err)); diff != "" {
					t.Errorf("params (-want +got):\n%s", diff)
				}
			}
			if got := msg.Localize(msg.Ja, err); got != tc.ja {
				t.Errorf("ja:\n got %s\nwant %s", got, tc.ja)
			}
			for _, s := range []string{err.Error(), msg.Localize(msg.Ja, err)} {
				if strings.Contains(s, "{") {
					t.Errorf("lacks a parameter: %s", s)
				}
				if m := cliFlag.FindString(s); m != "" {
					t.Errorf("names a CLI flag (%q): %s", m, s)
				}
			}
		})
	}
}

package msg

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		lang Lang
		t    string
		p    Params
		want string
	}{
		{En, "{n} {n|user|users}", Params{"n": 1}, "1 user"},
		{En, "{n} {n|user|users}", Params{"n": 10000}, "10,000 users"},
		{En, "{n} {n|user|users}", Params{"n": float64(2)}, "2 users"},
		{Ja, "{n} 人", Params{"n": 12345}, "12,345 人"},
		{Ja, "{names}", Params{"names": []string{"a", "b"}}, "a、b"},
		{En, "{names}", Params{"names": []any{"a", "b"}}, "a, b"},
		{En, "{missing} x", nil, "{missing} x"},
		{En, "{{literal}", nil, "{literal}"},
		{En, "{p}%", Params{"p": 12.5}, "12.5%"},
		{En, "open {", nil, "open {"},
	} {
		if got := Render(tc.lang, tc.t, tc.p); got != tc.want {
			t.Errorf("Render(%s, %q, %v) = %q, want %q", tc.lang, tc.t, tc.p, got, tc.want)
		}
	}
}

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{"LANG": "ja_JP.UTF-8"}, Ja},
		{map[string]string{"LANG": "C"}, En},
		{map[string]string{}, En},
		{map[string]string{"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, En},
		{map[string]string{"LANG": "C", "LC_MESSAGES": "ja_JP"}, Ja},
		{map[string]string{"LANG": "C", "LC_ALL": ""}, En},
	} {
		got := FromEnv(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
		if got != tc.want {
			t.Errorf("FromEnv(%v) = %s, want %s", tc.env, got, tc.want)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for _, tc := range []struct {
		h              string
		fallback, want Lang
	}{
		{"", Ja, Ja},
		{"", En, En},
		{"en-US,en;q=0.9", Ja, En},
		{"ja,en;q=0.5", En, Ja},
		{"fr", Ja, Ja},
	} {
		if got := FromAcceptLanguage(tc.h, tc.fallback); got != tc.want {
			t.Errorf("FromAcceptLanguage(%q, %s) = %s, want %s", tc.h, tc.fallback, got, tc.want)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	e := New(KindNotFound, "not_found", Params{"what": "member", "name": "sato"})
	wrapped := fmt.Errorf("reading: %w", e)
	if got := Code(wrapped); got != "not_found" {
		t.Errorf("Code = %q", got)
	}
	if got := KindOf(wrapped); got != KindNotFound {
		t.Errorf("KindOf = %v", got)
	}
	if got := HTTPStatus(KindOf(wrapped)); got != http.StatusNotFound {
		t.Errorf("HTTPStatus = %d", got)
	}
	if got := Localize(Ja, wrapped); got != "member「sato」が見つかりません。" {
		t.Errorf("Localize(Ja) = %q", got)
	}
	if got := Code(errors.New("x")); got != "internal" {
		t.Errorf("Code(plain) = %q", got)
	}
	if got := ExitCode(KindBlocked); got != ExitBlocked {
		t.Errorf("ExitCode(blocked) = %d", got)
	}
	if diff := cmp.Diff(Params{"what": "member", "name": "sato"}, ParamsOf(wrapped)); diff != "" {
		t.Errorf("ParamsOf (-want +got):\n%s", diff)
	}
}

// cliAdvice matches a CLI flag (" -allow-deletes") or command
// ("cybridge plan") inside a text.
var cliAdvice = regexp.MustCompile(`(^|[\s(「（])--?[a-z][a-z-]+|cybridge (plan|apply|serve|runs|check|roster|calendar|resume|version)\b`)

// TestCatalogue: every text exists in both languages, the Japanese one is
// Japanese, both use the same parameters, and neither gives CLI advice.
func TestCatalogue(t *testing.T) {
	param := regexp.MustCompile(`\{([a-z_]+)[|}]`)
	for _, key := range Keys() {
		e := catalogue[key]
		if strings.TrimSpace(e.ja) == "" || strings.TrimSpace(e.en) == "" {
			t.Errorf("%s: a text is missing (ja %q, en %q)", key, e.ja, e.en)
			continue
		}
		if !IsJapanese(e.ja) && !neutral(e.ja, e.en) {
			t.Errorf("%s: the Japanese text is not Japanese: %q", key, e.ja)
		}
		for _, s := range []string{e.ja, e.en} {
			if m := cliAdvice.FindString(s); m != "" && !strings.HasPrefix(key, "cli.") {
				t.Errorf("%s: names a CLI flag or command (%q): %q", key, m, s)
			}
		}
		names := func(s string) map[string]bool {
			out := map[string]bool{}
			for _, m := range param.FindAllStringSubmatch(s, -1) {
				out[m[1]] = true
			}
			return out
		}
		if diff := cmp.Diff(names(e.en), names(e.ja)); diff != "" {
			t.Errorf("%s: the two texts use different parameters (-en +ja):\n%s", key, diff)
		}
	}
}

// IsJapanese reports whether s has a kana or kanji: a Japanese sentence
// always has one.
func TestIsJapanese(t *testing.T) {
	for s, want := range map[string]bool{"変更なし": true, "no changes": false, "{n} 人": true, "CSV": false} {
		if got := IsJapanese(s); got != want {
			t.Errorf("IsJapanese(%q) = %v", s, got)
		}
	}
}

func TestEnglishLeft(t *testing.T) {
	for _, tc := range []struct {
		s    string
		p    Params
		keep []string
		want string
	}{
		{"「found」の後に expected があります。", nil, nil, "expected"},
		{"「inn」と書かれています。", Params{"found": "inn"}, nil, ""},
		{"organization には「<」を使えません。", Params{"key": "organization"}, nil, ""},
		{"cron の 5 つのフィールド", nil, []string{"cron"}, ""},
		{"cron の 5 つのフィールド", nil, nil, "cron"},
		{"値（例: \"sales\"）", nil, nil, ""},
	} {
		if got := EnglishLeft(tc.s, tc.p, tc.keep...); got != tc.want {
			t.Errorf("EnglishLeft(%q, %v, %v) = %q, want %q", tc.s, tc.p, tc.keep, got, tc.want)
		}
	}
}

func TestCatalogueKeysUnique(t *testing.T) {
	tables := map[string]map[string]entry{"core": coreTexts, "config": configTexts, "directory": directoryTexts, "csv": csvTexts,
		"plan": planTexts, "safety": safetyTexts, "calendar": calendarTexts, "scope": scopeTexts, "console": consoleTexts, "report": reportTexts, "cli": cliTexts, "notify": notifyTexts, "history": historyTexts, "health": healthTexts, "scim": scimTexts, "accounts": accountsTexts, "jobs": jobTexts, "scimtarget": scimTargetTexts, "upload": uploadTexts, "pages": pagesTexts}
	seen := map[string]string{}
	for name, tab := range tables {
		for k := range tab {
			if other, dup := seen[k]; dup {
				t.Errorf("%s is in both %s and %s", k, other, name)
			}
			seen[k] = name
		}
	}
	if len(seen) != len(catalogue) {
		t.Errorf("the catalogue has %d keys, the tables %d: a table is not joined", len(catalogue), len(seen))
	}
}

func TestTextOrFallsBackWithoutParams(t *testing.T) {
	if got := TextOr(Ja, "max_deletes", nil, "stored English"); got != "stored English" {
		t.Errorf("without params: %q", got)
	}
	p := Params{"target": "safety", "count": 60, "limit": 50}
	if got := TextOr(En, "max_deletes", p, "stored"); got != "safety: this run would delete, disable or reset 60 objects, more than max_deletes = 50." {
		t.Errorf("with params: %q", got)
	}
	if got := TextOr(Ja, "no_such_key", p, "stored"); got != "stored" {
		t.Errorf("unknown key: %q", got)
	}
}

// TestErrorKey: an error whose code covers several situations renders the
// text of its Key, and still reports its Code.
func TestErrorKey(t *testing.T) {
	e := &Error{Code: "not_found", Key: "canceled", Kind: KindNotFound}
	if got := Code(e); got != "not_found" {
		t.Errorf("Code = %q", got)
	}
	if got, want := e.Error(), Text(En, "canceled", nil); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := Localize(Ja, e), Text(Ja, "canceled", nil); got != want {
		t.Errorf("Localize(Ja) = %q, want %q", got, want)
	}
}

func TestGaps(t *testing.T) {
	got := Gaps([]string{"canceled", "no.such.key", "trigger.api"})
	want := []string{"no.such.key: not in the catalogue"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Gaps (-want +got):\n%s", diff)
	}
}

// TestEnglishSentence: the detector of the browser test flags an English
// sentence, in a Japanese page too, and lets Japanese text with names,
// codes, logins and product names through.
func TestEnglishSentence(t *testing.T) {
	keep := []string{"CalDAV", "Google", "CSV", "API", "User"}
	for _, tc := range []struct {
		s, want string
	}{
		{"安全装置が働いたため、この同期を止めました。", ""},
		{"A safeguard stopped this run; nothing was changed.", "A safeguard stopped this run; nothing was changed."},
		{"概要\n前回の実行\tthe directory has 3 problems\n", "the directory has"},
		{"エラー: run again with -allow-deletes", "run again with"},
		{"cybozu.com（User API 経由） a.okada@example.com [auth_failed] user.csv max_deletes = 5", ""},
		{"Google カレンダー CalDAV CSV API", ""},
		{"cybridge dev", ""},
		{"安否確認\tsales\tdev\tops", ""}, // codes in table cells
		{"2024-05-01 10:00:00 +09:00 JST", ""},
		{"同期 (can't connect to server)", "(can't connect to server)"},
	} {
		if got := EnglishSentence(tc.s, keep...); got != tc.want {
			t.Errorf("EnglishSentence(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
	for _, key := range Keys() {
		ja, _ := Template(Ja, key)
		if s := EnglishSentence(Render(Ja, ja, nil), keep...); s != "" && IsJapanese(ja) {
			t.Errorf("%s: the Japanese text has an English sentence %q: %s", key, s, ja)
		}
	}
}

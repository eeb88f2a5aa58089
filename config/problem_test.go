package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
)

// problemsOf is the code and params of each problem of err, by key.
func problemsOf(t *testing.T, err error) map[string]Problem {
	t.Helper()
	problemKeys(t, err) // fails unless err is an *Error
	out := map[string]Problem{}
	for _, p := range Problems(err) {
		out[p.Key] = p
	}
	return out
}

// TestUnknownSectionsAndKeys: a misspelt section is one problem with the
// section it was meant to be, whatever is under it; a misspelt key names
// the nearest key of its section, a key written above its section's header
// the key it belongs to; nothing close, no suggestion.
func TestUnknownSectionsAndKeys(t *testing.T) {
	path := writeFile(t, "cybridge.toml", `
max_deletes = 10
colour = "blue"
[saftey]
enabled = true
login_key = "email"
include_suspended = false
[zzz]
x = 1
[cybozu]
pasword = "x"
[cybozu.extra]
a = 1
b = 2
`)
	_, err := Load(path, true, envMap(nil))
	type got struct {
		Code   string
		Params msg.Params
	}
	simple := map[string]got{}
	for k, p := range problemsOf(t, err) {
		simple[k] = got{p.Code, p.Params}
	}
	want := map[string]got{
		"[saftey]":       {"config.unknown_section_suggest", msg.Params{"section": "saftey", "suggestion": "safety"}},
		"[zzz]":          {"config.unknown_section", msg.Params{"section": "zzz", "sections": []string{"[calendar]", "[console]", "[cybozu]", "[history]", "[notify]", "[safeguards]", "[safety]", "[schedule]", "[scim]", "[source]"}}},
		"max_deletes":    {"config.unknown_key_suggest", msg.Params{"suggestion": "safeguards.max_deletes"}},
		"colour":         {"config.unknown_key", msg.Params{}},
		"cybozu.pasword": {"config.unknown_key_suggest", msg.Params{"suggestion": "cybozu.password"}},
		"cybozu.extra":   {"config.unknown_key", msg.Params{}},
	}
	if diff := cmp.Diff(want, simple); diff != "" {
		t.Errorf("problems (-want +got):\n%s\n%v", diff, err)
	}
	for _, s := range []string{"[saftey]: there is no section [saftey]; did you mean [safety]?", "cybozu.pasword (CYBRIDGE_CYBOZU_PASWORD): unknown key; did you mean cybozu.password?"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q:\n%v", s, err)
		}
	}
}

func TestUnknownEnvSuggests(t *testing.T) {
	got := UnknownEnv([]string{"CYBRIDGE_CYBOZU_PASWORD=x", "CYBRIDGE_WHATEVER_THIS_IS=y"})
	if len(got) != 2 || got[0].Params["suggestion"] != "CYBRIDGE_CYBOZU_PASSWORD" || got[1].Code != "config.unknown_env" {
		t.Errorf("UnknownEnv = %+v", got)
	}
}

func TestNearest(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want string
	}{
		{"saftey", "safety"}, {"schedul", "schedule"}, {"cybzou", "cybozu"}, {"calender", "calendar"},
		{"db", ""}, {"colour", ""}, {"console", "console"},
	} {
		if got := nearest(tc.s, []string{"safety", "schedule", "cybozu", "calendar", "console", "source"}); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

// TestNoFileSaidWhenKeysUnset: with no configuration file in the working
// directory, an unset key's error says where the file was looked for; an
// error of a file that was read does not.
func TestNoFileSaidWhenKeysUnset(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "cybridge.toml")
	_, err := Load(missing, false, envMap(map[string]string{"CYBRIDGE_SCHEDULE_CRON": ""}))
	if !strings.Contains(err.Error(), "no configuration file was found at "+missing) {
		t.Errorf("err does not say the file was not found:\n%v", err)
	}
	if ja := msg.Localize(msg.Ja, err); !strings.Contains(ja, "設定ファイル "+missing+" が見つからない") {
		t.Errorf("Japanese:\n%s", ja)
	}
	_, err = Load(missing, false, envMap(map[string]string{"CYBRIDGE_HISTORY_DAYS": "0"}))
	if strings.Contains(err.Error(), "no configuration file") {
		t.Errorf("a bad value blames the missing file:\n%v", err)
	}
	path := writeFile(t, "cybridge.toml", "[schedule]\ncron = \"\"\n")
	_, err = Load(path, true, envMap(nil))
	if strings.Contains(err.Error(), "no configuration file") {
		t.Errorf("a file was read, yet:\n%v", err)
	}
}

// TestErrorLocalized: the error renders in Japanese and English from the
// catalogue, each line with its key and variable, and carries its code,
// kind and count.
func TestErrorLocalized(t *testing.T) {
	_, err := Load("", false, envMap(map[string]string{"CYBRIDGE_SAFEGUARDS_MAX_DELETE_PERCENT": "150", "CYBRIDGE_SOURCE_KIND": "ftp"}))
	ja := msg.Localize(msg.Ja, err)
	for _, s := range []string{
		"設定に 2 件の問題があります。",
		"safeguards.max_delete_percent（CYBRIDGE_SAFEGUARDS_MAX_DELETE_PERCENT）: 100 以下で指定してください（「150」が指定されています）。",
		"source.kind（CYBRIDGE_SOURCE_KIND）: 「ftp」は指定できません。api、csv のいずれかを指定してください。",
	} {
		if !strings.Contains(ja, s) {
			t.Errorf("Japanese lacks %q:\n%s", s, ja)
		}
	}
	if en := msg.Localize(msg.En, err); en != err.Error() || !strings.HasPrefix(en, "The configuration has 2 problems;") {
		t.Errorf("English:\n%s", en)
	}
	if msg.Code(err) != "config_invalid" || msg.KindOf(err) != msg.KindInvalid || msg.ParamsOf(err)["count"] != 2 {
		t.Errorf("code %q kind %v params %v", msg.Code(err), msg.KindOf(err), msg.ParamsOf(err))
	}
}

// TestEveryProblemCodeHasText: every code config can give has a text in
// the catalogue.
func TestEveryProblemCodeHasText(t *testing.T) {
	for _, code := range []string{
		"config_invalid", "config.no_file", "config.file_missing", "config.file_denied", "config.file_unreadable",
		"config.toml_syntax", "config.file_invalid", "config.unknown_section", "config.unknown_section_suggest",
		"config.unknown_key", "config.unknown_key_suggest", "config.unknown_env", "config.unknown_env_suggest",
		"config.file_form_not_secret", "config.secret_file_empty", "config.secret_file_missing", "config.secret_file_denied",
		"config.secret_file_unreadable", "config.env_not_number", "config.env_not_bool", "config.env_not_duration",
		"config.required", "config.min", "config.max", "config.oneof", "config.hostname", "config.hostname_port",
		"config.invalid", "config.initial_password_short", "config.url_not_url", "config.url_path", "config.url_http",
		"config.url_scheme", "config.url_userinfo", "config.url_query", "config.type_string", "config.type_integer",
		"config.type_boolean", "config.type_slice", "config.type_duration",
	} {
		if !msg.Has(code) {
			t.Errorf("%s has no text", code)
		}
	}
}

// TestWrongType: a value of the wrong type is a problem of its key, with
// the file's line.
func TestWrongType(t *testing.T) {
	for content, want := range map[string]string{
		"db = 3\n":                                "db config.type_string",
		"[cybozu]\nconcurrency = \"x\"\n":         "cybozu.concurrency config.type_integer",
		"[cybozu]\ntimeout = \"soon\"\n":          "cybozu.timeout config.type_duration",
		"[safety]\nenabled = \"yes\"\n":           "safety.enabled config.type_boolean",
		"[calendar]\ngoogle_domains = \"a.jp\"\n": "calendar.google_domains config.type_slice",
	} {
		_, err := Load(writeFile(t, "cybridge.toml", content), true, envMap(nil))
		ps := Problems(err)
		if len(ps) != 1 || ps[0].Key+" "+ps[0].Code != want {
			t.Errorf("%q: %v, want %s", content, err, want)
		}
	}
}

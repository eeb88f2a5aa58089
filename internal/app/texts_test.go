package app

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/directory/cybozu"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
	"github.com/cybridge/cybridge/targets/calendar/scope"
	"github.com/cybridge/cybridge/targets/safety"
)

// vocabulary is every catalogue key an admin can meet, by what it is: the
// error and warning codes and their situations of every package, the
// safeguard reasons, CSV problem kinds, plan fields, match reasons,
// actions, flags, run statuses, triggers and enrolment states.
func vocabulary() map[string][]string {
	v := map[string][]string{
		"cybozu errors":       cybozu.Codes(),
		"directory problems":  directory.Codes(),
		"CSV problems":        csvfile.Codes(),
		"plan and run errors": provision.Codes(),
		"safety errors":       safety.Codes(),
		"calendar errors":     calendar.Codes(),
		"calendar vocabulary": calendar.Vocabulary(),
		"scope syntax":        scope.Keys(),
		"CalDAV check":        caldav.Keys(),
		"safeguard reasons":   {provision.SafeguardMaxDeletes, provision.SafeguardMaxDeletePercent, provision.SafeguardMinSourceRatio},
		"targets":             {"target." + safety.Name, "target." + calendar.Name},
		"match reasons":       prefixed("reason.", provision.ReasonLink, provision.ReasonLogin, provision.ReasonEmail, provision.ReasonCode, provision.ReasonNew, provision.ReasonGone, "parent_deleted"),
		"flags":               prefixed("flag.", "resets_sync", calendar.FlagSuspended, calendar.FlagOutOfScope, calendar.FlagPinned, calendar.FlagAutoStopped),
		"run statuses":        prefixed("status.", string(provision.StatusNoChanges), string(provision.StatusApplied), string(provision.StatusDryRun), string(provision.StatusFailed), string(provision.StatusBlocked), string(provision.StatusSkipped)),
		"triggers":            prefixed("trigger.", string(provision.TriggerCLI), string(provision.TriggerSchedule), string(provision.TriggerConsole), string(provision.TriggerCSVUpload), string(provision.TriggerAPI)),
	}
	var actions []string
	for _, k := range append((&safety.Target{}).Kinds(), (&calendar.Target{}).Kinds()...) {
		v["kinds"] = append(v["kinds"], "kind."+k.Plural)
		for _, a := range k.Actions {
			if !slices.Contains(actions, "action."+string(a)) {
				actions = append(actions, "action."+string(a))
			}
		}
	}
	v["actions"] = actions
	for _, fields := range []map[string][]string{safety.Fields(), calendar.Fields()} {
		for kind, names := range fields {
			for _, n := range names {
				v["plan fields"] = append(v["plan fields"], fieldKey(kind, n))
			}
		}
	}
	return v
}

func prefixed(p string, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + n
	}
	return out
}

// fieldKey is the key provision.FieldName renders a field from.
func fieldKey(kind, name string) string {
	if msg.Has("field." + kind + "." + name) {
		return "field." + kind + "." + name
	}
	return "field." + name
}

var (
	// placeholder is a template's {param} or {param|one|other}.
	placeholder = regexp.MustCompile(`\{[^{}]*\}`)
	// identifier is a config key, code or variable written as it is
	// (cybozu.url, max_delete_percent, CYBRIDGE_DB, *.s.cybozu.com).
	identifier = regexp.MustCompile(`[A-Za-z0-9_.*-]*@[A-Za-z0-9_.-]+|[A-Za-z0-9_*-]*[._][A-Za-z0-9_.*-]+|= [a-z]+`)
	// cliFlag is a CLI flag or command inside a text.
	cliFlag = regexp.MustCompile(`(^|[\s(「（])--?[a-z][a-z-]+|cybridge (plan|apply|serve|runs|check|roster|calendar|resume|version)\b`)
)

// names are product and protocol names a Japanese text writes as they are.
// Each was read in a Japanese text and kept on purpose: cybridge's own name,
// protocol words, the server's own status word (Forbidden), option values
// an admin types (auto, comma, static), a date pattern (YYYY).
var names = []string{"cybridge", "cybozu", "CalDAV", "WebDAV", "Google", "HTTPS", "https", "HTTP", "http", "HTML", "Basic", "TOML",
	"IANA", "Asia", "Tokyo", "cron", "every", "Secure", "Access", "User", "Latin", "PKCS", "JSON", "SQLite", "Excel",
	"Forbidden", "forbidden", "server", "google", "caldav", "base", "auto", "comma", "semicolon", "space", "latin", "static", "dynamic", "YYYY"}

// TestEveryTextInBothLanguages walks every code, warning, safeguard
// reason, CSV problem kind, plan field, match reason, action, flag, state,
// status and trigger: each has a Japanese and an English text, the
// Japanese one is Japanese (no English word outside parameters, quotes,
// identifiers and product names), and neither names a CLI flag or command.
func TestEveryTextInBothLanguages(t *testing.T) {
	total := 0
	for group, keys := range vocabulary() {
		if len(keys) == 0 {
			t.Errorf("%s: nothing to walk", group)
		}
		for _, key := range keys {
			total++
			ja, okJa := msg.Template(msg.Ja, key)
			en, okEn := msg.Template(msg.En, key)
			if !okJa || !okEn || strings.TrimSpace(ja) == "" || strings.TrimSpace(en) == "" {
				t.Errorf("%s: %s has no text (ja %v, en %v)", group, key, okJa, okEn)
				continue
			}
			if w := englishIn(ja); w != "" && ja != en {
				t.Errorf("%s: %s: the Japanese text is English (%q): %q", group, key, w, ja)
			}
			for _, s := range []string{ja, en} {
				if m := cliFlag.FindString(s); m != "" {
					t.Errorf("%s: %s names a CLI flag or command (%q): %q", group, key, m, s)
				}
			}
		}
	}
	if total < 300 {
		t.Errorf("walked %d texts; the vocabulary lost a group", total)
	}
	t.Logf("walked %d texts", total)
}

// englishIn is what makes a Japanese template English: the whole text when
// it has no Japanese at all, else its first English word outside
// parameters, quotes, identifiers and names; "" when there is none.
func englishIn(ja string) string {
	if !msg.IsJapanese(ja) {
		return ja
	}
	bare := identifier.ReplaceAllString(placeholder.ReplaceAllString(ja, " "), " ")
	return msg.EnglishLeft(bare, nil, names...)
}

// TestEnglishIn: the detector the walk relies on catches English.
func TestEnglishIn(t *testing.T) {
	for s, want := range map[string]string{
		"the plan has {count} errors":            "the plan has {count} errors",
		"計画に {count} 件のエラーがあります。run again later": "again",
		"cybozu.url（{url}）を確認してください。":            "",
		"「{name}」は使えません。auto か comma を指定してください。": "",
		"max_delete_percent = {limit}% を超えています。": "",
		"name@example.com の形で指定してください。":          "",
	} {
		if got := englishIn(s); got != want {
			t.Errorf("englishIn(%q) = %q, want %q", s, got, want)
		}
	}
}

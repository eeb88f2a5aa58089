package safety_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/targets/safety"
)

// cliFlag matches a command-line flag inside a text (" -login", "(-code").
var cliFlag = regexp.MustCompile(`(^|[\s(（「])--?[a-z][a-z-]+`)

// TestCodesHaveTexts: every key the package can render has a text in both
// languages, the Japanese one is Japanese, and neither names a CLI flag.
func TestCodesHaveTexts(t *testing.T) {
	for _, key := range safety.Codes() {
		ja, okJa := msg.Template(msg.Ja, key)
		en, okEn := msg.Template(msg.En, key)
		switch {
		case !okJa || !okEn || !msg.Has(key):
			t.Errorf("%s: not in the catalogue", key)
			continue
		case !msg.IsJapanese(ja):
			t.Errorf("%s: the Japanese text is not Japanese: %q", key, ja)
		}
		for _, s := range []string{ja, en} {
			if m := cliFlag.FindString(s); m != "" {
				t.Errorf("%s: names a CLI flag (%q): %q", key, m, s)
			}
		}
	}
}

// checkIssues fails when a safety error or warning of p renders from a
// key Codes does not list, lacks its parameters, or names a CLI flag. The
// rule tests' plans go through it, so every situation they reach is
// checked.
func checkIssues(t *testing.T, p *provision.Plan) {
	t.Helper()
	codes := safety.Codes()
	fields := safety.Fields()
	for _, c := range p.Changes {
		for _, f := range c.Fields {
			if c.Target == safety.Name && !slices.Contains(fields[c.Kind], f.Name) {
				t.Errorf("%s %s changes field %s, which Fields does not list", c.Kind, c.Key, f.Name)
			}
		}
	}
	for _, i := range append(slices.Clone(p.Errors), p.Warnings...) {
		if i.Target != safety.Name {
			continue
		}
		if !slices.Contains(codes, i.TextKey()) {
			t.Errorf("[%s] renders %s, which Codes does not list", i.Code, i.TextKey())
		}
		for _, l := range msg.Langs() {
			s := provision.IssueText(l, i)
			if strings.Contains(s, "{") {
				t.Errorf("[%s] %s lacks a parameter: %s", i.Code, l, s)
			}
			if m := cliFlag.FindString(s); m != "" {
				t.Errorf("[%s] %s names a CLI flag (%q): %s", i.Code, l, m, s)
			}
		}
		if want := msg.Text(msg.En, i.TextKey(), i.Params); i.Message != want {
			t.Errorf("[%s] message %q is not the catalogue's %q", i.Code, i.Message, want)
		}
	}
}

// TestRosterErrors: roster edits fail with a code, a kind and parameters,
// in both languages, and name fields in the admin's words, never a flag.
func TestRosterErrors(t *testing.T) {
	e := newEnv(t)
	e.mustApply(company().snap())
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		edit   func(r *safety.Roster) error
		code   string
		kind   msg.Kind
		params msg.Params
		ja, en string
	}{
		{"department not found", func(r *safety.Roster) error { _, err := r.RemoveDepartment(ctx, "nope"); return err },
			safety.CodeNotFound, msg.KindNotFound, msg.Params{"what": "department", "name": "nope"},
			"名簿に部署コード「nope」の部署はありません。", `there is no department with code "nope" in the roster`},
		{"member not found", func(r *safety.Roster) error { return r.RemoveMember(ctx, "nobody") },
			safety.CodeNotFound, msg.KindNotFound, msg.Params{"what": "member", "name": "nobody"},
			"名簿にログイン名「nobody」のメンバーはいません。", `there is no member with login name "nobody" in the roster`},
		{"department exists", func(r *safety.Roster) error {
			return r.AddDepartment(ctx, safety.DepartmentInput{Code: "sales", Name: "営業"})
		}, safety.CodeAlreadyExists, msg.KindConflict, msg.Params{"what": "department", "name": "sales"},
			"部署コード「sales」の部署はすでにあります。", `a department with code "sales" already exists`},
		{"email taken", func(r *safety.Roster) error {
			return r.AddMember(ctx, safety.MemberInput{Login: "guard", Name: "警備", Email: "sato@example.com"})
		}, safety.CodeEmailConflict, msg.KindConflict, msg.Params{"email": "sato@example.com", "login": "sato"},
			"メールアドレス「sato@example.com」は、すでにメンバー「sato」が使っています。1 つのアドレスを使えるのは 1 人だけです。",
			`email address "sato@example.com" already belongs to member "sato"; an address belongs to one member only`},
		{"no login", func(r *safety.Roster) error { return r.RemoveMember(ctx, "") },
			safety.CodeInvalidInput, msg.KindInvalid, nil,
			"ログイン名を入力してください。", "login name is required"},
		{"every problem", func(r *safety.Roster) error {
			return r.AddMember(ctx, safety.MemberInput{Email: "not-an-email", Phone: strings.Repeat("1", 51)})
		}, safety.CodeInvalidInput, msg.KindInvalid, nil,
			"ログイン名を入力してください。表示名を入力してください。メールアドレス「not-an-email」はメールアドレスの形式ではありません。電話番号は 50 文字以内で入力してください。",
			`login name is required; name is required; email address "not-an-email" is not an email address; phone number is longer than 50 characters`},
		{"first level", func(r *safety.Roster) error {
			p := "dev"
			return r.EditDepartment(ctx, safety.DepartmentPatch{Code: "sales", Parent: &p})
		}, safety.CodeFirstLevelReparent, msg.KindInvalid, msg.Params{"code": "sales", "name": "営業本部"},
			"部署「営業本部」（部署コード sales）は第 1 階層にあるため、ほかの部署の下に移動できません。",
			`department "sales" (営業本部) is at the first level and cannot be moved under another department`},
		{"cycle", func(r *safety.Roster) error {
			p := "dev-app"
			return r.EditDepartment(ctx, safety.DepartmentPatch{Code: "dev-app", Parent: &p})
		}, safety.CodeInvalidInput, msg.KindInvalid, msg.Params{"code": "dev-app", "name": "アプリチーム"},
			"部署「アプリチーム」（部署コード dev-app）を、その部署自身や配下の部署の下に移動することはできません。",
			`department "dev-app" (アプリチーム) cannot be moved under itself or one of its sub-departments`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := safety.EditRoster(ctx, e.store, tc.edit)
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
			if got := err.Error(); got != tc.en {
				t.Errorf("en:\n got %s\nwant %s", got, tc.en)
			}
			if m := cliFlag.FindString(err.Error()); m != "" {
				t.Errorf("names a CLI flag: %s", err)
			}
		})
	}
}

// TestInputErrorParams: the API gets each problem as data.
func TestInputErrorParams(t *testing.T) {
	e := newEnv(t)
	err := safety.EditRoster(context.Background(), e.store, func(r *safety.Roster) error {
		return r.AddDepartment(context.Background(), safety.DepartmentInput{Name: "x"})
	})
	var ie *safety.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an InputError", err)
	}
	want := msg.Params{"problems": []any{safety.InputProblem{What: "department", Field: "code", Rule: "required"}}}
	if diff := cmp.Diff(want, msg.ParamsOf(err)); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
}

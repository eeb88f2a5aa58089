package provision

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/internal/msg"
)

// TestSafeguardReasonsLocalize: a safeguard reason carries the
// parameters of its text, renders in Japanese, and the blocked error
// gives no CLI advice.
func TestSafeguardReasonsLocalize(t *testing.T) {
	p := &Plan{Targets: []TargetInfo{{Name: "safety", Linked: 7}}, Changes: []Change{
		{Target: "safety", Action: Delete}, {Target: "safety", Action: Delete}, {Target: "safety", Action: Delete},
	}}
	p.Source.Users = 5
	got := Safeguards{MaxDeletes: 2, MaxDeletePercent: 20, MinSourceRatio: 70}.Check(p, 10)
	want := []string{
		"safety: this run would delete, disable or reset 3 objects, more than max_deletes = 2.",
		"safety: this run would delete, disable or reset 3 of 7 linked objects (42.9%), more than max_delete_percent = 20%.",
	}
	if len(got) != 3 {
		t.Fatalf("Check = %+v, want three reasons", got)
	}
	for i, w := range want {
		if got[i].Message != w {
			t.Errorf("reason %d = %q, want %q", i, got[i].Message, w)
		}
	}
	if ja := got[1].Localize(msg.Ja); !strings.Contains(ja, "連携済み 7 件のうち 3 件（42.9%）") {
		t.Errorf("Localize(Ja) = %q", ja)
	}
	var err error = &BlockedError{Reasons: got}
	if !IsBlocked(fmt.Errorf("run: %w", err)) || msg.KindOf(err) != msg.KindBlocked || msg.ExitCode(msg.KindOf(err)) != ExitBlocked {
		t.Errorf("a blocked error is not recognised as blocked")
	}
	for _, lang := range msg.Langs() {
		text := msg.Localize(lang, err)
		if strings.Contains(text, "-allow-deletes") || strings.Contains(text, "cybridge plan") {
			t.Errorf("%s: the blocked error gives CLI advice: %s", lang, text)
		}
		if strings.Count(text, "\n") != 3 {
			t.Errorf("%s: want a heading and three reasons:\n%s", lang, text)
		}
	}
}

// TestErrorLocalize: a run error renders from its key in Japanese; one
// built with a Message only renders that Message.
func TestErrorLocalize(t *testing.T) {
	e := newError(CodePlanFormat, keyPlanVersion, msg.Params{"version": 9, "want": FormatVersion}, nil)
	if ja := msg.Localize(msg.Ja, e); !strings.Contains(ja, "バージョン 9") {
		t.Errorf("Localize(Ja) = %q", ja)
	}
	if msg.KindOf(e) != msg.KindInvalid || msg.Code(e) != CodePlanFormat {
		t.Errorf("kind %v code %s", msg.KindOf(e), msg.Code(e))
	}
	old := &Error{Code: CodeRunInProgress, Message: "another run holds the lease"}
	if got := msg.Localize(msg.Ja, old); got != msg.Text(msg.Ja, CodeRunInProgress, nil) {
		t.Errorf("a code whose text needs no params renders from the catalogue: %q", got)
	}
	legacy := &Error{Code: CodeStalePlan, Message: "the plan is stale"}
	if got := msg.Localize(msg.Ja, legacy); got != "the plan is stale" {
		t.Errorf("an error without the params its text needs renders its Message: %q", got)
	}
	if !errors.Is(newError(CodeApplyFailed, "", msg.Params{"detail": "x"}, errTest), errTest) {
		t.Error("the cause is not wrapped")
	}
}

var errTest = errors.New("test")

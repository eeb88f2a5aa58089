package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

func TestRule1_EveryUserGetsAnEnrolment(t *testing.T) {
	snap := company()
	p := makePlan(t, newTarget(t, calConfig()), snap, nil, nil)
	want := []brief{
		{provision.Create, "ito", provision.ReasonNew, nil, map[string][2]any{
			"login": {nil, "ito"}, "email": {nil, "ito@other.example"}, "name": {nil, "伊藤 三郎"},
			"permitted": {nil, true}, "target": {nil, "google"}, "calendar_id": {nil, ""}}},
		{provision.Create, "sato", provision.ReasonNew, nil, map[string][2]any{
			"login": {nil, "sato"}, "email": {nil, "sato@example.com"}, "name": {nil, "佐藤 一郎"},
			"permitted": {nil, true}, "target": {nil, "google"}, "calendar_id": {nil, "sato@example.com"}}},
		{provision.Create, "suzuki", provision.ReasonNew, []string{FlagOutOfScope}, map[string][2]any{
			"login": {nil, "suzuki"}, "email": {nil, "suzuki@example.com"}, "name": {nil, "鈴木 花子"},
			"permitted": {nil, false}, "target": {nil, "google"}, "calendar_id": {nil, "suzuki@example.com"}}},
		{provision.Create, "tanaka", provision.ReasonNew, []string{FlagSuspended}, map[string][2]any{
			"login": {nil, "tanaka"}, "email": {nil, "tanaka@example.com"}, "name": {nil, "田中 次郎"},
			"permitted": {nil, false}, "target": {nil, "google"}, "calendar_id": {nil, "tanaka@example.com"}}},
	}
	if diff := cmp.Diff(want, briefs(p)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	for _, c := range p.Changes {
		if c.Link == nil || c.Link.Key != c.Key || c.Link.ID == "" {
			t.Errorf("%s: link = %+v, want the user's id and login", c.Key, c.Link)
		}
		if d := data(t, c); d.Target != KindGoogle || d.CalendarID == nil {
			t.Errorf("%s: data %+v lacks the default target and id", c.Key, d)
		}
	}
	if got := p.Summary[Name]["enrolments"][provision.Create]; got != 4 {
		t.Errorf("summary creates = %d, want 4", got)
	}
}

func TestRule1_EmptyScopeIsAllActiveUsers(t *testing.T) {
	c := calConfig()
	c.Scope = ""
	p := makePlan(t, newTarget(t, c), company(), nil, nil)
	got := map[string]any{}
	for _, ch := range p.Changes {
		f, _ := ch.Fields.Get("permitted")
		got[ch.Key] = f.New
	}
	want := map[string]any{"ito": true, "sato": true, "suzuki": true, "tanaka": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("permitted (-want +got):\n%s", diff)
	}
}

func TestRule1_CalDAVDefaultTarget(t *testing.T) {
	c := calConfig()
	c.DefaultTarget = "caldav"
	p := makePlan(t, newTarget(t, c), company(), nil, nil)
	for _, ch := range p.Changes {
		if ch.Key != "sato" {
			continue
		}
		d := data(t, ch)
		if d.Target != KindCalDAV || d.CalDAVURL == nil || *d.CalDAVURL != "https://dav.example.com/sato/calendar/" || d.CalendarID != nil {
			t.Errorf("sato: %+v, want caldav with the URL from the template", d)
		}
		return
	}
	t.Fatal("no change for sato")
}

func TestRule2_DisableWhenOutOfScopeSuspendedOrGone(t *testing.T) {
	snap := company()
	sato, tanaka := enrolment(1, user(snap, "sato"), true), enrolment(3, user(snap, "tanaka"), true)
	kato := Enrolment{ID: 9, Login: "kato", Email: "kato@example.com", Name: "加藤", Permitted: true, Switch: SwitchStopped,
		Target: KindCalDAV, CalDAVURL: "https://dav.example.com/kato/", CalDAVAuthID: "kato", HasPassword: true, AuthStatus: AuthNone}
	suzuki, ito := enrolment(2, user(snap, "suzuki"), false), enrolment(5, user(snap, "ito"), true)
	ito.CalendarID = "" // as rule 1 made it (domain not in google_domains)
	// sato moves to dev: out of scope. tanaka is 停止中. kato is gone.
	user(snap, "sato").Memberships[0].OrgCode = "dev"
	user(snap, "sato").PrimaryOrg = "dev"
	ens := []Enrolment{sato, suzuki, tanaka, ito, kato}
	links := []provision.Link{link(sato, "1"), link(suzuki, "2"), link(tanaka, "3"), link(ito, "5"), link(kato, "9")}
	p := makePlan(t, newTarget(t, calConfig()), snap, ens, links)
	want := []brief{
		{provision.Disable, "kato", provision.ReasonGone, nil, map[string][2]any{"permitted": {true, false}, "gone_since": {"", "2026-04-01T09:00:00Z"}}},
		{provision.Disable, "sato", provision.ReasonLink, []string{FlagOutOfScope}, map[string][2]any{"permitted": {true, false}}},
		{provision.Disable, "tanaka", provision.ReasonLink, []string{FlagSuspended}, map[string][2]any{"permitted": {true, false}}},
	}
	if diff := cmp.Diff(want, briefs(p)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	// Settings and history are kept: a disable carries nothing but the
	// bridge's own fields.
	for _, c := range p.Changes {
		if d := data(t, c); d.CalendarID != nil || d.CalDAVURL != nil || d.Target != "" {
			t.Errorf("%s: disable touches settings: %+v", c.Key, d)
		}
	}
	if n := p.Removals(Name); n != 3 {
		t.Errorf("removals = %d, want 3 (disables count for the safeguards)", n)
	}
}

func TestRule2_BackInScopeAndBackFromGone(t *testing.T) {
	snap := company()
	suzuki := enrolment(2, user(snap, "suzuki"), false)
	sato := enrolment(1, user(snap, "sato"), false)
	sato.GoneSince = now.Add(-48 * time.Hour)
	user(snap, "suzuki").Memberships[0].OrgCode = "sales" // into scope
	user(snap, "suzuki").PrimaryOrg = "sales"
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{sato, suzuki}, []provision.Link{link(sato, "1"), link(suzuki, "2")})
	var got []brief
	for _, b := range briefs(p) {
		if b.Action != provision.Create {
			got = append(got, b)
		}
	}
	want := []brief{
		{provision.Update, "sato", provision.ReasonLink, nil, map[string][2]any{"permitted": {false, true}, "gone_since": {"2026-03-30T09:00:00Z", ""}}},
		{provision.Update, "suzuki", provision.ReasonLink, nil, map[string][2]any{"permitted": {false, true}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestRule2_DeleteAfterDays(t *testing.T) {
	gone := func(days float64) Enrolment {
		return Enrolment{ID: 9, Login: "kato", Target: KindGoogle, GoneSince: now.Add(-time.Duration(days * 24 * float64(time.Hour)))}
	}
	tests := []struct {
		name       string
		afterDays  int
		goneDays   float64
		wantAction provision.Action // "" = no change
	}{
		{"never by default", 0, 3650, ""},
		{"kept within the period", 30, 29.5, ""},
		{"kept on the day", 30, 30, ""},
		{"deleted after the period", 30, 30.01, provision.Delete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := calConfig()
			c.DeleteAfterDays = tt.afterDays
			e := gone(tt.goneDays)
			p := makePlan(t, newTarget(t, c), company(), []Enrolment{e}, []provision.Link{link(e, "9")})
			var got provision.Action
			for _, ch := range p.Changes {
				if ch.Key == "kato" {
					got = ch.Action
				}
			}
			if got != tt.wantAction {
				t.Errorf("action = %q, want %q", got, tt.wantAction)
			}
		})
	}
}

func TestRule3_PinsSurviveScopeChanges(t *testing.T) {
	snap := company()
	suzuki := enrolment(2, user(snap, "suzuki"), true) // out of scope, pinned permit
	suzuki.Pin = PinPermit
	sato := enrolment(1, user(snap, "sato"), false) // in scope, pinned revoke
	sato.Pin = PinRevoke
	ens := []Enrolment{sato, suzuki}
	links := []provision.Link{link(sato, "1"), link(suzuki, "2")}
	noChange := func(p *provision.Plan) {
		t.Helper()
		for _, c := range p.Changes {
			if c.Key == "sato" || c.Key == "suzuki" {
				t.Errorf("pinned %s changed: %+v", c.Key, briefs(&provision.Plan{Changes: []provision.Change{c}}))
			}
		}
	}
	noChange(makePlan(t, newTarget(t, calConfig()), snap, ens, links))
	// Scope changes: everything in dev. Still pinned both ways.
	c := calConfig()
	c.Scope = `organization in ("dev")`
	noChange(makePlan(t, newTarget(t, c), snap, ens, links))
	c.Scope = ""
	noChange(makePlan(t, newTarget(t, c), snap, ens, links))

	// Unpinned, the policy decides again.
	sato.Pin, suzuki.Pin = PinNone, PinNone
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{sato, suzuki}, links)
	var got []brief
	for _, b := range briefs(p) {
		if b.Key == "sato" || b.Key == "suzuki" {
			got = append(got, b)
		}
	}
	want := []brief{
		{provision.Update, "sato", provision.ReasonLink, nil, map[string][2]any{"permitted": {false, true}}},
		{provision.Disable, "suzuki", provision.ReasonLink, []string{FlagOutOfScope}, map[string][2]any{"permitted": {true, false}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after unpin (-want +got):\n%s", diff)
	}
}

func TestRule3_PinDoesNotKeepSuspendedUsers(t *testing.T) {
	snap := company()
	tanaka := enrolment(3, user(snap, "tanaka"), true)
	tanaka.Pin = PinPermit
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{tanaka}, []provision.Link{link(tanaka, "3")})
	for _, c := range p.Changes {
		if c.Key == "tanaka" {
			if c.Action != provision.Disable || !c.HasFlag(FlagSuspended) {
				t.Errorf("tanaka: %s %v, want disable [suspended]", c.Action, c.Flags)
			}
			return
		}
	}
	t.Fatal("pinned suspended user was not disabled")
}

func TestRule3_PinFlagWhenPinDecides(t *testing.T) {
	snap := company()
	suzuki := enrolment(2, user(snap, "suzuki"), false) // out of scope, not permitted
	suzuki.Pin = PinPermit                              // pinned while the enrolment says false (e.g. was suspended)
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{suzuki}, []provision.Link{link(suzuki, "2")})
	for _, c := range p.Changes {
		if c.Key == "suzuki" {
			if c.Action != provision.Update || !c.HasFlag(FlagPinned) {
				t.Errorf("suzuki: %s %v, want update [pinned]", c.Action, c.Flags)
			}
			return
		}
	}
	t.Fatal("no change for suzuki")
}

func TestRule4_FieldOwnership(t *testing.T) {
	snap := company()
	// sato set her own calendar; ito uses CalDAV with a hand-set URL; both
	// switched off, with credentials and auth status of their own.
	sato := enrolment(1, user(snap, "sato"), true)
	sato.CalendarID, sato.CalendarIDDefault = "team-sales@group.calendar.google.com", false
	sato.Switch, sato.AuthStatus = SwitchStopped, AuthAuthenticated
	ito := enrolment(5, user(snap, "ito"), true)
	ito.Target, ito.CalendarID = KindCalDAV, ""
	ito.CalDAVURL, ito.CalDAVURLDefault, ito.CalDAVAuthID, ito.HasPassword = "https://cal.other.example/ito/main/", false, "ito", true
	// The directory changes everything it can.
	for _, l := range []string{"sato", "ito"} {
		u := user(snap, l)
		u.Email = "new-" + u.Email
		u.DisplayName += " (改)"
	}
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{sato, ito}, []provision.Link{link(sato, "1"), link(ito, "5")})
	want := map[string]brief{
		"sato": {provision.Update, "sato", provision.ReasonLink, nil, map[string][2]any{
			"email": {"sato@example.com", "new-sato@example.com"}, "name": {"佐藤 一郎", "佐藤 一郎 (改)"}}},
		"ito": {provision.Update, "ito", provision.ReasonLink, nil, map[string][2]any{
			"email": {"ito@other.example", "new-ito@other.example"}, "name": {"伊藤 三郎", "伊藤 三郎 (改)"}}},
	}
	for _, b := range briefs(p) {
		if w, ok := want[b.Key]; ok {
			if diff := cmp.Diff(w, b); diff != "" {
				t.Errorf("%s (-want +got):\n%s", b.Key, diff)
			}
			delete(want, b.Key)
		}
	}
	if len(want) > 0 {
		t.Errorf("no change for %v", want)
	}
	for _, c := range p.Changes {
		if d := data(t, c); c.Action == provision.Update && (d.CalendarID != nil || d.CalDAVURL != nil || d.Target != "") {
			t.Errorf("%s: the bridge writes a hand-set value: %+v", c.Key, d)
		}
	}
}

func TestRule5_EmailChangeResetsSync(t *testing.T) {
	snap := company()
	sato := enrolment(1, user(snap, "sato"), true)
	ito := enrolment(5, user(snap, "ito"), true)
	ito.Target, ito.CalendarID, ito.CalDAVURL = KindCalDAV, "", "https://dav.example.com/ito/calendar/"
	user(snap, "sato").Email = "ichiro.sato@example.com"
	user(snap, "ito").Email = "saburo.ito@other.example"
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{sato, ito}, []provision.Link{link(sato, "1"), link(ito, "5")})
	want := []brief{
		{provision.Update, "ito", provision.ReasonLink, []string{FlagResetsSync}, map[string][2]any{
			"email":      {"ito@other.example", "saburo.ito@other.example"},
			"caldav_url": {"https://dav.example.com/ito/calendar/", "https://dav.example.com/saburo.ito/calendar/"}}},
		{provision.Update, "sato", provision.ReasonLink, []string{FlagResetsSync}, map[string][2]any{
			"email":       {"sato@example.com", "ichiro.sato@example.com"},
			"calendar_id": {"sato@example.com", "ichiro.sato@example.com"}}},
	}
	var got []brief
	for _, b := range briefs(p) {
		if b.Action != provision.Create {
			got = append(got, b)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	for _, c := range p.Changes {
		if c.Key == "sato" {
			if d := data(t, c); d.CalendarID == nil || *d.CalendarID != "ichiro.sato@example.com" {
				t.Errorf("sato data = %+v", d)
			}
		}
	}
	// A sync reset loses state like a disable does: the safeguards count
	// it, so a settings mistake (a wrong google_domains) that would reset
	// the whole company is blocked, not applied unattended.
	if n := p.Removals(Name); n != 2 {
		t.Errorf("removals = %d, want 2 (resets_sync counts for the safeguards)", n)
	}
	issues := provision.Safeguards{MaxDeletes: 1, MaxDeletePercent: 100}.Check(p, 0)
	if len(issues) != 1 || issues[0].Code != provision.SafeguardMaxDeletes {
		t.Errorf("safeguards = %+v, want max_deletes for two sync resets", issues)
	}
}

// TestRule5_CaseOnlyEmailChangeKeepsCalendar: Google addresses (and so
// primary calendar ids) ignore case; an email whose case alone changed
// (an admin tidying the directory) names the same calendar, and must not
// discard every such user's sync state.
func TestRule5_CaseOnlyEmailChangeKeepsCalendar(t *testing.T) {
	snap := company()
	sato := enrolment(1, user(snap, "sato"), true)
	user(snap, "sato").Email = "Sato@Example.com"
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{sato}, []provision.Link{link(sato, "1")})
	want := []brief{{provision.Update, "sato", provision.ReasonLink, nil, map[string][2]any{
		"email": {"sato@example.com", "Sato@Example.com"}}}}
	var got []brief
	for _, b := range briefs(p) {
		if b.Key == "sato" {
			got = append(got, b)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestRule5_FirstDefaultDoesNotResetSync(t *testing.T) {
	snap := company()
	ito := enrolment(5, user(snap, "ito"), true)
	ito.CalendarID = "" // no id: ito's domain was not a Google domain
	c := calConfig()
	c.GoogleDomains = append(c.GoogleDomains, "other.example")
	p := makePlan(t, newTarget(t, c), snap, []Enrolment{ito}, []provision.Link{link(ito, "5")})
	for _, ch := range p.Changes {
		if ch.Key == "ito" {
			f, _ := ch.Fields.Get("calendar_id")
			if f.New != "ito@other.example" || ch.HasFlag(FlagResetsSync) {
				t.Errorf("ito: %v %v, want the id set without resets_sync (nothing was synced)", f, ch.Flags)
			}
			return
		}
	}
	t.Fatal("no change for ito")
}

func TestRule6_LoginRenameKeepsEnrolment(t *testing.T) {
	snap := company()
	sato := enrolment(1, user(snap, "sato"), true)
	user(snap, "sato").Login = "ichiro.sato"
	snap.Sort()
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{sato}, []provision.Link{link(sato, "1")})
	var mine []provision.Change
	for _, c := range p.Changes {
		if c.ObjectID == "1" || c.Key == "ichiro.sato" {
			mine = append(mine, c)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("changes for the renamed user: %+v, want exactly one update", briefs(&provision.Plan{Changes: mine}))
	}
	c := mine[0]
	if c.Action != provision.Update || c.Reason != provision.ReasonLink || c.Key != "ichiro.sato" {
		t.Errorf("change = %s %s (%s), want update ichiro.sato by link", c.Action, c.Key, c.Reason)
	}
	if f, _ := c.Fields.Get("login"); f.Old != "sato" || f.New != "ichiro.sato" {
		t.Errorf("login field = %+v", f)
	}
	if c.Link == nil || *c.Link != (provision.DirRef{ID: "1", Key: "ichiro.sato"}) {
		t.Errorf("link = %+v, want the new login with the same id", c.Link)
	}
	// Without an id (a user that is someone else now), the old login does
	// not steal the enrolment: a new user "sato" with another id is created.
	snap2 := company()
	user(snap2, "sato").ID = "77"
	p2 := makePlan(t, newTarget(t, calConfig()), snap2, []Enrolment{sato}, []provision.Link{link(sato, "1")})
	got := map[string]provision.Action{}
	for _, c := range p2.Changes {
		if c.Key == "sato" {
			got[c.ObjectID] = c.Action
		}
	}
	if diff := cmp.Diff(map[string]provision.Action{"1": provision.Disable, "": provision.Create}, got); diff != "" {
		t.Errorf("same login, other id (-want +got):\n%s", diff)
	}
}

func TestRule6_CSVSourceWithoutIDsKeepsLinks(t *testing.T) {
	snap := company()
	sato := enrolment(1, user(snap, "sato"), true)
	for i := range snap.Users {
		snap.Users[i].ID = ""
	}
	snap.Source.Kind = "csv"
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{sato}, []provision.Link{link(sato, "1")})
	for _, c := range p.Changes {
		if c.ObjectID == "1" {
			t.Errorf("a CSV read changed sato's enrolment: %+v", briefs(&provision.Plan{Changes: []provision.Change{c}}))
		}
	}
}

// TestRule6_CSVReadAfterLoginReuse: sato (id 1) left and a new sato (id 77)
// was hired; both enrolments are linked, the old one gone. A CSV read has
// no ids, so both links name login "sato": the present user's enrolment
// must keep him, not the leaver's (which would be permitted again with the
// leaver's settings while the new user's is disabled).
func TestRule6_CSVReadAfterLoginReuse(t *testing.T) {
	snap := company()
	old := enrolment(1, user(snap, "sato"), false)
	old.GoneSince = now.Add(-72 * time.Hour)
	old.CalendarID, old.CalendarIDDefault = "leaver@group.calendar.google.com", false
	cur := enrolment(2, user(snap, "sato"), true)
	for i := range snap.Users {
		snap.Users[i].ID = ""
	}
	snap.Source.Kind = "csv"
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{old, cur}, []provision.Link{link(old, "1"), link(cur, "77")})
	for _, c := range p.Changes {
		if c.ObjectID == "1" || c.ObjectID == "2" || c.Key == "sato" {
			t.Errorf("a CSV read changed sato's enrolments: %+v (object %s)", briefs(&provision.Plan{Changes: []provision.Change{c}}), c.ObjectID)
		}
	}
}

func TestRule7_AutoStoppedNeverRestarted(t *testing.T) {
	snap := company()
	sato := enrolment(1, user(snap, "sato"), false) // was out of scope; now back in
	sato.AutoStop = AutoStop{Reason: StopForbidden, At: now.Add(-time.Hour)}
	suzuki := enrolment(2, user(snap, "suzuki"), false)
	suzuki.AutoStop = AutoStop{Reason: StopErrors, At: now.Add(-2 * time.Hour)}
	p := makePlan(t, newTarget(t, calConfig()), snap, []Enrolment{sato, suzuki}, []provision.Link{link(sato, "1"), link(suzuki, "2")})
	var found bool
	for _, c := range p.Changes {
		if c.Key != "sato" {
			continue
		}
		found = true
		if !c.HasFlag(FlagAutoStopped) {
			t.Errorf("sato's change lacks the auto_stopped flag: %v", c.Flags)
		}
		for _, f := range c.Fields {
			if f.Name != "permitted" {
				t.Errorf("sato's change touches %s", f.Name)
			}
		}
		if strings.Contains(string(c.Data), "stop") || strings.Contains(string(c.Data), "switch") {
			t.Errorf("change data touches the auto-stop or switch: %s", c.Data)
		}
	}
	if !found {
		t.Fatal("sato was not permitted again")
	}
	var warned, ja []string
	for _, w := range p.Warnings {
		if w.Code == WarnAutoStopped {
			warned = append(warned, w.Message)
			ja = append(ja, provision.IssueText(msg.Ja, w))
		}
	}
	if len(warned) != 2 || !strings.Contains(warned[0], "sato") || !strings.Contains(warned[1], "suzuki") ||
		!strings.Contains(warned[0], "an admin resumes it") || !strings.Contains(warned[1], "120 errors") {
		t.Errorf("auto-stop warnings = %q", warned)
	}
	if len(ja) != 2 || !strings.HasPrefix(ja[0], "sato：エラーによる自動停止") || !strings.Contains(ja[1], "24 時間以内に 120 回のエラー") {
		t.Errorf("auto-stop warnings in Japanese = %q", ja)
	}
}

func TestScopeUnknownCodesWarn(t *testing.T) {
	c := calConfig()
	c.Scope = `organization <= "salse" or organization <= "sales"`
	p := makePlan(t, newTarget(t, c), company(), nil, nil)
	if len(p.Warnings) != 1 || p.Warnings[0].Code != WarnScopeUnknown || !strings.Contains(p.Warnings[0].Message, `"salse"`) {
		t.Errorf("warnings = %+v", p.Warnings)
	}
	if len(p.Errors) != 0 || len(p.Changes) == 0 {
		t.Errorf("a scope that still matches someone: errors %+v, %d changes", p.Errors, len(p.Changes))
	}
}

// A scope that matches no active user is a plan error with no changes:
// a misspelt organization code must not disable every enrolment.
func TestScopeMatchingNobodyIsAnError(t *testing.T) {
	snap := company()
	sato := enrolment(1, user(snap, "sato"), true)
	for name, tc := range map[string]struct {
		scope, key string
	}{
		"an unknown organization": {`organization <= "salse"`, CodeScopeMatchesNobody + ".unknown"},
		"known codes, no one":     {`organization = "hq"`, CodeScopeMatchesNobody},
	} {
		t.Run(name, func(t *testing.T) {
			c := calConfig()
			c.Scope = tc.scope
			p := makePlan(t, newTarget(t, c), snap, []Enrolment{sato}, []provision.Link{link(sato, "1")})
			if len(p.Errors) != 1 || p.Errors[0].Code != CodeScopeMatchesNobody || p.Errors[0].TextKey() != tc.key || len(p.Changes) != 0 {
				t.Fatalf("errors %+v, %d changes; want one %s and no change", p.Errors, len(p.Changes), tc.key)
			}
			if ja := provision.IssueText(msg.Ja, p.Errors[0]); !strings.Contains(ja, "一致する有効なユーザーがいません") {
				t.Errorf("Japanese: %s", ja)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, c := range map[string]func(*config.Calendar){
		"scope":    func(c *config.Calendar) { c.Scope = `organization <== "x"` },
		"template": func(c *config.Calendar) { c.CalDAVURLTemplate = "http://dav.example.com/{login}/" },
		"target":   func(c *config.Calendar) { c.DefaultTarget = "outlook" },
	} {
		cfg := calConfig()
		c(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted a bad configuration", name)
		}
	}
}

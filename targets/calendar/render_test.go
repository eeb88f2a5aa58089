package calendar

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/provision"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

// TestPlanRenderingGolden renders a plan with every kind of calendar
// change — create, update with resets_sync, a login rename, disables for
// each reason, a delete — and the auto-stop and scope warnings, as text and
// as JSON.
func TestPlanRenderingGolden(t *testing.T) {
	snap := company()
	sato := enrolment(1, user(snap, "sato"), true)
	suzuki := enrolment(2, user(snap, "suzuki"), true)
	tanaka := enrolment(3, user(snap, "tanaka"), true)
	ito := enrolment(5, user(snap, "ito"), true)
	ito.CalendarID = ""
	ito.AutoStop = AutoStop{Reason: StopForbidden, At: now.Add(-3 * time.Hour)}
	kato := Enrolment{ID: 8, Login: "kato", Email: "kato@example.com", Name: "加藤 四郎", Permitted: true, Target: KindGoogle, CalendarID: "kato@example.com", CalendarIDDefault: true}
	old := Enrolment{ID: 9, Login: "yamada", Email: "yamada@example.com", Name: "山田 五郎", Target: KindGoogle, GoneSince: now.Add(-40 * 24 * time.Hour)}
	user(snap, "sato").Email = "ichiro.sato@example.com" // resets_sync
	user(snap, "suzuki").Login = "hanako.suzuki"         // rename, and out of scope
	snap.Users = append(snap.Users, directory.User{      // a new user in scope
		ID: "6", Login: "watanabe", DisplayName: "渡辺 六子", Email: "watanabe@example.com", Valid: true,
		PrimaryOrg: "sales", Memberships: []directory.Membership{{OrgCode: "sales"}},
	})
	snap.Sort()
	c := calConfig()
	c.Scope = `organization <= "sales" or group in ("calendar-pilot")`
	c.DeleteAfterDays = 30
	p := makePlan(t, newTarget(t, c), snap,
		[]Enrolment{sato, suzuki, tanaka, ito, kato, old},
		[]provision.Link{link(sato, "1"), link(suzuki, "2"), link(tanaka, "3"), link(ito, "5"), link(kato, "8"), link(old, "9")})
	var text, js bytes.Buffer
	if err := provision.RenderText(&text, p); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "plan.txt", text.Bytes())
	golden(t, "plan.json", js.Bytes())
}

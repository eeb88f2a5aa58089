package calendar

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/golden"
	"github.com/cybridge/cybridge/provision"
)

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
	if err := provision.RenderText(&text, p, provision.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "plan.txt"), text.Bytes())
	golden.Check(t, filepath.Join("testdata", "plan.json"), js.Bytes())
}

package web

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The pager: the page asked for (clamped), the rows shown, first/last and
// previous/next, numbered links around the page with gaps, and every link
// keeping the other query parameters.
func TestPaginate(t *testing.T) {
	for _, tc := range []struct {
		query       string
		total       int
		page, from  int
		to          int
		links       string // numbers, … for a gap, [n] the current one
		first, last bool
		prevAndNext [2]bool
	}{
		{"", 0, 1, 0, 0, "[1]", false, false, [2]bool{}},
		{"page=1", 450, 1, 0, 200, "[1] 2 3", false, true, [2]bool{false, true}},
		{"page=3&q=a", 450, 3, 400, 450, "1 2 [3]", true, false, [2]bool{true, false}},
		{"page=9&state=stopped", 450, 3, 400, 450, "1 2 [3]", true, false, [2]bool{true, false}},
		{"page=x", 450, 1, 0, 200, "[1] 2 3", false, true, [2]bool{false, true}},
		{"page=25&action=create&target=safety", 10_000, 25, 4800, 5000, "1 … 23 24 [25] 26 27 … 50", true, true, [2]bool{true, true}},
		{"page=2", 10_000, 2, 200, 400, "1 [2] 3 4 … 50", true, true, [2]bool{true, true}},
	} {
		u := &url.URL{Path: "/plan", RawQuery: tc.query}
		p := paginate(tc.total, 200, u)
		var links []string
		for _, l := range p.Links {
			switch {
			case l.Gap:
				links = append(links, "…")
			case l.Current:
				links = append(links, "["+itoa(l.Page)+"]")
			default:
				links = append(links, itoa(l.Page))
			}
			if l.Gap {
				continue
			}
			for _, k := range []string{"q", "state", "action", "target"} {
				if v := u.Query().Get(k); v != "" && !strings.Contains(string(l.Href), k+"="+v) {
					t.Errorf("%s: link %s drops %s", tc.query, l.Href, k)
				}
			}
			if !strings.HasPrefix(string(l.Href), "/plan?") {
				t.Errorf("%s: link %s is not to the page", tc.query, l.Href)
			}
		}
		got := []any{p.Page, p.From, p.To, strings.Join(links, " "), p.First != "", p.Last != "", [2]bool{p.Prev != "", p.Next != ""}}
		want := []any{tc.page, tc.from, tc.to, tc.links, tc.first, tc.last, tc.prevAndNext}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s of %d (-want +got):\n%s", tc.query, tc.total, diff)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// A department code the roster does not have is not found, not an empty
// list under "all departments".
func TestRosterUnknownDepartment(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	if st, _, body := e.get("/roster?dept=no-such-dept"); st != 404 || !strings.Contains(body, "no-such-dept") {
		t.Errorf("/roster?dept=no-such-dept = %d; want 404 naming the code", st)
	}
}

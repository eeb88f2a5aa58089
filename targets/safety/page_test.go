package safety_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cybridge/cybridge/fixtures"
	"github.com/cybridge/cybridge/targets/safety"
)

// ReadPage reads what the whole export shows, a page at a time: the same
// departments, direct member counts, and the members a query selects.
func TestReadPageAgreesWithExport(t *testing.T) {
	e := newEnv(t)
	e.mustApply(fixtures.Company())
	ctx := context.Background()
	e.roster(func(r *safety.Roster) error {
		if err := r.AddDepartment(ctx, safety.DepartmentInput{Code: "local", Name: "ローカル"}); err != nil {
			return err
		}
		if err := r.AddMember(ctx, safety.MemberInput{Login: "zz.nodept", Name: "所属 なし"}); err != nil {
			return err
		}
		return r.AddMember(ctx, safety.MemberInput{Login: "zz.local", Name: "ローカル 花子", Departments: []string{"local"}})
	})
	ex := e.export()
	counts, noDept := map[string]int{}, 0
	for _, m := range ex.Members {
		if len(m.Departments) == 0 {
			noDept++
		}
		for _, d := range m.Departments {
			counts[d]++
		}
	}
	dept := ex.Members[3].Departments[0]
	for _, tc := range []struct {
		name  string
		q     safety.PageQuery
		match func(safety.ExportMember) bool
	}{
		{"all, first page", safety.PageQuery{Limit: 10}, nil},
		{"all, a later page", safety.PageQuery{Offset: 20, Limit: 10}, nil},
		{"past the end", safety.PageQuery{Offset: 500, Limit: 10}, nil},
		{"one department", safety.PageQuery{Dept: dept, Limit: 100}, func(m safety.ExportMember) bool { return slices.Contains(m.Departments, dept) }},
		{"a roster-only department", safety.PageQuery{Dept: "local", Limit: 100}, func(m safety.ExportMember) bool { return slices.Contains(m.Departments, "local") }},
		{"no department", safety.PageQuery{NoDept: true, Limit: 100}, func(m safety.ExportMember) bool { return len(m.Departments) == 0 }},
		{"text, any case", safety.PageQuery{Text: "ZZ.", Limit: 100}, func(m safety.ExportMember) bool { return strings.HasPrefix(m.Login, "zz.") }},
		{"unknown department", safety.PageQuery{Dept: "nope", Limit: 100}, func(safety.ExportMember) bool { return false }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []safety.ExportMember
			matched := 0
			for _, m := range ex.Members {
				if tc.match == nil || tc.match(m) {
					if matched >= tc.q.Offset && len(want) < tc.q.Limit {
						want = append(want, m)
					}
					matched++
				}
			}
			p, err := safety.ReadPage(ctx, e.store, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, p.Members, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("members (-export +page):\n%s", diff)
			}
			if p.Matched != matched || p.All != len(ex.Members) || p.NoDept != noDept {
				t.Errorf("matched %d, all %d, no department %d; want %d, %d, %d", p.Matched, p.All, p.NoDept, matched, len(ex.Members), noDept)
			}
			if diff := cmp.Diff(ex.Departments, p.Departments); diff != "" {
				t.Errorf("departments (-export +page):\n%s", diff)
			}
			if diff := cmp.Diff(counts, p.Counts); diff != "" {
				t.Errorf("counts (-export +page):\n%s", diff)
			}
		})
	}
}

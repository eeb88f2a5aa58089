package provision

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
)

// Loaded is one target with the state and links it was loaded with.
type Loaded struct {
	Target Target
	State  State
	Links  []Link
}

// PlanRequest is the planner's whole input.
type PlanRequest struct {
	Snapshot *directory.Snapshot
	Targets  []Loaded
	// LinkedDomain is the domain the database is linked to ("" = none yet).
	LinkedDomain string
	// SwitchDomain allows planning from another domain (rule 16).
	SwitchDomain bool
	// Now becomes the plan's creation time.
	Now time.Time
}

// MakePlan computes the plan. It is a pure function of its input.
//
// Rule 16 (one database follows one cybozu.com domain) is checked here for
// every target: a snapshot from another domain is an error unless
// SwitchDomain is set. Switching keeps the links but drops their ids
// (ids belong to the old domain), so objects are matched again by code,
// login or email; linked objects the new domain does not have are deleted,
// and the delete safeguards still apply.
func MakePlan(req PlanRequest) *Plan {
	snap := req.Snapshot
	p := &Plan{
		FormatVersion: FormatVersion,
		CreatedAt:     req.Now.UTC(),
		Source: Source{
			Kind: string(snap.Source.Kind), Domain: snap.Source.Domain, Digest: snap.Digest(),
			ReadAt: snap.ReadAt.UTC(), Users: len(snap.Users), Organizations: len(snap.Organizations),
		},
		LinkedDomain: req.LinkedDomain,
		SwitchDomain: req.SwitchDomain,
		Changes:      []Change{},
		Errors:       []Issue{},
		Warnings:     []Issue{},
	}
	for _, l := range req.Targets {
		p.Targets = append(p.Targets, TargetInfo{
			Name: l.Target.Name(), Digest: targetDigest(l.Target, l.State, l.Links), Linked: len(l.Links), Kinds: l.Target.Kinds(),
		})
	}
	p.Summary = summarize(nil, p.Targets)

	stripIDs := false
	if d := snap.Source.Domain; req.LinkedDomain != "" && d != "" && !strings.EqualFold(d, req.LinkedDomain) {
		if !req.SwitchDomain {
			p.Errors = append(p.Errors, issue(CodeDomainMismatch, msg.Params{"linked": req.LinkedDomain, "domain": d}))
			return p
		}
		stripIDs = true
		n := 0
		for _, l := range req.Targets {
			n += len(l.Links)
		}
		p.Warnings = append(p.Warnings, issue(CodeDomainSwitch, msg.Params{"linked": req.LinkedDomain, "domain": d, "links": n}))
	}

	ix := directory.NewIndex(snap)
	for _, l := range req.Targets {
		links := append([]Link(nil), l.Links...)
		if stripIDs {
			for i := range links {
				links[i].Dir.ID = ""
			}
		}
		SortLinks(links)
		tp := l.Target.Plan(PlanInput{Snapshot: snap, Index: ix, Links: links, Now: req.Now}, l.State)
		name := l.Target.Name()
		for i := range tp.Changes {
			tp.Changes[i].Target = name
		}
		for i := range tp.Errors {
			tp.Errors[i].Target = name
		}
		for i := range tp.Warnings {
			tp.Warnings[i].Target = name
		}
		p.Changes = append(p.Changes, tp.Changes...)
		p.Errors = append(p.Errors, tp.Errors...)
		p.Warnings = append(p.Warnings, tp.Warnings...)
	}
	sortChanges(p.Changes, p.Targets)
	p.Summary = summarize(p.Changes, p.Targets)
	return p
}

// SortLinks puts links in (target, kind, object id) order.
func SortLinks(links []Link) {
	sort.Slice(links, func(i, j int) bool {
		a, b := &links[i], &links[j]
		if a.Target != b.Target {
			return a.Target < b.Target
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.ObjectID < b.ObjectID
	})
}

// StateDigest identifies a target's state together with its links.
func StateDigest(st State, links []Link) string {
	h := sha256.New()
	io.WriteString(h, st.Digest())
	sorted := append([]Link(nil), links...)
	SortLinks(sorted)
	for _, l := range sorted {
		fmt.Fprintf(h, "\n%s\x00%s\x00%s\x00%s\x00%s", l.Target, l.Kind, l.ObjectID, l.Dir.ID, l.Dir.Key)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// sortChanges puts changes in the deterministic order (target as listed,
// kind as the target lists them, action, key).
func sortChanges(changes []Change, targets []TargetInfo) {
	tOrder := map[string]int{}
	kOrder := map[string]int{}
	for i, t := range targets {
		tOrder[t.Name] = i
		for j, k := range t.Kinds {
			kOrder[t.Name+"\x00"+k.Kind] = j
		}
	}
	sort.SliceStable(changes, func(i, j int) bool {
		a, b := &changes[i], &changes[j]
		if a.Target != b.Target {
			ta, oka := tOrder[a.Target]
			tb, okb := tOrder[b.Target]
			if oka && okb {
				return ta < tb
			}
			return a.Target < b.Target
		}
		if a.Kind != b.Kind {
			return kOrder[a.Target+"\x00"+a.Kind] < kOrder[b.Target+"\x00"+b.Kind]
		}
		if a.Action != b.Action {
			return a.Action.rank() < b.Action.rank()
		}
		return a.Key < b.Key
	})
}

// summarize counts changes, with zeros for every action of every kind.
func summarize(changes []Change, targets []TargetInfo) Summary {
	s := Summary{}
	plural := map[string]string{}
	for _, t := range targets {
		kinds := map[string]map[Action]int{}
		for _, k := range t.Kinds {
			counts := map[Action]int{}
			for _, a := range k.Actions {
				counts[a] = 0
			}
			kinds[k.Plural] = counts
			plural[t.Name+"\x00"+k.Kind] = k.Plural
		}
		s[t.Name] = kinds
	}
	for _, c := range changes {
		kinds := s[c.Target]
		if kinds == nil {
			kinds = map[string]map[Action]int{}
			s[c.Target] = kinds
		}
		p := plural[c.Target+"\x00"+c.Kind]
		if p == "" {
			p = c.Kind
		}
		if kinds[p] == nil {
			kinds[p] = map[Action]int{}
		}
		kinds[p][c.Action]++
	}
	return s
}

// issue is a plan error or warning of code with p, its English Message
// rendered from the catalogue.
func issue(code string, p msg.Params) Issue {
	return Issue{Code: code, Params: p, Message: msg.Text(msg.En, code, p)}
}

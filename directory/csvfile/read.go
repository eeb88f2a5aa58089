package csvfile

import (
	"github.com/cybridge/cybridge/internal/msg"

	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/cybridge/cybridge/directory"
)

// Files names the export files to read (paths). Users is required;
// Orgs and UserOrgs go together, as do Groups and UserGroups; Titles is
// optional.
type Files struct {
	Users      string // user.csv
	Orgs       string // organization.csv
	UserOrgs   string // userOrganizations.csv
	Titles     string // title.csv
	Groups     string // group.csv
	UserGroups string // userGroups.csv
}

// Get returns the path given for a kind of file ("" when none).
func (f Files) Get(k Kind) string {
	if p := f.field(k); p != nil {
		return *p
	}
	return ""
}

// Set sets the path for a kind of file.
func (f *Files) Set(k Kind, path string) {
	if p := f.field(k); p != nil {
		*p = path
	}
}

func (f *Files) field(k Kind) *string {
	switch k {
	case KindUsers:
		return &f.Users
	case KindOrgs:
		return &f.Orgs
	case KindUserOrgs:
		return &f.UserOrgs
	case KindTitles:
		return &f.Titles
	case KindGroups:
		return &f.Groups
	case KindUserGroups:
		return &f.UserGroups
	}
	return nil
}

// Options say how to read the files. The zero value auto-detects
// everything.
type Options struct {
	// Encoding: "" or "auto" (UTF-8 byte order mark → UTF-8; valid UTF-8
	// → UTF-8; else Shift_JIS), "shift_jis" (Windows-31J), "utf-8",
	// "latin1", "gbk".
	Encoding string
	// Separator: "" or "auto" (from the first rows), "comma",
	// "semicolon", "tab", "space".
	Separator string
	// Header: nil detects a header row by its names; true / false force it.
	Header *bool
	// CustomItems names (by code, in display order) the custom-item
	// columns after 削除 of a user file without a header row. With a
	// header row the header names them.
	CustomItems []string
	// NeedOrganizations requires organization.csv and userOrganizations.csv:
	// the snapshot is planned for a target that keeps departments, and
	// without them every organization and membership would read as gone.
	NeedOrganizations bool
	// Domain is recorded as the snapshot's domain (the files do not say).
	Domain string
	// Now gives the read time; time.Now when nil.
	Now func() time.Time
}

type readOptions struct {
	enc         encodingID
	sep         rune
	header      *bool
	customItems []string
}

// Read reads a set of cybozu.com export files into a snapshot (source kind
// csv), sorted. It returns either a complete, valid snapshot or an *Error
// listing every problem found — in the files (file, line, column) and in
// the directory they describe (Snapshot.Validate, with file and line) —
// never a partial snapshot. A canceled context returns ctx.Err().
func Read(ctx context.Context, files Files, opt Options) (*directory.Snapshot, error) {
	return read(ctx, func(name string) (io.ReadCloser, error) { return os.Open(name) }, files, opt)
}

// ReadFS is Read with the files taken from fsys (e.g. uploaded files held
// in memory).
func ReadFS(ctx context.Context, fsys fs.FS, files Files, opt Options) (*directory.Snapshot, error) {
	return read(ctx, func(name string) (io.ReadCloser, error) { return fsys.Open(name) }, files, opt)
}

// reader is the state of one Read.
type reader struct {
	snap  *directory.Snapshot
	probs problems

	userList   userList                      // users being read
	users      map[string]int                // login → index in snap.Users
	orgs       map[string]bool               // organization codes
	titles     map[string]directory.Location // title codes
	groups     map[string]int                // group code → index in snap.Groups
	haveTitles bool
	usedTitles map[string]bool // title codes in memberships when there is no title.csv
	parents    []parentRef

	// Rows with problems are left out of the snapshot; references to them
	// from other files are not reported again.
	skippedUsers, skippedOrgs, skippedTitles, skippedGroups map[string]bool
	// failed: files that could not be read at all.
	failed [numKinds]bool
	// names: column names per file, for Validate's problems.
	names map[string][]string
}

func read(ctx context.Context, open opener, files Files, opt Options) (*directory.Snapshot, error) {
	r := &reader{
		snap:          &directory.Snapshot{Source: directory.Source{Kind: directory.SourceCSV, Domain: opt.Domain}},
		users:         map[string]int{},
		orgs:          map[string]bool{},
		titles:        map[string]directory.Location{},
		groups:        map[string]int{},
		usedTitles:    map[string]bool{},
		skippedUsers:  map[string]bool{},
		skippedOrgs:   map[string]bool{},
		skippedTitles: map[string]bool{},
		skippedGroups: map[string]bool{},
		names:         map[string][]string{},
	}
	o, err := r.options(files, opt)
	if err != nil {
		return nil, err
	}
	r.haveTitles = files.Titles != ""

	// Referenced files first, so that references are checked as read.
	for _, k := range []Kind{KindOrgs, KindTitles, KindUsers, KindUserOrgs, KindGroups, KindUserGroups} {
		name := files.Get(k)
		if name == "" {
			continue
		}
		t := openTable(ctx, open, name, k, o, &r.probs)
		if t == nil {
			r.failed[k] = true
			continue
		}
		ok := true
		switch k {
		case KindUsers:
			ok = readFixed(t, userColumns, o, r.skippedUsers, r.userRow)
			r.snap.Users = r.userList.take()
			for i, u := range r.snap.Users {
				if _, dup := r.users[u.Login]; !dup {
					r.users[u.Login] = i
				}
			}
		case KindOrgs:
			ok = readFixed(t, orgColumns, o, r.skippedOrgs, r.orgRow)
		case KindUserOrgs:
			ok = r.readUserOrgs(t, o)
		case KindTitles:
			ok = readFixed(t, titleColumns, o, r.skippedTitles, r.titleRow)
		case KindGroups:
			ok = readFixed(t, groupColumns, o, r.skippedGroups, r.groupRow)
		case KindUserGroups:
			ok = r.readUserGroups(t, o)
		}
		t.close()
		if t.err != nil {
			return nil, t.err
		}
		r.names[t.file] = t.names
		// A file not read to its end: what other files name in it is
		// not reported as unknown.
		r.failed[k] = !ok || t.broken
	}
	r.checkParents()
	if !r.haveTitles {
		for code := range r.usedTitles {
			// Without title.csv the names are unknown.
			r.snap.Titles = append(r.snap.Titles, directory.Title{Code: code})
		}
	}
	r.validate()
	if err := r.probs.err(); err != nil {
		return nil, err
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	r.snap.ReadAt = now().UTC()
	r.snap.Sort()
	return r.snap, nil
}

// options checks the files and options given.
func (r *reader) options(files Files, opt Options) (*readOptions, error) {
	var p problems
	usage := func(key string, params msg.Params) {
		p.add(&RowError{File: filesLabel, Err: newProblem(key, params)})
	}
	o := &readOptions{header: opt.Header, customItems: opt.CustomItems}
	var err error
	if o.enc, err = parseEncoding(opt.Encoding); err != nil {
		usage("csv.invalid_option.encoding", msg.Params{"value": opt.Encoding})
	}
	if o.sep, err = parseSeparator(opt.Separator); err != nil {
		usage("csv.invalid_option.separator", msg.Params{"value": opt.Separator})
	}
	if files.Users == "" {
		usage("csv.invalid_option.no_users", msg.Params{"name": KindUsers.FileName()})
	}
	together := func(a, b Kind, situation string) {
		if (files.Get(a) == "") != (files.Get(b) == "") {
			usage("csv.invalid_option."+situation, msg.Params{"name": a.FileName(), "other": b.FileName()})
		}
	}
	together(KindOrgs, KindUserOrgs, "orgs_together")
	if opt.NeedOrganizations && files.Orgs == "" && files.UserOrgs == "" {
		usage("csv.invalid_option.need_orgs", msg.Params{"name": KindOrgs.FileName(), "other": KindUserOrgs.FileName()})
	}
	together(KindGroups, KindUserGroups, "groups_together")
	if err := p.err(); err != nil {
		return nil, err
	}
	return o, nil
}

// checkParents reports 親組織コード values naming no organization, at the
// cell (Validate would report them only at the organization's row).
func (r *reader) checkParents() {
	for _, p := range r.parents {
		if r.orgs[p.parent] || r.skippedOrgs[p.parent] {
			continue
		}
		r.probs.add(&RowError{File: p.file, Line: p.rec.lineOf(p.col), Column: p.col + 1, Field: r.nameOf(p.file, p.col),
			Err: newProblem("csv.unknown_reference.parent", msg.Params{"org": p.org, "parent": p.parent})})
	}
}

func (r *reader) nameOf(file string, col int) string {
	names := r.names[file]
	if col >= 0 && col < len(names) {
		return names[col]
	}
	return ""
}

// validate runs Snapshot.Validate and reports its problems with file,
// line and column. References (unknown organizations, parents, users) were
// checked while reading, at the exact cell, and are not reported twice.
func (r *reader) validate() {
	err := r.snap.Validate()
	var ve *directory.ValidationError
	if !errors.As(err, &ve) {
		return
	}
	for _, p := range ve.Problems {
		pr := &problem{code: p.Code, key: p.TextKey(), params: p.Params}
		switch p.Code {
		case directory.ProblemUnknownOrg, directory.ProblemUnknownParent, directory.ProblemUnknownUser:
			continue
		case directory.ProblemDuplicateLogin, directory.ProblemDuplicateOrgCode, directory.ProblemDuplicateGroup:
			pr.sentinel = ErrDuplicate
		}
		r.probs.add(&RowError{File: p.Location.File, Line: p.Location.Line, Column: p.Location.Column,
			Field: r.nameOf(p.Location.File, p.Location.Column-1), Err: pr})
	}
}

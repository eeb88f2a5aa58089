package csvfile

import (
	"github.com/cybridge/cybridge/internal/msg"

	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FindInDir finds the export files in dir: by the names cybozu.com gives
// them (user.csv, organization.csv, userOrganizations.csv, title.csv,
// group.csv, userGroups.csv; any letter case), or, for a kind not found by
// name, by the header row of the other .csv/.txt/.tsv files (a browser
// may save "user (1).csv"). Two files with the header of the same kind
// are an error: cybridge does not guess which one is meant. Files without
// a header row can only be found by name. The users file is required
// (ErrNoUsersFile); with an error, the files that were found are returned
// too.
func FindInDir(dir string) (Files, error) {
	var p problems
	entries, err := os.ReadDir(dir)
	if err != nil {
		p.add(&RowError{File: dir, Err: newProblem("csv.unreadable.folder", nil).causedBy(err)})
		return Files{}, p.err()
	}
	var files Files
	used := map[string]bool{}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		for k := Kind(0); k < numKinds; k++ {
			if strings.EqualFold(e.Name(), k.FileName()) && files.Get(k) == "" {
				files.Set(k, filepath.Join(dir, e.Name()))
				used[e.Name()] = true
			}
		}
	}
	candidates := map[Kind][]string{}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if !e.Type().IsRegular() || used[e.Name()] || (ext != ".csv" && ext != ".txt" && ext != ".tsv") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if k, ok := sniffKind(path); ok && files.Get(k) == "" {
			candidates[k] = append(candidates[k], path)
		}
	}
	for k := Kind(0); k < numKinds; k++ {
		switch c := candidates[k]; {
		case len(c) == 1:
			files.Set(k, c[0])
		case len(c) > 1:
			names := make([]string, len(c))
			for i, path := range c {
				names[i] = filepath.Base(path)
			}
			sort.Strings(names)
			p.add(&RowError{File: dir, Err: newProblem("csv.ambiguous_file", msg.Params{
				"count": len(c), "export": k.name(), "names": names, "name": k.FileName()})})
		}
	}
	if files.Users == "" && p.count() == 0 {
		p.add(&RowError{File: dir, Err: newProblem("csv.no_users_file", msg.Params{"name": KindUsers.FileName()})})
	}
	if err := p.err(); err != nil {
		return files, err
	}
	return files, nil
}

// sniffKind reads the first row of a file and says which export it is.
func sniffKind(path string) (Kind, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	open := func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(head)), nil }
	var p problems
	t := openTable(context.Background(), open, path, KindUsers, &readOptions{}, &p)
	if t == nil {
		return 0, false
	}
	defer t.close()
	rec, ok := t.next()
	if !ok {
		return 0, false
	}
	return classifyHeader(rec.fields)
}

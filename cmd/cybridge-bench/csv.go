package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/csvfile"
)

// csvResult is the CSV part's measurements.
type csvResult struct {
	Parse []time.Duration // per run
	Bytes int64           // size of the six files
	Users int64           // size of user.csv
}

// measureCSV writes snap as a cybozu.com export (the export's defaults:
// Shift_JIS, comma, CRLF, Japanese header) into dir and times reading the
// whole set back — users, organizations, memberships, titles, groups,
// group memberships, with auto-detected encoding and separator, as `plan
// -source csv` reads them — runs times.
func measureCSV(ctx context.Context, snap *directory.Snapshot, dir string, runs int) (csvResult, error) {
	files, err := csvfile.WriteDir(dir, snap, csvfile.WriteOptions{})
	if err != nil {
		return csvResult{}, fmt.Errorf("write CSV export: %w", err)
	}
	var res csvResult
	for _, k := range []csvfile.Kind{csvfile.KindUsers, csvfile.KindOrgs, csvfile.KindUserOrgs, csvfile.KindTitles, csvfile.KindGroups, csvfile.KindUserGroups} {
		fi, err := os.Stat(files.Get(k))
		if err != nil {
			return csvResult{}, err
		}
		res.Bytes += fi.Size()
		if k == csvfile.KindUsers {
			res.Users = fi.Size()
		}
	}
	for range runs {
		start := time.Now()
		got, err := csvfile.Read(ctx, files, csvfile.Options{})
		d := time.Since(start)
		if err != nil {
			return csvResult{}, fmt.Errorf("read CSV export: %w", err)
		}
		if err := sameShape(snap, got); err != nil {
			return csvResult{}, fmt.Errorf("read CSV export: %w", err)
		}
		res.Parse = append(res.Parse, d)
	}
	return res, nil
}

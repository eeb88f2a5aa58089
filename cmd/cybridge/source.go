package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/internal/app"
)

// sourceFlags are the flags that choose where the directory is read from
// (SPEC §8.1): app.Overrides of the configured source.
type sourceFlags struct {
	o app.Overrides
}

func addSourceFlags(fs *flag.FlagSet) *sourceFlags {
	s := &sourceFlags{}
	fs.StringVar(&s.o.Kind, "source", "", "where to read the directory: "+strings.Join(app.SourceKinds(), " or ")+" (default from config, else api)")
	fs.StringVar(&s.o.CSVDir, "csv-dir", "", "folder with cybozu.com CSV exports (found by file name or header row)")
	fs.StringVar(&s.o.Files.Users, "csv-users", "", "users CSV export (user.csv)")
	fs.StringVar(&s.o.Files.Orgs, "csv-orgs", "", "organizations CSV export (organization.csv)")
	fs.StringVar(&s.o.Files.UserOrgs, "csv-user-orgs", "", "user-organizations CSV export (userOrganizations.csv)")
	fs.StringVar(&s.o.Files.Titles, "csv-titles", "", "titles CSV export (title.csv)")
	fs.StringVar(&s.o.Files.Groups, "csv-groups", "", "groups CSV export (group.csv)")
	fs.StringVar(&s.o.Files.UserGroups, "csv-user-groups", "", "user-groups CSV export (userGroups.csv)")
	fs.StringVar(&s.o.Encoding, "csv-encoding", "", "CSV encoding: "+strings.Join(csvfile.Encodings(), ", ")+" (default from config, else auto)")
	fs.StringVar(&s.o.Separator, "csv-separator", "", "CSV separator: "+strings.Join(csvfile.Separators(), ", ")+" (default from config, else auto)")
	return s
}

// flagOf names the flag of an override (app.OverrideError.Field).
func flagOf(field string) string {
	switch field {
	case "kind":
		return "source"
	case "encoding":
		return "csv-encoding"
	}
	return "csv-separator"
}

// check refuses unknown -source, -csv-encoding and -csv-separator values
// (the values the configuration keys take) before anything is read or
// recorded.
func (s *sourceFlags) check() error {
	var oe *app.OverrideError
	if err := s.o.Check(); errors.As(err, &oe) {
		return usageErrorf("-%s %q: use %s", flagOf(oe.Field), oe.Value, strings.Join(oe.Allowed, ", "))
	} else if err != nil {
		return err
	}
	return nil
}

package main

import (
	"context"
	"flag"
	"slices"
	"strings"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
)

// sourceFlags are the flags that choose where the directory is read from
// (SPEC §8.1). Values not given on the command line come from the config.
type sourceFlags struct {
	kind         string // api | csv; "" = config
	csvDir       string
	csvUsers     string
	csvOrgs      string
	csvUserOrgs  string
	csvTitles    string
	csvGroups    string
	csvUserGroup string
	csvEncoding  string
	csvSeparator string
}

func addSourceFlags(fs *flag.FlagSet) *sourceFlags {
	s := &sourceFlags{}
	fs.StringVar(&s.kind, "source", "", "where to read the directory: api or csv (default from config, else api)")
	fs.StringVar(&s.csvDir, "csv-dir", "", "folder with cybozu.com CSV exports (found by file name or header row)")
	fs.StringVar(&s.csvUsers, "csv-users", "", "users CSV export (user.csv)")
	fs.StringVar(&s.csvOrgs, "csv-orgs", "", "organizations CSV export (organization.csv)")
	fs.StringVar(&s.csvUserOrgs, "csv-user-orgs", "", "user-organizations CSV export (userOrganizations.csv)")
	fs.StringVar(&s.csvTitles, "csv-titles", "", "titles CSV export (title.csv)")
	fs.StringVar(&s.csvGroups, "csv-groups", "", "groups CSV export (group.csv)")
	fs.StringVar(&s.csvUserGroup, "csv-user-groups", "", "user-groups CSV export (userGroups.csv)")
	fs.StringVar(&s.csvEncoding, "csv-encoding", "", "CSV encoding: auto, shift_jis, utf-8, latin1, gbk (default from config, else auto)")
	fs.StringVar(&s.csvSeparator, "csv-separator", "", "CSV separator: auto, comma, semicolon, tab, space (default from config, else auto)")
	return s
}

// check refuses unknown -source, -csv-encoding and -csv-separator values
// (the values the configuration keys take) before anything is read or
// recorded.
func (s *sourceFlags) check() error {
	for _, f := range []struct {
		name, value string
		allowed     []string
	}{
		{"source", s.kind, []string{"api", "csv"}},
		{"csv-encoding", s.csvEncoding, []string{"auto", "shift_jis", "utf-8", "latin1", "gbk"}},
		{"csv-separator", s.csvSeparator, []string{"auto", "comma", "semicolon", "tab", "space"}},
	} {
		if f.value != "" && !slices.Contains(f.allowed, f.value) {
			return usageErrorf("-%s %q: use %s", f.name, f.value, strings.Join(f.allowed, ", "))
		}
	}
	return nil
}

// resolvedKind is the source kind after flags and config: explicit CSV
// file flags imply csv.
func (s *sourceFlags) resolvedKind(cfg *config.Config) string {
	switch {
	case s.kind != "":
		return s.kind
	case s.csvDir != "" || s.csvUsers != "":
		return "csv"
	default:
		return cfg.Source.Kind
	}
}

// readSource reads and validates the whole directory from the chosen
// source. It returns a snapshot only when the read was complete and valid:
// nothing downstream may act on a partial read.
func (e *env) readSource(ctx context.Context, cfg *config.Config, s *sourceFlags) (*directory.Snapshot, error) {
	switch k := s.resolvedKind(cfg); k {
	case "api":
		return e.readAPISource(ctx, cfg)
	case "csv":
		return e.readCSVSource(ctx, cfg, s, true)
	default:
		return nil, usageErrorf("-source %q: use api or csv", k)
	}
}

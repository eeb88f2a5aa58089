package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/msg"
)

// sourceFlags registers the flags that choose where the directory is read
// from (SPEC §8.1): app.Overrides of the configured source.
func sourceFlags(fs *flag.FlagSet, o *app.Overrides) {
	fs.StringVar(&o.Kind, "source", "", "cli.flag.source")
	fs.StringVar(&o.CSVDir, "csv-dir", "", "cli.flag.csv_dir")
	fs.StringVar(&o.Files.Users, "csv-users", "", "cli.flag.csv_users")
	fs.StringVar(&o.Files.Orgs, "csv-orgs", "", "cli.flag.csv_orgs")
	fs.StringVar(&o.Files.UserOrgs, "csv-user-orgs", "", "cli.flag.csv_user_orgs")
	fs.StringVar(&o.Files.Titles, "csv-titles", "", "cli.flag.csv_titles")
	fs.StringVar(&o.Files.Groups, "csv-groups", "", "cli.flag.csv_groups")
	fs.StringVar(&o.Files.UserGroups, "csv-user-groups", "", "cli.flag.csv_user_groups")
	fs.StringVar(&o.Encoding, "csv-encoding", "", "cli.flag.csv_encoding")
	fs.StringVar(&o.Separator, "csv-separator", "", "cli.flag.csv_separator")
}

// flagOf names the flag of an override (app.OverrideError.Field).
func flagOf(field string) string {
	switch field {
	case "kind":
		return "-source"
	case "encoding":
		return "-csv-encoding"
	}
	return "-csv-separator"
}

// checkSource refuses unknown -source, -csv-encoding and -csv-separator
// values (the values the configuration keys take) before anything is read
// or recorded.
func checkSource(o app.Overrides) error {
	var oe *app.OverrideError
	if err := o.Check(); errors.As(err, &oe) {
		return cli.Usage("cli.usage.value", msg.Params{"flag": flagOf(oe.Field), "value": oe.Value, "allowed": strings.Join(oe.Allowed, ", ")})
	} else if err != nil {
		return err
	}
	return nil
}

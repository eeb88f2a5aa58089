package main

import (
	"context"
	"errors"
	"net/url"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/csvfile"
)

// readCSVSource reads the directory from cybozu.com CSV exports (SPEC §4):
// the files of -csv-dir (else source.csv_dir), found by name or header
// row, with -csv-users, -csv-orgs, … naming or overriding single files;
// the encoding and separator from -csv-encoding / -csv-separator, else the
// config. Like readAPI it drops the built-in Administrator unless configured
// otherwise. It returns a complete, valid snapshot, or a *csvfile.Error
// (csv_invalid) listing every problem with file, line and column. forPlan
// says the snapshot is planned from: the safety roster then needs the
// organization files (the users file alone would read every department as
// gone); check summarizes whatever files it is given.
func (e *env) readCSVSource(ctx context.Context, cfg *config.Config, s *sourceFlags, forPlan bool) (*directory.Snapshot, error) {
	files, err := s.csvFiles(cfg)
	if err != nil {
		return nil, err
	}
	opt := csvfile.Options{
		Encoding:          first(s.csvEncoding, cfg.Source.CSVEncoding),
		Separator:         first(s.csvSeparator, cfg.Source.CSVSeparator),
		NeedOrganizations: forPlan && cfg.Safety.Enabled,
		Domain:            domainOf(cfg.Cybozu.URL),
	}
	snap, err := csvfile.Read(ctx, files, opt)
	if err != nil {
		return nil, err
	}
	if !cfg.Cybozu.IncludeAdministrator {
		snap.DropUser(directory.AdministratorLogin)
	}
	return snap, nil
}

// csvFiles works out which files to read: the folder's, then the files
// named one by one.
func (s *sourceFlags) csvFiles(cfg *config.Config) (csvfile.Files, error) {
	explicit := map[csvfile.Kind]string{
		csvfile.KindUsers: s.csvUsers, csvfile.KindOrgs: s.csvOrgs, csvfile.KindUserOrgs: s.csvUserOrgs,
		csvfile.KindTitles: s.csvTitles, csvfile.KindGroups: s.csvGroups, csvfile.KindUserGroups: s.csvUserGroup,
	}
	var files csvfile.Files
	if dir := first(s.csvDir, cfg.Source.CSVDir); dir != "" {
		found, err := csvfile.FindInDir(dir)
		// A folder without user.csv is fine when -csv-users names it.
		if err != nil && !(s.csvUsers != "" && onlyNoUsersFile(err)) {
			return csvfile.Files{}, err
		}
		files = found
	}
	for k, path := range explicit {
		if path != "" {
			files.Set(k, path)
		}
	}
	if files.Users == "" {
		return csvfile.Files{}, usageErrorf("-source csv needs the exported files: -csv-dir DIR (or source.csv_dir in the config), or -csv-users FILE with -csv-orgs, -csv-user-orgs, …")
	}
	return files, nil
}

// onlyNoUsersFile reports whether FindInDir's only complaint is the
// missing users file.
func onlyNoUsersFile(err error) bool {
	var ce *csvfile.Error
	return errors.As(err, &ce) && len(ce.Problems) == 1 && errors.Is(ce.Problems[0], csvfile.ErrNoUsersFile)
}

// domainOf is the host of the configured cybozu.com URL: the domain the
// exports came from, as the API source records it ("" when not set).
func domainOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// first returns the first non-empty value.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/directory/cybozu"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// Source kinds.
const (
	SourceAPI = "api"
	SourceCSV = "csv"
)

// SourceKinds returns the values Overrides.Kind (and source.kind) take.
func SourceKinds() []string { return []string{SourceAPI, SourceCSV} }

// Overrides choose a source other than the configured one, setting by
// setting (SPEC §8.1: the CLI's -source and -csv-* flags); a zero field
// keeps the configuration's.
type Overrides struct {
	Kind   string // api or csv; "" = source.kind, or csv when CSVDir or Files.Users is set
	CSVDir string // a folder of exports, found by file name or header row
	// Files name single export files, each one replacing the folder's.
	Files     csvfile.Files
	Encoding  string // one of csvfile.Encodings
	Separator string // one of csvfile.Separators
	Header    *bool  // the first row holds column names; nil detects it
}

// OverrideError is an override with a value not allowed.
type OverrideError struct {
	Field   string // kind, encoding or separator
	Value   string
	Allowed []string
}

func (e *OverrideError) Error() string {
	return fmt.Sprintf("source %s %q: use %s", e.Field, e.Value, strings.Join(e.Allowed, ", "))
}

// ErrorCode is usage: the value was given by whoever asked.
func (e *OverrideError) ErrorCode() string { return msg.CodeUsage }

// Check refuses a kind, encoding or separator that is not allowed, before
// anything is read or recorded.
func (o Overrides) Check() error {
	for _, f := range []struct {
		name, value string
		allowed     []string
	}{
		{"kind", o.Kind, SourceKinds()},
		{"encoding", o.Encoding, csvfile.Encodings()},
		{"separator", o.Separator, csvfile.Separators()},
	} {
		if f.value != "" && !slices.Contains(f.allowed, f.value) {
			return &OverrideError{Field: f.name, Value: f.value, Allowed: f.allowed}
		}
	}
	return nil
}

// Source is where a run reads the directory: the configuration's source
// with overrides. It is a value; reading has no effect on it.
type Source struct {
	cfg      *config.Config
	o        Overrides
	progress io.Writer
	// watch, when set, is told the User API read's progress (a job's
	// counts); a CSV read has none to tell.
	watch func(cybozu.Progress)
}

// watching is s telling the User API read's progress to watch too.
func (s *Source) watching(watch func(cybozu.Progress)) *Source {
	c := *s
	c.watch = watch
	return &c
}

// NewSource is the source of cfg with the overrides o (checked), showing
// progress as opt says.
func NewSource(cfg *config.Config, o Overrides, opt Options) (*Source, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	return &Source{cfg: cfg, o: o, progress: opt.Progress}, nil
}

// Source is the configured source (no overrides), showing progress as the
// App does.
func (a *App) Source() *Source { return a.WithOverrides(Overrides{}) }

// WithOverrides is the configured source with o; o must have passed Check
// (the kind is checked again when read).
func (a *App) WithOverrides(o Overrides) *Source {
	return &Source{cfg: a.cfg, o: o, progress: a.progress}
}

// Kind is the source kind after overrides and config: CSV files named
// by override imply csv.
func (s *Source) Kind() string {
	switch {
	case s.o.Kind != "":
		return s.o.Kind
	case s.o.CSVDir != "" || s.o.Files.Users != "":
		return SourceCSV
	default:
		return s.cfg.Source.Kind
	}
}

// Describe is the source as the history records it, before it is read
// (for a run whose read fails).
func (s *Source) Describe() provision.RunSource {
	return provision.RunSource{Kind: s.Kind(), Domain: domainOf(s.cfg.Cybozu.URL)}
}

// Read reads the whole directory, drops the built-in Administrator unless
// cybozu.include_administrator says otherwise, and validates it (a CSV
// read is validated by csvfile.Read itself, with file and line). It
// returns a snapshot only when the read was complete and valid (else a
// *cybozu.Error, a *csvfile.Error listing every problem with file, line and
// column, or a *directory.ValidationError): nothing downstream may act on
// a partial read.
func (s *Source) Read(ctx context.Context) (*directory.Snapshot, error) {
	snap, client, err := s.read(ctx, true)
	if err != nil {
		return nil, err
	}
	if client != nil {
		if err := snap.Validate(); err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// read reads the directory and drops the Administrator — the one place
// that does — without validating. forPlan says the snapshot is planned
// from: the safety roster then needs the CSV organization files (the
// users file alone would read every department as gone); check summarizes
// whatever files it is given. The API client is returned for further
// probes (nil for CSV).
func (s *Source) read(ctx context.Context, forPlan bool) (*directory.Snapshot, *cybozu.Client, error) {
	var snap *directory.Snapshot
	var client *cybozu.Client
	var err error
	switch k := s.Kind(); k {
	case SourceAPI:
		snap, client, err = s.readAPI(ctx)
	case SourceCSV:
		snap, err = s.readCSV(ctx, forPlan)
	default:
		return nil, nil, &OverrideError{Field: "kind", Value: k, Allowed: SourceKinds()}
	}
	if err != nil {
		return nil, nil, err
	}
	if !s.cfg.Cybozu.IncludeAdministrator {
		snap.DropUser(directory.AdministratorLogin)
	}
	return snap, client, nil
}

// readAPI reads the directory from the cybozu.com User API, showing
// progress when asked to.
func (s *Source) readAPI(ctx context.Context) (*directory.Snapshot, *cybozu.Client, error) {
	progress := s.watch
	if s.progress != nil {
		p := &progressLine{w: s.progress}
		progress = p.show
		if watch := s.watch; watch != nil {
			progress = func(pr cybozu.Progress) { p.show(pr); watch(pr) }
		}
		defer p.clear()
	}
	c, err := apiClient(s.cfg, progress)
	if err != nil {
		return nil, nil, err
	}
	snap, err := c.ReadSnapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	return snap, c, nil
}

// apiClient builds the User API client from the configuration; progress
// may be nil.
func apiClient(cfg *config.Config, progress func(cybozu.Progress)) (*cybozu.Client, error) {
	if err := Validate(cfg, Use{API: true}); err != nil {
		return nil, err
	}
	cc := cfg.Cybozu
	cert, err := cybozu.LoadCertificate(cc)
	if err != nil {
		return nil, err
	}
	return cybozu.New(cybozu.Config{
		BaseURL:       cc.URL,
		Login:         cc.Login,
		Password:      cc.Password,
		Token:         cc.Token,
		BasicUser:     cc.BasicUser,
		BasicPassword: cc.BasicPassword,
		ClientCert:    cert,
		Concurrency:   cc.Concurrency,
		Timeout:       cc.Timeout.Duration,
		Progress:      progress,
	})
}

// readCSV reads the directory from cybozu.com CSV exports (SPEC §4): the
// files of the CSV folder (override, else source.csv_dir), found by name
// or header row, with the single files named by override replacing the
// folder's; the encoding and separator by override, else the config. It
// returns a complete, valid snapshot, or a *csvfile.Error (csv_invalid).
func (s *Source) readCSV(ctx context.Context, forPlan bool) (*directory.Snapshot, error) {
	files, err := s.csvFiles()
	if err != nil {
		return nil, err
	}
	return csvfile.Read(ctx, files, s.csvOptions(forPlan))
}

// csvOptions are how the CSV files are read.
func (s *Source) csvOptions(forPlan bool) csvfile.Options {
	return csvfile.Options{
		Encoding:          first(s.o.Encoding, s.cfg.Source.CSVEncoding),
		Separator:         first(s.o.Separator, s.cfg.Source.CSVSeparator),
		Header:            s.o.Header,
		NeedOrganizations: forPlan && s.cfg.Safety.Enabled,
		// The files do not say the domain: it is the configured one's, as
		// the API source records it.
		Domain: domainOf(s.cfg.Cybozu.URL),
	}
}

// csvFiles works out which files to read: the folder's, then the files
// named one by one.
func (s *Source) csvFiles() (csvfile.Files, error) {
	var files csvfile.Files
	if dir := first(s.o.CSVDir, s.cfg.Source.CSVDir); dir != "" {
		found, err := csvfile.FindInDir(dir)
		// A folder without user.csv is fine when the users file is named.
		if err != nil && !(s.o.Files.Users != "" && onlyNoUsersFile(err)) {
			return csvfile.Files{}, err
		}
		files = found
	}
	for k := csvfile.KindUsers; k <= csvfile.KindUserGroups; k++ {
		if path := s.o.Files.Get(k); path != "" {
			files.Set(k, path)
		}
	}
	if files.Users == "" {
		return csvfile.Files{}, newError(msg.CodeUsage, KeyCSVFiles, nil)
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

// progressLine rewrites one status line on a terminal, at most ten times a
// second.
type progressLine struct {
	w     io.Writer
	last  time.Time
	shown bool
}

func (p *progressLine) show(pr cybozu.Progress) {
	if time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.shown = true
	fmt.Fprintf(p.w, "\r\033[Kreading cybozu.com: %d requests, %d organizations, %d users, %d groups",
		pr.Requests, pr.Organizations, pr.Users, pr.Groups)
	if pr.Retries > 0 {
		fmt.Fprintf(p.w, ", %d retried", pr.Retries)
	}
}

func (p *progressLine) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

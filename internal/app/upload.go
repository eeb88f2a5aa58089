package app

import (
	"context"
	"errors"
	"github.com/cybridge/cybridge/internal/access"
	"path/filepath"
	"strings"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/provision"
)

// previewRows is how many rows of each uploaded file the preview shows.
const previewRows = 5

// Upload is one upload of cybozu.com CSV exports (the console's 「CSV
// 取込」, POST /api/v1/csv), already streamed to disk by the surface that
// took it: Dir holds the uploaded files and nothing else. PreviewCSV reads
// the files from there, never whole into memory; the caller removes Dir.
type Upload struct {
	Dir       string
	Files     []UploadFile
	Encoding  string // one of csvfile.Encodings ("" = auto)
	Separator string // one of csvfile.Separators ("" = auto)
	Header    *bool  // the first row holds column names; nil detects it
}

// UploadFile is one uploaded file: the name it was uploaded as, and the
// file in Upload.Dir that holds it.
type UploadFile struct {
	Name string
	Path string
}

// The bounds of every uploaded file, whatever its size in bytes
// (which the surface caps: console.upload_limit_mb): at most 150,000 rows
// — one and a half times SPEC §9's 100,000 users, one row each in every
// export — and 2,000 columns in a row (user.csv has 25 and the custom
// items; a membership row two per organization). A file past either is a
// problem at its first row past the limit, found while the preview
// streams the file, and nothing more of the upload is read (F6).
const (
	UploadMaxRows    = 150_000
	UploadMaxColumns = 2_000
)

// UploadPreview is what an upload would do.
type UploadPreview struct {
	Files []FilePreview
	// Problems are the files' problems, each naming the file as uploaded;
	// with any, Run is nil.
	Problems *csvfile.Error
	// Run is the recorded dry run (trigger csv_upload), or an unrecorded
	// no_changes run (see RunOutcome).
	Run *provision.Run
}

// FilePreview shows the first rows of one uploaded file as read.
type FilePreview struct {
	Name string
	Kind string // users, organizations, … ("" when not recognised)
	csvfile.FilePreview
}

// PreviewCSV reads uploaded cybozu.com CSV exports — found by name or by
// header row as a CSV folder is, read with csvfile's own encoding and
// separator detection — and records a dry run of them (trigger
// csv_upload). Applying an upload is ApplyPlan of that run (the same rules
// as any stored plan: no second use case). Problems in the
// files come back in the preview, not as the error; the preview rows are
// shown either way.
func (a *App) PreviewCSV(ctx context.Context, up Upload) (pv UploadPreview, err error) {
	defer func() {
		var id int64
		if pv.Run != nil {
			id = pv.Run.ID
		}
		outcome := err
		if outcome == nil && pv.Problems != nil {
			outcome = pv.Problems
		}
		a.recordRun(ctx, access.ActionCSVUpload, "", &provision.Result{RunID: id}, outcome)
	}()
	if err := a.CheckTargets(); err != nil {
		return UploadPreview{}, err
	}
	o := Overrides{Kind: SourceCSV, Encoding: first(up.Encoding, "auto"), Separator: first(up.Separator, "auto"), Header: up.Header}
	if err := o.Check(); err != nil {
		return UploadPreview{}, err
	}
	o.CSVDir = up.Dir

	var over []*csvfile.RowError
	files, _ := csvfile.FindInDir(up.Dir) // its problems come again from the read
	for _, f := range up.Files {
		fp := FilePreview{Name: f.Name}
		var err error
		fp.FilePreview, err = csvfile.PreviewFile(f.Path, o.Encoding, o.Separator, previewRows,
			csvfile.Limits{Rows: UploadMaxRows, Columns: UploadMaxColumns}) // o is checked
		var re *csvfile.RowError
		if errors.As(err, &re) {
			re.File = f.Name
			over = append(over, re)
		}
		for k := csvfile.KindUsers; k <= csvfile.KindUserGroups; k++ {
			if files.Get(k) == f.Path {
				fp.Kind = strings.TrimSuffix(k.FileName(), ".csv")
			}
		}
		if files.Get(csvfile.KindUsers) == f.Path && up.Header != nil && !*up.Header {
			// No header row names the password column: it is the
			// documented fourth (the preview masked none by name).
			fp.Mask(csvfile.UserPasswordColumn, false)
		}
		pv.Files = append(pv.Files, fp)
	}
	if len(over) > 0 {
		// Past a limit: the files are not read (that is what could
		// take memory without bound).
		pv.Problems = &csvfile.Error{Problems: over}
		return pv, nil
	}

	// As the configured CSV source reads them: the domain is the
	// configured one's, and the Administrator is dropped the same way.
	src := &Source{cfg: a.cfg, o: o}
	snap, err := src.Read(ctx)
	var ce *csvfile.Error
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			p.File = uploadName(p.File, up.Files)
		}
		pv.Problems = ce
		return pv, nil
	}
	if err != nil {
		return pv, err
	}
	res, err := a.run(ctx, provision.Request{Trigger: provision.TriggerCSVUpload, Source: src.Describe(),
		Read: func(context.Context) (*directory.Snapshot, error) { return snap, nil }, DryRun: true})
	pv.Run, err = a.RunOutcome(ctx, res, err)
	return pv, err
}

// uploadName maps a kept file's name (or the folder, for problems about
// the set of files) back to the name it was uploaded as.
func uploadName(kept string, files []UploadFile) string {
	base := filepath.Base(kept)
	for _, f := range files {
		if filepath.Base(f.Path) == base {
			return f.Name
		}
	}
	if len(files) > 0 && base == filepath.Base(filepath.Dir(files[0].Path)) {
		return "(upload)"
	}
	return base
}

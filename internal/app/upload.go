package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/cybridge/cybridge/internal/access"
	"os"
	"path/filepath"
	"strings"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/provision"
)

// previewRows is how many rows of each uploaded file the preview shows.
const previewRows = 5

// Upload is one upload of cybozu.com CSV exports (the console's 「CSV
// 取込」, POST /api/v1/csv).
type Upload struct {
	Files     []UploadFile
	Encoding  string // one of csvfile.Encodings ("" = auto)
	Separator string // one of csvfile.Separators ("" = auto)
	Header    *bool  // the first row holds column names; nil detects it
}

// UploadFile is one uploaded file.
type UploadFile struct {
	Name string
	Data []byte
}

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
	dir, err := os.MkdirTemp("", "cybridge-upload-")
	if err != nil {
		return UploadPreview{}, fmt.Errorf("keep the uploaded files: %w", err)
	}
	defer os.RemoveAll(dir)
	names, err := saveUploads(dir, up.Files)
	if err != nil {
		return UploadPreview{}, err
	}
	o.CSVDir = dir

	files, _ := csvfile.FindInDir(dir) // its problems come again from the read
	for i, f := range up.Files {
		fp := FilePreview{Name: f.Name}
		fp.FilePreview, _ = csvfile.Preview(f.Data, o.Encoding, o.Separator, previewRows) // o is checked
		for k := csvfile.KindUsers; k <= csvfile.KindUserGroups; k++ {
			if files.Get(k) == filepath.Join(dir, names[i]) {
				fp.Kind = strings.TrimSuffix(k.FileName(), ".csv")
			}
		}
		if files.Get(csvfile.KindUsers) == filepath.Join(dir, names[i]) && up.Header != nil && !*up.Header {
			// No header row names the password column: it is the
			// documented fourth (the preview masked none by name).
			fp.Mask(csvfile.UserPasswordColumn, false)
		}
		pv.Files = append(pv.Files, fp)
	}

	// As the configured CSV source reads them: the domain is the
	// configured one's, and the Administrator is dropped the same way.
	src := &Source{cfg: a.cfg, o: o}
	snap, err := src.Read(ctx)
	var ce *csvfile.Error
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			p.File = uploadName(p.File, names, up.Files)
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

// saveUploads writes the files into dir under safe, distinct names and
// returns those names.
func saveUploads(dir string, files []UploadFile) ([]string, error) {
	names := make([]string, len(files))
	used := map[string]bool{}
	for i, f := range files {
		name := filepath.Base(strings.ReplaceAll(f.Name, `\`, "/"))
		if name == "." || name == "/" || name == "" || strings.HasPrefix(name, ".") {
			name = fmt.Sprintf("upload-%d.csv", i+1)
		}
		for n := 2; used[strings.ToLower(name)]; n++ {
			name = fmt.Sprintf("%s-%d%s", strings.TrimSuffix(name, filepath.Ext(name)), n, filepath.Ext(name))
		}
		used[strings.ToLower(name)] = true
		names[i] = name
		if err := os.WriteFile(filepath.Join(dir, name), f.Data, 0o600); err != nil {
			return nil, fmt.Errorf("keep the uploaded file %s: %w", f.Name, err)
		}
	}
	return names, nil
}

// uploadName maps a saved file's name (or the folder, for problems about
// the set of files) back to the name it was uploaded as.
func uploadName(saved string, names []string, files []UploadFile) string {
	base := filepath.Base(saved)
	for i, n := range names {
		if n == base {
			return files[i].Name
		}
	}
	if strings.HasPrefix(base, "cybridge-upload-") {
		return "(upload)"
	}
	return base
}

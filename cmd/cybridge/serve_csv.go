package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/web"
)

// previewRows is how many rows of each uploaded file the preview shows.
const previewRows = 5

// PreviewCSV reads uploaded cybozu.com CSV exports (found by name or by
// header row, as -csv-dir finds them) and records a dry run of them with
// trigger csv_upload. Problems in the files come back as line errors; the
// preview rows are shown either way.
func (b *serveBackend) PreviewCSV(ctx context.Context, up web.CSVUpload) (web.CSVPreview, error) {
	dir, err := os.MkdirTemp("", "cybridge-upload-")
	if err != nil {
		return web.CSVPreview{}, fmt.Errorf("keep the uploaded files: %w", err)
	}
	defer os.RemoveAll(dir)
	names, err := saveUploads(dir, up.Files)
	if err != nil {
		return web.CSVPreview{}, err
	}
	var pv web.CSVPreview
	files, ferr := csvfile.FindInDir(dir)
	for i, f := range up.Files {
		fp := previewFile(f.Data, up.Encoding, up.Separator)
		fp.Name = f.Name
		for k := csvfile.KindUsers; k <= csvfile.KindUserGroups; k++ {
			if files.Get(k) == filepath.Join(dir, names[i]) {
				fp.Kind = strings.TrimSuffix(k.FileName(), ".csv")
			}
		}
		pv.Files = append(pv.Files, fp)
	}
	if ferr == nil {
		var snap *directory.Snapshot
		// As -source csv reads them: the domain is the configured one's.
		opt := csvfile.Options{Encoding: up.Encoding, Separator: up.Separator, Header: up.Header, Domain: domainOf(b.cfg.Cybozu.URL),
			NeedOrganizations: b.cfg.Safety.Enabled}
		snap, ferr = csvfile.Read(ctx, files, opt)
		if ferr == nil {
			if !b.cfg.Cybozu.IncludeAdministrator {
				snap.DropUser(directory.AdministratorLogin)
			}
			read := func(context.Context) (*directory.Snapshot, error) { return snap, nil }
			src := provision.RunSource{Kind: "csv", Domain: opt.Domain}
			run, err := b.run(ctx, provision.Request{Trigger: provision.TriggerCSVUpload, Source: src, Read: read, DryRun: true})
			if err != nil {
				return pv, err
			}
			pv.Run = &run
			return pv, nil
		}
	}
	var ce *csvfile.Error
	if !errors.As(ferr, &ce) {
		return pv, ferr
	}
	for _, p := range ce.Problems {
		msg := p.Err.Error()
		if p.Field != "" {
			msg = p.Field + ": " + msg
		}
		pv.LineErrors = append(pv.LineErrors, web.LineError{File: uploadName(p.File, names, up.Files), Line: p.Line, Column: p.Column, Code: ce.ErrorCode(), Message: msg})
	}
	if ce.More > 0 {
		pv.LineErrors = append(pv.LineErrors, web.LineError{Code: ce.ErrorCode(), Message: fmt.Sprintf("… and %d more problems", ce.More)})
	}
	return pv, nil
}

// saveUploads writes the files into dir under safe, distinct names and
// returns those names.
func saveUploads(dir string, files []web.CSVFile) ([]string, error) {
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
func uploadName(saved string, names []string, files []web.CSVFile) string {
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

// previewFile decodes a file's first rows for the preview. It is only a
// view: csvfile.Read is what reads the files, and reports their problems.
func previewFile(data []byte, encoding, separator string) web.CSVFilePreview {
	var fp web.CSVFilePreview
	text := data
	switch {
	case encoding == "utf-8", encoding == "auto" && utf8.Valid(data):
		fp.Encoding = "UTF-8"
		text = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	default:
		fp.Encoding = "Shift_JIS"
		if b, _, err := transform.Bytes(japanese.ShiftJIS.NewDecoder(), data); err == nil {
			text = b
		}
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord, r.LazyQuotes, r.ReuseRecord = -1, true, true
	r.Comma = previewSeparator(text, separator)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			continue
		}
		if fp.Total < previewRows {
			fp.Rows = append(fp.Rows, append([]string(nil), rec...))
		}
		fp.Total++
	}
	return fp
}

func previewSeparator(text []byte, separator string) rune {
	switch separator {
	case "semicolon":
		return ';'
	case "tab":
		return '\t'
	case "comma":
		return ','
	}
	line, _, _ := bytes.Cut(text, []byte("\n"))
	best, n := ',', bytes.Count(line, []byte(","))
	for _, c := range []rune{'\t', ';'} {
		if m := bytes.Count(line, []byte(string(c))); m > n {
			best, n = c, m
		}
	}
	return best
}

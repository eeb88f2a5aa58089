package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/cybridge/cybridge/directory/csvfile"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// maxUploadFiles bounds the files in one upload (cybozu.com exports six
// kinds).
const maxUploadFiles = 12

type uploadData struct {
	LimitMB   int64
	Encoding  string
	Separator string
	// Encodings and Separators are the choices the form offers:
	// csvfile's lists, as the CLI and the config take them.
	Encodings  []string
	Separators []string
	Header     string // auto, yes, no
	Preview    *CSVPreview
	Plan       *planView
	Error      string
}

func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request, sess *session) {
	s.render(w, r, http.StatusOK, "upload", sess, newUploadData(s.o.UploadLimit))
}

// newUploadData is an empty form: every setting detected.
func newUploadData(limit int64) uploadData {
	return uploadData{LimitMB: limit >> 20, Encoding: "auto", Separator: "auto", Header: "auto",
		Encodings: csvfile.Encodings(), Separators: csvfile.Separators()}
}

// Form fields of an upload besides its files: how many, and how long
// each may be (encoding, separator, header; the API's apply and
// allow_deletes).
const (
	maxUploadFields     = 16
	maxUploadFieldBytes = 1 << 10
)

// readUpload streams a multipart CSV upload into a private folder of its
// own under the size cap, never holding a file in memory: each file part
// is copied to a file (mode 0600) as it arrives. The caller removes the
// folder with the returned function, which is never nil and is safe to
// call whatever the error. The form's other fields (and those of the URL's
// query) come back in form.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (up CSVUpload, form url.Values, remove func(), err error) {
	remove = func() {}
	r.Body = http.MaxBytesReader(w, r.Body, s.o.UploadLimit)
	tooLarge := func(err error) error {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return msg.New(msg.KindTooLarge, "upload_too_large", msg.Params{"mb": s.o.UploadLimit >> 20})
		}
		return &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.bad_form", Params: msg.Params{"detail": err.Error()}, Err: err}
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return up, nil, remove, tooLarge(err)
	}
	if up.Dir, err = s.uploads.folder(); err != nil {
		return up, nil, remove, err
	}
	remove = func() { os.RemoveAll(up.Dir) }
	form = url.Values{}
	fields, files := 0, 0
	used := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return up, form, remove, tooLarge(err)
		}
		if part.FileName() == "" {
			fields++
			b, err := io.ReadAll(io.LimitReader(part, maxUploadFieldBytes+1))
			if err != nil {
				return up, form, remove, tooLarge(err)
			}
			if fields > maxUploadFields || len(b) > maxUploadFieldBytes {
				err := fmt.Errorf("more than %d fields, or a field %q longer than %d bytes", maxUploadFields, part.FormName(), maxUploadFieldBytes)
				return up, form, remove, tooLarge(err)
			}
			form.Add(part.FormName(), string(b))
			continue
		}
		files++
		if files > maxUploadFiles {
			// Counted, not kept: the answer says how many came.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return up, form, remove, tooLarge(err)
			}
			continue
		}
		f := CSVFile{Name: part.FileName(), Path: filepath.Join(up.Dir, uploadFileName(files, part.FileName(), used))}
		if err := saveUploadPart(f.Path, part); err != nil {
			return up, form, remove, tooLarge(err)
		}
		up.Files = append(up.Files, f)
	}
	// A field may come in the URL's query instead (as r.FormValue read
	// them before uploads were streamed); the body's wins.
	for k, vs := range r.URL.Query() {
		if !form.Has(k) {
			form[k] = vs
		}
	}
	up.Encoding, up.Separator = form.Get("encoding"), form.Get("separator")
	switch h := form.Get("header"); h {
	case "", "auto":
	case "yes", "true", "no", "false":
		v := h == "yes" || h == "true"
		up.Header = &v
	default:
		return up, form, remove, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.bad_header", Params: msg.Params{"value": h}}
	}
	if up.Encoding == "" {
		up.Encoding = "auto"
	}
	if up.Separator == "" {
		up.Separator = "auto"
	}
	// The values the CLI's -csv-encoding / -csv-separator and the config
	// take: csvfile's one list.
	if !slices.Contains(csvfile.Encodings(), up.Encoding) {
		return up, form, remove, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.bad_encoding", Params: msg.Params{"value": up.Encoding, "values": csvfile.Encodings()}}
	}
	if !slices.Contains(csvfile.Separators(), up.Separator) {
		return up, form, remove, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.bad_separator", Params: msg.Params{"value": up.Separator, "values": csvfile.Separators()}}
	}
	if files == 0 {
		return up, form, remove, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.no_files"}
	}
	if files > maxUploadFiles {
		return up, form, remove, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.too_many_files", Params: msg.Params{"count": files, "max": maxUploadFiles}}
	}
	return up, form, remove, nil
}

// saveUploadPart copies an uploaded file into a new file at path, readable
// by its owner only.
func saveUploadPart(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// uploadFileName is the name the i-th uploaded file (from 1) is kept under
// in its upload's folder: its own base name when that is a plain name not
// yet used (any case), so that the CSV reader finds the exports by name,
// else a made-up one.
func uploadFileName(i int, name string, used map[string]bool) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == "" || strings.HasPrefix(name, ".") {
		name = fmt.Sprintf("upload-%d.csv", i)
	}
	for n := 2; used[strings.ToLower(name)]; n++ {
		name = fmt.Sprintf("%s-%d%s", strings.TrimSuffix(name, filepath.Ext(name)), n, filepath.Ext(name))
	}
	used[strings.ToLower(name)] = true
	return name
}

// CodeShuttingDown: an upload came while the console was shutting down.
const CodeShuttingDown = "shutting_down"

// uploadRoot is the private folder a server streams uploads into, made on
// the first upload (mode 0700, in Options.UploadDir, else the system's
// temporary folder); each upload gets a folder of its own inside it,
// removed when its request ends. Close removes the root with whatever is
// left in it (requests cut off at shutdown); an upload after Close fails.
type uploadRoot struct {
	parent string
	mu     sync.Mutex
	dir    string
	closed bool
}

// folder makes a new upload's folder.
func (u *uploadRoot) folder() (string, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return "", msg.New(msg.KindUnavailable, CodeShuttingDown, nil)
	}
	if u.dir == "" {
		d, err := os.MkdirTemp(u.parent, "cybridge-uploads-")
		if err != nil {
			return "", fmt.Errorf("make a folder for uploads: %w", err)
		}
		u.dir = d
	}
	d, err := os.MkdirTemp(u.dir, "upload-")
	if err != nil {
		return "", fmt.Errorf("make a folder for an upload: %w", err)
	}
	return d, nil
}

// close removes the root and everything in it.
func (u *uploadRoot) close() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.closed = true
	if u.dir == "" {
		return nil
	}
	return os.RemoveAll(u.dir)
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, sess *session) {
	d := newUploadData(s.o.UploadLimit)
	up, _, remove, err := s.readUpload(w, r)
	defer remove()
	if up.Encoding != "" {
		d.Encoding, d.Separator = up.Encoding, up.Separator
	}
	if up.Header != nil {
		d.Header = map[bool]string{true: "yes", false: "no"}[*up.Header]
	}
	if err == nil {
		var pv CSVPreview
		pv, err = s.o.Backend.PreviewCSV(r.Context(), up)
		d.Preview = &pv
		if pv.Run != nil {
			// The first page; the pager and the filter lead to the run's
			// page for the rest.
			cs := pv.Run.Plan.Changes
			pg := ChangePage{Changes: cs[:min(len(cs), PageSize)], Matched: len(cs), Total: len(cs)}
			v := newPlanView(pv.Run, provision.ChangeFilter{}, pg, paginate(len(cs), PageSize, &url.URL{Path: runPath(pv.Run.ID)}))
			d.Plan = &v
		}
	}
	status := http.StatusOK
	if err != nil {
		d.Error, status = s.problemOf(requestLang(r), err).Message, statusOf(err)
	} else if len(d.Preview.LineErrors) > 0 {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "upload", sess, d)
}

package web

import (
	"errors"
	"fmt"
	"github.com/cybridge/cybridge/internal/msg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"

	"github.com/cybridge/cybridge/directory/csvfile"
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

// readUpload reads a multipart CSV upload under the size cap.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (CSVUpload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.o.UploadLimit)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return CSVUpload{}, msg.New(msg.KindTooLarge, "upload_too_large", msg.Params{"mb": s.o.UploadLimit >> 20})
		}
		return CSVUpload{}, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.bad_form", Params: msg.Params{"detail": err.Error()}, Err: err}
	}
	defer r.MultipartForm.RemoveAll()
	up := CSVUpload{
		Encoding:  r.FormValue("encoding"),
		Separator: r.FormValue("separator"),
	}
	switch h := r.FormValue("header"); h {
	case "", "auto":
	case "yes", "true", "no", "false":
		v := h == "yes" || h == "true"
		up.Header = &v
	default:
		return up, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.bad_header", Params: msg.Params{"value": h}}
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
		return up, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.bad_encoding", Params: msg.Params{"value": up.Encoding, "values": csvfile.Encodings()}}
	}
	if !slices.Contains(csvfile.Separators(), up.Separator) {
		return up, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.bad_separator", Params: msg.Params{"value": up.Separator, "values": csvfile.Separators()}}
	}
	var headers []*multipart.FileHeader
	for _, fhs := range r.MultipartForm.File {
		headers = append(headers, fhs...)
	}
	if len(headers) == 0 {
		return up, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.no_files"}
	}
	if len(headers) > maxUploadFiles {
		return up, &msg.Error{Kind: msg.KindInvalid, Code: "invalid", Key: "upload.too_many_files", Params: msg.Params{"count": len(headers), "max": maxUploadFiles}}
	}
	for _, fh := range headers {
		f, err := fh.Open()
		if err != nil {
			return up, fmt.Errorf("open uploaded file %s: %w", fh.Filename, err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return up, fmt.Errorf("read uploaded file %s: %w", fh.Filename, err)
		}
		up.Files = append(up.Files, CSVFile{Name: fh.Filename, Data: b})
	}
	return up, nil
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, sess *session) {
	d := newUploadData(s.o.UploadLimit)
	up, err := s.readUpload(w, r)
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

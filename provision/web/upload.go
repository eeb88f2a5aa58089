package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
)

// maxUploadFiles bounds the files in one upload (cybozu.com exports six
// kinds).
const maxUploadFiles = 12

type uploadData struct {
	LimitMB   int64
	Encoding  string
	Separator string
	Header    string // auto, yes, no
	Preview   *CSVPreview
	Plan      *planView
	Error     string
}

func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request, sess *session) {
	s.render(w, r, http.StatusOK, "upload", sess, uploadData{LimitMB: s.o.UploadLimit >> 20, Encoding: "auto", Separator: "auto", Header: "auto"})
}

// readUpload reads a multipart CSV upload under the size cap.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (CSVUpload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.o.UploadLimit)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return CSVUpload{}, &Error{Code: "upload_too_large", Msg: fmt.Sprintf("the upload is larger than the limit of %d MB (console.upload_limit_mb)", s.o.UploadLimit>>20)}
		}
		return CSVUpload{}, &Error{Code: "invalid", Msg: "the upload could not be read as a multipart form: " + err.Error()}
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
		return up, &Error{Code: "invalid", Msg: fmt.Sprintf("header %q: use auto, yes or no", h)}
	}
	if up.Encoding == "" {
		up.Encoding = "auto"
	}
	if up.Separator == "" {
		up.Separator = "auto"
	}
	switch up.Encoding {
	case "auto", "shift_jis", "utf-8":
	default:
		return up, &Error{Code: "invalid", Msg: fmt.Sprintf("encoding %q: use auto, shift_jis or utf-8", up.Encoding)}
	}
	switch up.Separator {
	case "auto", "comma", "semicolon", "tab":
	default:
		return up, &Error{Code: "invalid", Msg: fmt.Sprintf("separator %q: use auto, comma, semicolon or tab", up.Separator)}
	}
	var headers []*multipart.FileHeader
	for _, fhs := range r.MultipartForm.File {
		headers = append(headers, fhs...)
	}
	if len(headers) == 0 {
		return up, &Error{Code: "invalid", Msg: "no file was uploaded: choose the cybozu.com CSV exports"}
	}
	if len(headers) > maxUploadFiles {
		return up, &Error{Code: "invalid", Msg: fmt.Sprintf("%d files uploaded; at most %d at once", len(headers), maxUploadFiles)}
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
	d := uploadData{LimitMB: s.o.UploadLimit >> 20, Encoding: "auto", Separator: "auto", Header: "auto"}
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
			v := newPlanView(*pv.Run)
			d.Plan = &v
		}
	}
	status := http.StatusOK
	if err != nil {
		p := s.problemOf(err)
		d.Error, status = p.Message, statusOf(p.Code)
		if p.Code == "upload_too_large" {
			d.Error = s.localizer(r).T("upload.too_large", d.LimitMB)
		}
	} else if len(d.Preview.LineErrors) > 0 {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "upload", sess, d)
}

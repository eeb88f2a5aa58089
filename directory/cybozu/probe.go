package cybozu

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ProbeReport is what a domain answered to Probe's requests: something an
// admin can read, or send to whoever helps them, when it is unclear why
// cybridge cannot read a domain. It holds no credential, cookie or body.
type ProbeReport struct {
	Domain string `json:"domain"`
	// Auth is how the client authenticates: "token" or "password"; Basic
	// and ClientCertificate say what else it sends.
	Auth              string      `json:"auth"`
	Basic             bool        `json:"basic_auth"`
	ClientCertificate bool        `json:"client_certificate"`
	Steps             []ProbeStep `json:"steps"`
	// Stopped names why the probe sent no more requests ("" when it sent
	// them all): an authentication failure is never repeated, because
	// every failed login counts toward the account's lockout.
	Stopped string `json:"stopped,omitempty"`
}

// ProbeStep is one request and its answer.
type ProbeStep struct {
	Name    string `json:"name"`    // users, organizations, organization_members, csv_export
	Request string `json:"request"` // "GET /v1/users.json?size=1&offset=0"
	// Status is the HTTP status; 0 when no answer came (Error says why).
	Status      int    `json:"status"`
	ContentType string `json:"content_type,omitempty"`
	// CybozuCode is cybozu.com's code from the JSON body, else the
	// X-Cybozu-Error header, which is also shown on its own.
	CybozuCode      string `json:"cybozu_code,omitempty"`
	XCybozuError    string `json:"x_cybozu_error,omitempty"`
	WWWAuthenticate string `json:"www_authenticate,omitempty"`
	// LocationHost is the host of a redirect (never its path or query).
	LocationHost string `json:"location_host,omitempty"`
	Millis       int64  `json:"ms"`
	// Error is how cybridge reads the answer, when it is a failure: its
	// code and English text (Err renders it in another language).
	Error *ProbeError `json:"error,omitempty"`
	Err   *Error      `json:"-"`
}

// ProbeError is a failure as JSON shows it.
type ProbeError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// fail records e as the step's failure.
func (s *ProbeStep) fail(e *Error) {
	s.Err, s.Error = e, &ProbeError{Code: e.Code, Message: e.Error()}
}

// Probe sends a handful of read-only requests, each once, and reports
// what the domain answered: one user (users.json), one organization and
// one member of it, and the administrators' CSV export of titles (its
// answer's status and headers; the body is not kept). Nothing is retried.
// After an authentication failure (auth_failed, basic_auth_*) the probe
// stops: it never tries a login it expects to fail, which would count
// toward the account's lockout.
func (c *Client) Probe(ctx context.Context) *ProbeReport {
	r := &ProbeReport{Domain: c.domain, Auth: "password", Basic: c.cfg.BasicPassword.IsSet(), ClientCertificate: c.cfg.ClientCert != nil}
	if c.cfg.Token.IsSet() {
		r.Auth = "token"
	}
	org := ""
	steps := []struct {
		name string
		path func() string
		body func([]byte)
	}{
		{"users", func() string { return "/v1/users.json?size=1&offset=0" }, nil},
		{"organizations", func() string { return "/v1/organizations.json?size=1&offset=0" }, func(b []byte) {
			var page struct {
				Organizations []struct {
					Code string `json:"code"`
				} `json:"organizations"`
			}
			if json.Unmarshal(b, &page) == nil && len(page.Organizations) > 0 {
				org = page.Organizations[0].Code
			}
		}},
		{"organization_members", func() string {
			if org == "" {
				return ""
			}
			return "/v1/organization/users.json?code=" + escape(org) + "&size=1&offset=0"
		}, nil},
		{"csv_export", func() string { return "/v1/csv/title.csv" }, nil},
	}
	for _, s := range steps {
		path := s.path()
		if path == "" {
			continue
		}
		step := c.probe(ctx, s.name, path, s.body)
		r.Steps = append(r.Steps, step)
		if step.Err != nil {
			switch step.Err.Code {
			case CodeAuthFailed, CodeBasicAuthRequired, CodeBasicAuthFailed, CodeCanceled, CodeConnectionFailed, CodeDomainNotFound, CodeRedirected:
				r.Stopped = step.Err.Code
				return r
			}
		}
	}
	return r
}

// probe sends one request and records the answer's status and headers.
func (c *Client) probe(ctx context.Context, name, path string, body func([]byte)) ProbeStep {
	step := ProbeStep{Name: name, Request: "GET " + path}
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	start := time.Now()
	c.requests.Add(1)
	resp, err := c.rc.R().SetContext(actx).Get(path)
	step.Millis = time.Since(start).Milliseconds()
	if err != nil {
		e := transportError(err)
		if ctx.Err() != nil {
			e = canceled(ctx)
		}
		e.Detail = c.redactor.Redact(e.Detail)
		step.fail(e)
		return step
	}
	h := resp.Header()
	step.Status = resp.StatusCode()
	step.ContentType = oneLine(h.Get("Content-Type"), 100)
	step.XCybozuError = oneLine(h.Get("X-Cybozu-Error"), 40)
	step.WWWAuthenticate = oneLine(h.Get("WWW-Authenticate"), 100)
	if u, err := url.Parse(h.Get("Location")); err == nil && u.Host != "" {
		step.LocationHost = strings.ToLower(u.Host)
	}
	if e := checkResponse(step.Status, h, resp.Body(), c.sent()); e != nil {
		e.Detail = c.redactor.Redact(e.Detail)
		step.CybozuCode = e.CybozuCode
		step.fail(e)
		return step
	}
	if body != nil {
		body(resp.Body())
	}
	return step
}

// Answer is the step's answer in one line: the status, the headers that
// matter, the time it took (HTTP's own words, in every language).
func (s ProbeStep) Answer() string {
	var parts []string
	if s.Status != 0 {
		parts = append(parts, "HTTP "+strconv.Itoa(s.Status))
	}
	for _, kv := range [][2]string{
		{"Content-Type", s.ContentType}, {"X-Cybozu-Error", s.XCybozuError},
		{"WWW-Authenticate", s.WWWAuthenticate}, {"Location host", s.LocationHost},
	} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+": "+kv[1])
		}
	}
	if s.CybozuCode != "" && s.CybozuCode != s.XCybozuError {
		parts = append(parts, s.CybozuCode)
	}
	parts = append(parts, strconv.FormatInt(s.Millis, 10)+" ms")
	return strings.Join(parts, ", ")
}

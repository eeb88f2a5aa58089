// Package config is cybridge's one configuration struct: decoded once from a
// TOML file and CYBRIDGE_* environment variables (the environment wins),
// secrets also from *_FILE paths, and each key checked against its tags.
// Secrets are never accepted as command-line flags.
//
// config imports nothing of cybridge but internal/secret and internal/msg.
// What a setting means is checked by the component it belongs to
// (cybozu.CheckConfig, calendar.CheckConfig, schedule.CheckConfig), each
// returning []Problem; app.Validate joins them with Decode's problems into
// one *Error, so every problem is reported at once. A Problem is a key, a
// catalogue code and its parameters: *Error renders in Japanese and English
// (Localize), its English Error() from the same catalogue.
//
// Decisions: a misspelt section ([saftey]) is one problem with the nearest
// section, not one per key under it; an unknown key or CYBRIDGE_* variable
// names the nearest known one when at most a third of its letters differ;
// when no configuration file was found and a key needs a value, the error
// says where the file was looked for.
//
// Environment names are CYBRIDGE_<SECTION>_<KEY> for keys in a section
// (CYBRIDGE_CYBOZU_PASSWORD) and CYBRIDGE_<KEY> for top-level keys
// (CYBRIDGE_DB, CYBRIDGE_SECRET_KEY, CYBRIDGE_ADMIN_PASSWORD). A secret key K
// can instead be given as K_FILE (file key "k_file", or CYBRIDGE_..._FILE);
// the file's content with one trailing newline removed is the secret.
package config

import (
	"time"

	"github.com/cybridge/cybridge/internal/secret"
)

// Duration is a time.Duration written as "30s" in TOML and the environment.
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration as Go does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Config is everything cybridge can be told. Defaults come from Default.
type Config struct {
	// DB is the SQLite database path (CYBRIDGE_DB).
	DB string `toml:"db" validate:"required"`
	// SecretKey encrypts stored CalDAV passwords (CYBRIDGE_SECRET_KEY): 32
	// bytes, given as 64 hex digits or as base64.
	SecretKey secret.Secret `toml:"secret_key" secret:"true"`
	// AdminPassword logs in to the console (CYBRIDGE_ADMIN_PASSWORD). It is
	// kept only as a hash once read.
	AdminPassword secret.Secret `toml:"admin_password" secret:"true"`

	Cybozu     Cybozu     `toml:"cybozu"`
	Source     Source     `toml:"source"`
	Safety     Safety     `toml:"safety"`
	Calendar   Calendar   `toml:"calendar"`
	Safeguards Safeguards `toml:"safeguards"`
	Schedule   Schedule   `toml:"schedule"`
	History    History    `toml:"history"`
	Console    Console    `toml:"console"`
	Notify     Notify     `toml:"notify"`
	// SCIM lists the SCIM 2.0 apps to provision ([[scim]]), each one
	// target named "scim.<name>" (targets/scim checks what the settings
	// mean).
	SCIM []SCIM `toml:"scim" validate:"dive"`

	// NoFile is the configuration file looked for and not found (the
	// optional default cybridge.toml, as an absolute path) when the
	// environment alone was read; it is not a key.
	NoFile string `toml:"-" json:"-"`
}

// Cybozu is how to reach the cybozu.com domain.
type Cybozu struct {
	// URL is https://SUBDOMAIN.cybozu.com (or .kintone.com, .cybozu.cn,
	// SUBDOMAIN.s.cybozu.com). http:// only for loopback.
	URL           string        `toml:"url" validate:"omitempty,cybozuurl"`
	Login         string        `toml:"login"`
	Password      secret.Secret `toml:"password" secret:"true"`
	Token         secret.Secret `toml:"token" secret:"true"`
	BasicUser     string        `toml:"basic_user"`
	BasicPassword secret.Secret `toml:"basic_password" secret:"true"`
	// ClientCertificateFile is the Secure Access (.s.cybozu.com) client
	// certificate as cybozu.com issues it: a PKCS#12 file (.pfx), opened
	// with ClientCertificatePassword (usually given as
	// client_certificate_password_file).
	ClientCertificateFile     string        `toml:"client_certificate_file"`
	ClientCertificatePassword secret.Secret `toml:"client_certificate_password" secret:"true"`
	// ClientCert and ClientKey are the same certificate as PEM files (the
	// certificate file may hold the chain after it).
	ClientCert string `toml:"client_cert"`
	ClientKey  string `toml:"client_key"`
	// Concurrency is the request pool size: default 4, at most 10 because
	// cybozu.com counts concurrent requests per domain.
	Concurrency int `toml:"concurrency" validate:"min=1,max=10"`
	// Timeout bounds one HTTP request.
	Timeout Duration `toml:"timeout"`
	// IncludeAdministrator keeps the built-in Administrator user.
	IncludeAdministrator bool `toml:"include_administrator"`
	// TokenExpires is the day the API token is to be replaced
	// (YYYY-MM-DD), when the admin set one: cybozu.com's User API does not
	// say when a token expires, so cybridge can only warn of a date it is
	// told. It is checked by directory/cybozu.CheckConfig.
	TokenExpires string `toml:"token_expires"`
}

// Source chooses where the directory is read from.
type Source struct {
	Kind         string `toml:"kind" validate:"oneof=api csv"`
	CSVDir       string `toml:"csv_dir"`
	CSVEncoding  string `toml:"csv_encoding" validate:"oneof=auto shift_jis utf-8 latin1 gbk"`
	CSVSeparator string `toml:"csv_separator" validate:"oneof=auto comma semicolon tab space"`
}

// Safety configures the safety-roster target.
type Safety struct {
	Enabled bool `toml:"enabled"`
	// LoginKey is what a new member's roster login is: the cybozu.com login
	// name or the email address.
	LoginKey        string        `toml:"login_key" validate:"oneof=login email"`
	InitialPassword secret.Secret `toml:"initial_password" secret:"true"`
	// IncludeSuspended imports 停止中 users too (the manual's behaviour).
	IncludeSuspended bool `toml:"include_suspended"`
}

// Calendar configures the calendar-sync enrolment target.
type Calendar struct {
	Enabled           bool     `toml:"enabled"`
	Scope             string   `toml:"scope"`
	DefaultTarget     string   `toml:"default_target" validate:"oneof=google caldav"`
	GoogleDomains     []string `toml:"google_domains" validate:"dive,hostname"`
	CalDAVURLTemplate string   `toml:"caldav_url_template"`
	// DeleteAfterDays deletes enrolments of users gone that long; 0 = never.
	DeleteAfterDays int `toml:"delete_after_days" validate:"min=0"`
}

// Safeguards block a whole run (exit 3) unless -allow-deletes is given.
type Safeguards struct {
	MaxDeletes       int `toml:"max_deletes" validate:"min=0"`
	MaxDeletePercent int `toml:"max_delete_percent" validate:"min=0,max=100"`
	MinSourceRatio   int `toml:"min_source_ratio" validate:"min=0,max=100"`
}

// Schedule configures `cybridge serve`'s full imports.
type Schedule struct {
	Cron               string `toml:"cron" validate:"required"`
	TimeZone           string `toml:"time_zone" validate:"required"`
	PauseAfterFailures int    `toml:"pause_after_failures" validate:"min=1"`
	// RunTimeout bounds every run (scheduled, console, API, CLI) from the
	// read to the commit; a run past it fails with run_timeout and counts
	// toward the auto-pause. 0 means no bound. The default, 30 minutes, is
	// ten times a 100,000-user run at SPEC §9's figures (a read of about
	// 6,300 requests at cybozu.com's latency, planning, a 15 s apply).
	RunTimeout Duration `toml:"run_timeout"`
}

// History configures run-history retention.
type History struct {
	Days int `toml:"days" validate:"min=1"`
}

// Console configures the web console and JSON API.
type Console struct {
	Listen   string        `toml:"listen" validate:"required,hostname_port"`
	APIToken secret.Secret `toml:"api_token" secret:"true"`
	// UploadLimitMB caps one CSV upload request.
	UploadLimitMB int `toml:"upload_limit_mb" validate:"min=1,max=1024"`
	// BaseURL is the console's address as admins open it
	// (https://cybridge.example.com/), for links in notifications; empty
	// means http://<listen>/.
	BaseURL string `toml:"base_url" validate:"omitempty,url"`
	// TrustedProxies are the reverse proxies (addresses or CIDR ranges)
	// whose X-Forwarded-For names the client the login throttle counts.
	TrustedProxies []string `toml:"trusted_proxies"`
	// AllowedHosts are the host names the console answers to besides IP
	// addresses, localhost and console.base_url's host (DNS rebinding).
	AllowedHosts []string `toml:"allowed_hosts"`
}

// Notify lists where notifications go ([[notify.email]] and
// [[notify.webhook]] tables; package notify checks what they mean). Arrays
// of tables have no environment variables: they live in the file.
type Notify struct {
	Email   []NotifyEmail   `toml:"email" validate:"dive"`
	Webhook []NotifyWebhook `toml:"webhook" validate:"dive"`
}

// NotifyEmail is one e-mail channel: an SMTP server and its recipients.
type NotifyEmail struct {
	Host string `toml:"host" validate:"required,hostname|ip"`
	// Port defaults to 587 (submission).
	Port int `toml:"port" validate:"min=0,max=65535"`
	// StartTLS (default true) requires STARTTLS before anything is sent.
	StartTLS *bool  `toml:"starttls"`
	Username string `toml:"username"`
	// PasswordFile holds the SMTP password (read when serve starts).
	PasswordFile string `toml:"password_file"`
	// CAFile is a PEM bundle the server's certificate is checked
	// against instead of the system's (an internal relay).
	CAFile string   `toml:"ca_file"`
	From   string   `toml:"from" validate:"required"`
	To     []string `toml:"to" validate:"required,min=1"`
	Lang   string   `toml:"lang" validate:"omitempty,oneof=ja en"`
}

// NotifyWebhook is one webhook channel.
type NotifyWebhook struct {
	URL string `toml:"url" validate:"required,url"`
	// Kind is the body's format: generic (signed JSON), slack, teams or
	// google_chat (their incoming webhooks); default generic.
	Kind string `toml:"kind" validate:"omitempty,oneof=generic slack teams google_chat"`
	// SecretFile holds the HMAC-SHA256 key of a generic webhook.
	SecretFile string `toml:"secret_file"`
	Lang       string `toml:"lang" validate:"omitempty,oneof=ja en"`
}

// SCIM is one SCIM 2.0 app ([[scim]]). Zero values take the defaults of
// targets/scim: user_name "login", leavers "deactivate", concurrency 4,
// page_size 100.
type SCIM struct {
	// Name names the instance: its target is "scim.<name>" in plans,
	// links and history, and its token's environment variable is
	// CYBRIDGE_SCIM_<NAME>_TOKEN (or _TOKEN_FILE).
	Name string `toml:"name" validate:"required"`
	// URL is the app's SCIM base URL (https://…/scim/v2; http only for
	// loopback).
	URL string `toml:"url" validate:"required"`
	// TokenFile holds the bearer token; Token is read from it, or from
	// the environment. The token is never written in the file itself.
	TokenFile string        `toml:"token_file"`
	Token     secret.Secret `toml:"-" json:"-"`
	// UserName is what a user's userName is: the cybozu.com login name
	// or the email address.
	UserName string `toml:"user_name" validate:"omitempty,oneof=login email"`
	// UserFilter selects the users provisioned, in the calendar scope's
	// syntax (cybozu.com dynamic-group conditions); empty = every user.
	UserFilter string `toml:"user_filter"`
	// Groups provisions cybozu.com groups and/or organizations as SCIM
	// groups with their members; empty = none.
	Groups []string `toml:"groups" validate:"dive,oneof=groups organizations"`
	// Leavers is what happens to a linked user who leaves cybozu.com or
	// the filter: deactivate (active=false) or delete.
	Leavers     string `toml:"leavers" validate:"omitempty,oneof=deactivate delete"`
	Concurrency int    `toml:"concurrency" validate:"min=0,max=16"`
	PageSize    int    `toml:"page_size" validate:"min=0,max=1000"`
	// Attributes map cybozu.com custom item codes to SCIM attribute names
	// ([scim.attributes]: costCenter = "urn:…:enterprise:2.0:User:costCenter").
	Attributes map[string]string `toml:"attributes"`
}

// Default returns the configuration used where nothing is said.
func Default() Config {
	return Config{
		DB: "cybridge.db",
		Cybozu: Cybozu{
			Concurrency: 4,
			Timeout:     Duration{30 * time.Second},
		},
		Source:     Source{Kind: "api", CSVEncoding: "auto", CSVSeparator: "auto"},
		Safety:     Safety{Enabled: true, LoginKey: "login", IncludeSuspended: true},
		Calendar:   Calendar{Enabled: true, DefaultTarget: "google"},
		Safeguards: Safeguards{MaxDeletes: 50, MaxDeletePercent: 20, MinSourceRatio: 70},
		Schedule:   Schedule{Cron: "*/10 * * * *", TimeZone: "Asia/Tokyo", PauseAfterFailures: 12, RunTimeout: Duration{30 * time.Minute}},
		History:    History{Days: 90},
		Console:    Console{Listen: "127.0.0.1:8080", UploadLimitMB: 50},
	}
}

package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/go-playground/validator/v10"

	"github.com/cybridge/cybridge/internal/secret"

	"github.com/cybridge/cybridge/targets/calendar/caldav"
	"github.com/cybridge/cybridge/targets/calendar/scope"
)

// Problem is one bad configuration key.
type Problem struct {
	Key     string // file key ("cybozu.url") — the env name is derived from it
	Message string
	// File marks a problem with the file itself (Key is its path): no
	// environment variable applies.
	File bool
}

// Error lists every configuration problem at once. Its code is
// "config_invalid".
type Error struct {
	Problems []Problem
}

// ErrorCode is the stable error code.
func (e *Error) ErrorCode() string { return "config_invalid" }

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("the configuration has problems; fix these keys (in the file or as CYBRIDGE_* environment variables):")
	for _, p := range e.Problems {
		if p.File {
			fmt.Fprintf(&b, "\n  %s: %s", p.Key, p.Message)
			continue
		}
		fmt.Fprintf(&b, "\n  %s (%s): %s", p.Key, EnvName(p.Key), p.Message)
	}
	return b.String()
}

// EnvName returns the environment variable for a file key:
// "cybozu.password" → "CYBRIDGE_CYBOZU_PASSWORD".
func EnvName(key string) string {
	return "CYBRIDGE_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Load reads the configuration: defaults, then the TOML file at path (a
// missing file is fine when required is false — the environment alone must
// be enough), then the environment (lookup, normally os.LookupEnv). Every
// problem is reported at once as *Error.
func Load(path string, required bool, lookup func(string) (string, bool)) (*Config, error) {
	cfg := Default()
	var problems []Problem
	fileKeys := map[string]bool{}
	if path != "" {
		b, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !required:
		case err != nil:
			return nil, &Error{Problems: []Problem{{Key: path, File: true, Message: fmt.Sprintf("cannot read the configuration file: %v", unwrapPath(err))}}}
		default:
			md, err := toml.Decode(string(b), &cfg)
			if err != nil {
				var pe toml.ParseError
				if errors.As(err, &pe) {
					return nil, &Error{Problems: []Problem{{Key: fmt.Sprintf("%s:%d", path, pe.Position.Line), File: true, Message: "not valid TOML: " + pe.Message}}}
				}
				return nil, &Error{Problems: []Problem{{Key: path, File: true, Message: err.Error()}}}
			}
			for _, k := range md.Undecoded() {
				if strings.HasSuffix(k.String(), "_file") {
					continue // handled with the secrets below
				}
				problems = append(problems, Problem{Key: k.String(), Message: "unknown key"})
			}
			for _, k := range md.Keys() {
				fileKeys[k.String()] = true
			}
			var raw map[string]any
			_, _ = toml.Decode(string(b), &raw)
			problems = append(problems, secretFiles(&cfg, md, raw)...)
		}
	}
	problems = append(problems, applyEnv(&cfg, lookup)...)
	problems = append(problems, cfg.validate()...)
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Key < problems[j].Key })
		return nil, &Error{Problems: problems}
	}
	return &cfg, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// field is one settable key of the config.
type field struct {
	key    string
	value  reflect.Value
	secret bool
}

func fields(cfg *Config) []field {
	var out []field
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			name := sf.Tag.Get("toml")
			if name == "" {
				continue
			}
			key := name
			if prefix != "" {
				key = prefix + "." + name
			}
			fv := v.Field(i)
			if sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(Duration{}) {
				walk(key, fv)
				continue
			}
			out = append(out, field{key: key, value: fv, secret: sf.Tag.Get("secret") == "true"})
		}
	}
	walk("", reflect.ValueOf(cfg).Elem())
	return out
}

// secretFiles reads "<key>_file" entries of the TOML file into secrets.
func secretFiles(cfg *Config, md toml.MetaData, raw map[string]any) []Problem {
	var problems []Problem
	for _, k := range md.Undecoded() {
		ks := k.String()
		if !strings.HasSuffix(ks, "_file") {
			continue
		}
		base := strings.TrimSuffix(ks, "_file")
		f, ok := find(cfg, base)
		if !ok || !f.secret {
			problems = append(problems, Problem{Key: ks, Message: "unknown key (only secrets can be read from a file)"})
			continue
		}
		var v any = raw
		for _, part := range k {
			m, _ := v.(map[string]any)
			v = m[part]
		}
		path, _ := v.(string)
		val, err := readSecretFile(path)
		if err != nil {
			problems = append(problems, Problem{Key: ks, Message: err.Error()})
			continue
		}
		f.value.SetString(val)
	}
	return problems
}

func readSecretFile(path string) (string, error) {
	if path == "" {
		return "", errors.New("empty path")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cannot read secret file %s: %v", path, unwrapPath(err))
	}
	return strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r"), nil
}

func find(cfg *Config, key string) (field, bool) {
	for _, f := range fields(cfg) {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

func applyEnv(cfg *Config, lookup func(string) (string, bool)) []Problem {
	var problems []Problem
	for _, f := range fields(cfg) {
		env := EnvName(f.key)
		val, ok := lookup(env)
		if f.secret {
			if path, fok := lookup(env + "_FILE"); fok && path != "" {
				s, err := readSecretFile(path)
				if err != nil {
					problems = append(problems, Problem{Key: f.key, Message: env + "_FILE: " + err.Error()})
					continue
				}
				val, ok = s, true
			}
		}
		if !ok {
			continue
		}
		// An empty variable means "not set" for numbers, switches and
		// durations (a shell's `X=` is not a value for them).
		if val == "" && f.value.Kind() != reflect.String && f.value.Kind() != reflect.Slice {
			continue
		}
		if err := set(f.value, val); err != nil {
			problems = append(problems, Problem{Key: f.key, Message: fmt.Sprintf("%s: %v", env, err)})
		}
	}
	return problems
}

func set(v reflect.Value, s string) error {
	if u, ok := v.Addr().Interface().(interface{ UnmarshalText([]byte) error }); ok {
		return u.UnmarshalText([]byte(s))
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("not a whole number: %q", s)
		}
		v.SetInt(int64(n))
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("not true or false: %q", s)
		}
		v.SetBool(b)
	case reflect.Slice:
		var parts []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		v.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}

func (cfg *Config) validate() []Problem {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(sf reflect.StructField) string { return sf.Tag.Get("toml") })
	_ = v.RegisterValidation("cybozuurl", func(fl validator.FieldLevel) bool {
		return CheckURL(fl.Field().String()) == nil
	})
	var problems []Problem
	if err := v.Struct(cfg); err != nil {
		var ves validator.ValidationErrors
		if errors.As(err, &ves) {
			for _, fe := range ves {
				problems = append(problems, Problem{Key: tomlKey(fe.Namespace()), Message: describe(cfg, fe)})
			}
		} else {
			problems = append(problems, Problem{Key: "config", Message: err.Error()})
		}
	}
	c := cfg.Cybozu
	if c.Token.IsSet() && c.BasicUser != "" {
		problems = append(problems, Problem{Key: "cybozu.token", Message: "Basic authentication works with password authentication only (the API token and Basic authentication both use the Authorization header): set cybozu.login and cybozu.password instead of the token, or remove basic_user"})
	}
	if (c.BasicUser != "") != c.BasicPassword.IsSet() {
		problems = append(problems, Problem{Key: "cybozu.basic_password", Message: "set both basic_user and basic_password, or neither"})
	}
	if c.Password.IsSet() && c.Login == "" {
		problems = append(problems, Problem{Key: "cybozu.login", Message: "a password needs the login name it belongs to"})
	}
	if (c.ClientCert != "") != (c.ClientKey != "") {
		problems = append(problems, Problem{Key: "cybozu.client_key", Message: "set both client_cert and client_key, or neither"})
	}
	if p := cfg.Safety.InitialPassword; p.IsSet() && len([]rune(p.Reveal())) < 6 {
		problems = append(problems, Problem{Key: "safety.initial_password", Message: "the initial password must have at least 6 characters"})
	}
	// The calendar scope and CalDAV URL template are checked here so that a
	// mistake in them is reported with every other configuration problem
	// (the parsers are leaf packages of targets/calendar).
	if _, err := scope.Parse(cfg.Calendar.Scope); err != nil {
		problems = append(problems, Problem{Key: "calendar.scope", Message: err.Error()})
	}
	if t := cfg.Calendar.CalDAVURLTemplate; t != "" {
		if err := caldav.CheckTemplate(t); err != nil {
			problems = append(problems, Problem{Key: "calendar.caldav_url_template", Message: err.Error()})
		}
	}
	return problems
}

// Secrets are the configuration's secrets that are set, for a
// secret.Redactor: every key tagged secret, so a new secret key is
// redacted without a list to update.
func (cfg *Config) Secrets() []secret.Secret {
	var out []secret.Secret
	for _, f := range fields(cfg) {
		if s, ok := f.value.Interface().(secret.Secret); ok && f.secret && s.IsSet() {
			out = append(out, s)
		}
	}
	return out
}

// CheckAPI reports what is missing to read from the User API. It is checked
// only by commands that read from the API, so that CSV-only and roster-only
// use need no cybozu.com settings.
func (cfg *Config) CheckAPI() error {
	var problems []Problem
	c := cfg.Cybozu
	if c.URL == "" {
		problems = append(problems, Problem{Key: "cybozu.url", Message: "required: the cybozu.com URL, e.g. https://example.cybozu.com"})
	}
	if !c.Token.IsSet() && !c.Password.IsSet() {
		problems = append(problems, Problem{Key: "cybozu.password", Message: "required: a login name and password, or an API token (cybozu.token)"})
	}
	if len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

func tomlKey(ns string) string {
	// ns is like "Config.cybozu.concurrency" thanks to the tag-name func.
	parts := strings.Split(ns, ".")
	if len(parts) > 1 {
		parts = parts[1:]
	}
	for i, p := range parts {
		if j := strings.IndexByte(p, '['); j >= 0 {
			parts[i] = p[:j]
		}
	}
	return strings.Join(parts, ".")
}

func describe(cfg *Config, fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "required"
	case "min":
		return "must be at least " + fe.Param()
	case "max":
		return "must be at most " + fe.Param()
	case "oneof":
		return fmt.Sprintf("%q is not one of: %s", fmt.Sprint(fe.Value()), strings.ReplaceAll(fe.Param(), " ", ", "))
	case "cybozuurl":
		return CheckURL(fmt.Sprint(fe.Value())).Error()
	case "hostname":
		return fmt.Sprintf("%q is not a domain name", fmt.Sprint(fe.Value()))
	case "hostname_port":
		return fmt.Sprintf("%q is not host:port", fmt.Sprint(fe.Value()))
	}
	return "invalid (" + fe.Tag() + ")"
}

// CheckURL checks a cybozu.com base URL: https, or http only for loopback
// addresses (the simulator), with no path beyond "/".
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL; write it as https://SUBDOMAIN.cybozu.com", raw)
	}
	if u.Path != "" && u.Path != "/" {
		return fmt.Errorf("%q has a path; give only https://SUBDOMAIN.cybozu.com", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q uses http://, which is accepted only for loopback addresses; use https://", raw)
	}
	return fmt.Errorf("%q must start with https://", raw)
}

// IsLoopback reports whether host is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// UnknownEnv reports every CYBRIDGE_* variable in environ (NAME=value, as
// os.Environ) with a value that names no configuration key, so that a mistyped name
// (CYBRIDGE_CYBOZU_PASWORD) is an error instead of a setting silently not
// made. Secrets also accept their _FILE form.
func UnknownEnv(environ []string) []Problem {
	known := map[string]bool{}
	var cfg Config
	for _, f := range fields(&cfg) {
		known[EnvName(f.key)] = true
		if f.secret {
			known[EnvName(f.key)+"_FILE"] = true
		}
	}
	var out []Problem
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		// An empty variable is treated as unset, as for known keys.
		if strings.HasPrefix(name, "CYBRIDGE_") && !known[name] && val != "" {
			out = append(out, Problem{Key: name, File: true, Message: "unknown environment variable: no configuration key has this name (see the README's cybridge.toml example; CYBRIDGE_<SECTION>_<KEY>)"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

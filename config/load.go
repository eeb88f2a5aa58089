package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/go-playground/validator/v10"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// EnvName returns the environment variable for a file key:
// "cybozu.password" → "CYBRIDGE_CYBOZU_PASSWORD".
func EnvName(key string) string {
	return "CYBRIDGE_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Load reads the configuration (see Decode) and reports every problem with
// its keys at once as *Error. It checks keys one by one (types, tags, the
// _FILE forms); the checks of each component (the calendar scope, the
// schedule, the cybozu.com credentials) are app.Validate's.
func Load(path string, required bool, lookup func(string) (string, bool)) (*Config, error) {
	cfg, problems, err := Decode(path, required, lookup)
	if err != nil {
		return nil, err
	}
	if err := NewError(cfg, problems); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Decode reads the configuration: defaults, then the TOML file at path (a
// missing file is fine when required is false — the environment alone must
// be enough — and is remembered in Config.NoFile), then the environment
// (lookup, normally os.LookupEnv), and checks each key against its tags.
// It returns the configuration with the problems of its keys, so that a
// caller can add the checks of each component and report every problem at
// once; a configuration with problems must not be used. err (an *Error) is
// a file that cannot be read or is not TOML: nothing else can be said then.
func Decode(path string, required bool, lookup func(string) (string, bool)) (*Config, []Problem, error) {
	cfg := Default()
	var problems []Problem
	if path != "" {
		b, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !required:
			if abs, aerr := filepath.Abs(path); aerr == nil {
				path = abs
			}
			cfg.NoFile = path
		case err != nil:
			return nil, nil, &Error{Problems: []Problem{fileProblem(path, path, "config.file", err)}}
		default:
			md, err := toml.Decode(string(b), &cfg)
			if err != nil {
				var pe toml.ParseError
				if p, ok := typeProblem(path, err); ok {
					return nil, nil, &Error{Problems: []Problem{p}}
				}
				if errors.As(err, &pe) {
					// The place as parameters; the parser's English
					// description only in parentheses after it.
					return nil, nil, &Error{Problems: []Problem{{Key: path, File: true, Code: "config.toml_syntax",
						Params: msg.Params{"line": pe.Position.Line, "column": pe.Position.Col, "detail": pe.Message}}}}
				}
				return nil, nil, &Error{Problems: []Problem{{Key: path, File: true, Code: "config.file_invalid", Params: msg.Params{"detail": err.Error()}}}}
			}
			problems = append(problems, unknownKeys(md)...)
			var raw map[string]any
			_, _ = toml.Decode(string(b), &raw)
			problems = append(problems, secretFiles(&cfg, md, raw)...)
		}
	}
	problems = append(problems, applyEnv(&cfg, lookup)...)
	problems = append(problems, scimTokens(&cfg, lookup)...)
	problems = append(problems, cfg.validate()...)
	return &cfg, problems, nil
}

// decodeRE matches the TOML decoder's message for a value that does not
// fit its key: its line, key, and either the type the key wants or the
// value's own complaint (a duration).
var decodeRE = regexp.MustCompile(`^toml: line (\d+) \(last key "([a-z_.]+)"\): (?:incompatible types: TOML value has type \w+; destination has type (string|integer|boolean|slice)|time: .*)$`)

// typeProblem is a value of the file that does not fit its key, said of
// the key, when the decoder's error is one.
func typeProblem(path string, err error) (Problem, bool) {
	m := decodeRE.FindStringSubmatch(err.Error())
	if m == nil {
		return Problem{}, false
	}
	code := "config.type_duration"
	if m[3] != "" {
		code = "config.type_" + m[3]
	}
	return Problem{Key: m[2], Code: code, Params: msg.Params{"file": path, "line": m[1]}}, true
}

// fileProblem is a file (the configuration, or a secret's) that cannot be
// read, by code prefix: "<prefix>_missing", "_denied" or "_unreadable".
func fileProblem(key, path, prefix string, err error) Problem {
	p := Problem{Key: key, Params: msg.Params{"path": path}}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.Code = prefix + "_missing"
	case errors.Is(err, fs.ErrPermission):
		p.Code = prefix + "_denied"
	default:
		p.Code = prefix + "_unreadable"
		p.Params["detail"] = unwrapPath(err).Error()
	}
	p.File = key == path
	return p
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// unknownKeys reports the keys of the file that name nothing: one problem
// per unknown section (its keys are not listed again), one per unknown key
// of a known section, each with the nearest known name when one is close.
// "<secret>_file" keys are left to secretFiles.
func unknownKeys(md toml.MetaData) []Problem {
	var cfg Config
	known := map[string]bool{}
	sections := map[string]bool{}
	for _, f := range fields(&cfg) {
		known[f.key] = true
		if s, _, ok := strings.Cut(f.key, "."); ok {
			sections[s] = true
		}
	}
	tables := tableKeys()
	for t := range tables {
		sections[strings.SplitN(t, ".", 2)[0]] = true
	}
	var problems []Problem
	reported := map[string]bool{} // sections and tables already reported
	for _, k := range md.Undecoded() {
		ks := k.String()
		if strings.HasSuffix(ks, "_file") && known[strings.TrimSuffix(ks, "_file")] {
			continue // a key's file form: secretFiles reads it, or says it cannot be
		}
		top := k[0]
		if !sections[top] && !known[top] && (len(k) > 1 || isTable(md, k)) {
			// [saftey]: one problem, not one per key below it.
			if !reported[top] {
				reported[top] = true
				problems = append(problems, unknownSection(top, keys(sections)))
			}
			continue
		}
		if len(k) > 1 && tables[k[0]] != nil && !isTable(md, k[:2]) {
			// A key of one top-level [[scim]] table.
			if !reported[ks] {
				reported[ks] = true
				problems = append(problems, unknownKey(ks, tables[k[0]]))
			}
			continue
		}
		if len(k) > 2 && tables[k[0]+"."+k[1]] != nil {
			// A key of one [[notify.email]] table: nearest among its keys.
			if !reported[ks] {
				reported[ks] = true
				problems = append(problems, unknownKey(ks, tables[k[0]+"."+k[1]]))
			}
			continue
		}
		if len(k) > 2 {
			// [cybozu.extra] with keys: one problem for the table.
			t := k[0] + "." + k[1]
			if !reported[t] {
				reported[t] = true
				problems = append(problems, unknownKey(t, known))
			}
			continue
		}
		if !reported[ks] {
			reported[ks] = true
			problems = append(problems, unknownKey(ks, known))
		}
	}
	return problems
}

// tableKeys are the arrays of tables ("notify.email") with the keys of
// their elements ("notify.email.host").
func tableKeys() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			name := sf.Tag.Get("toml")
			if name == "" || name == "-" {
				continue
			}
			key := strings.TrimPrefix(prefix+"."+name, ".")
			switch {
			case sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(Duration{}):
				walk(key, sf.Type)
			case sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.Struct:
				keys := map[string]bool{}
				for j := 0; j < sf.Type.Elem().NumField(); j++ {
					if n := sf.Type.Elem().Field(j).Tag.Get("toml"); n != "" && n != "-" {
						keys[key+"."+n] = true
					}
				}
				out[key] = keys
			}
		}
	}
	walk("", reflect.TypeOf(Config{}))
	return out
}

func isTable(md toml.MetaData, k toml.Key) bool {
	t := md.Type(k...)
	return t == "Hash" || t == "ArrayHash"
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func unknownSection(name string, sections []string) Problem {
	p := Problem{Key: "[" + name + "]", File: true, Params: msg.Params{"section": name}}
	if s := nearest(name, sections); s != "" {
		p.Code, p.Params["suggestion"] = "config.unknown_section_suggest", s
		return p
	}
	p.Code, p.Params["sections"] = "config.unknown_section", bracket(sections)
	return p
}

func bracket(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "[" + n + "]"
	}
	return out
}

// unknownKey is a key no setting has, with the nearest known key: in the
// same section by spelling, or the same name in another section (a key
// written above its section's header).
func unknownKey(key string, known map[string]bool) Problem {
	p := Problem{Key: key, Code: "config.unknown_key", Params: msg.Params{}}
	section, name, inSection := strings.Cut(key, ".")
	if !inSection {
		section, name = "", key
	}
	var same []string
	for k := range known {
		s, n, ok := strings.Cut(k, ".")
		if !ok {
			s, n = "", k
		}
		if n == name && s != section {
			p.Code, p.Params["suggestion"] = "config.unknown_key_suggest", k
			return p
		}
		if s == section {
			same = append(same, k)
		}
	}
	sort.Strings(same)
	if k := nearest(key, same); k != "" {
		p.Code, p.Params["suggestion"] = "config.unknown_key_suggest", k
	}
	return p
}

// nearest is the candidate closest to s by edit distance, or "" when none
// is close enough to be a misspelling: at most a third of s's letters
// differ (at least one, at most three).
func nearest(s string, candidates []string) string {
	limit := min(max(len(s)/3, 1), 3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := distance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b, a swap of two
// neighbouring letters counting as one edit (saftey → safety).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
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
			if name == "" || name == "-" {
				continue
			}
			key := name
			if prefix != "" {
				key = prefix + "." + name
			}
			fv := v.Field(i)
			if sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.Struct {
				continue // an array of tables ([[notify.email]]): file only, see tableKeys
			}
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
		if !ok {
			continue // unknownKeys reported it
		}
		if !f.secret {
			problems = append(problems, Problem{Key: ks, Code: "config.file_form_not_secret", Params: msg.Params{"key": base}})
			continue
		}
		var v any = raw
		for _, part := range k {
			m, _ := v.(map[string]any)
			v = m[part]
		}
		path, _ := v.(string)
		val, p := readSecretFile(ks, path)
		if p != nil {
			problems = append(problems, *p)
			continue
		}
		f.value.SetString(val)
	}
	return problems
}

// readSecretFile reads the secret file path named by the key or variable
// from; a problem is reported under key.
func readSecretFile(from, path string) (string, *Problem) {
	if path == "" {
		return "", &Problem{Code: "config.secret_file_empty", Params: msg.Params{"from": from}}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		p := fileProblem(from, path, "config.secret_file", err)
		p.Params["from"] = from
		return "", &p
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
				s, p := readSecretFile(env+"_FILE", path)
				if p != nil {
					p.Key = f.key
					problems = append(problems, *p)
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
		if code := set(f.value, val); code != "" {
			problems = append(problems, Problem{Key: f.key, Code: code, Params: msg.Params{"env": env, "value": val}})
		}
	}
	return problems
}

// set sets v from the environment value s, or returns the code of what
// is wrong with s.
func set(v reflect.Value, s string) string {
	if u, ok := v.Addr().Interface().(interface{ UnmarshalText([]byte) error }); ok {
		if u.UnmarshalText([]byte(s)) != nil {
			return "config.env_not_duration" // Duration is the only such type
		}
		return ""
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return "config.env_not_number"
		}
		v.SetInt(int64(n))
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return "config.env_not_bool"
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
		panic("config: a key of unsupported type " + v.Type().String())
	}
	return ""
}

// validate checks every key against its tags, and the rules that belong to
// no component (the initial password's length).
func (cfg *Config) validate() []Problem {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(sf reflect.StructField) string { return sf.Tag.Get("toml") })
	_ = v.RegisterValidation("cybozuurl", func(fl validator.FieldLevel) bool {
		return CheckURL(fl.Field().String()) == nil
	})
	var problems []Problem
	if err := v.Struct(cfg); err != nil {
		var ves validator.ValidationErrors
		if !errors.As(err, &ves) {
			panic("config: validator: " + err.Error()) // a bad tag: a bug
		}
		for _, fe := range ves {
			problems = append(problems, describe(tomlKey(fe.Namespace()), fe))
		}
	}
	if p := cfg.Safety.InitialPassword; p.IsSet() && len([]rune(p.Reveal())) < 6 {
		problems = append(problems, Problem{Key: "safety.initial_password", Code: "config.initial_password_short", Params: msg.Params{"min": 6}})
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
	for _, s := range cfg.SCIM {
		if s.Token.IsSet() {
			out = append(out, s.Token)
		}
	}
	return out
}

func tomlKey(ns string) string {
	// ns is like "Config.cybozu.concurrency" thanks to the tag-name func.
	parts := strings.Split(ns, ".")
	if len(parts) > 1 {
		parts = parts[1:]
	}
	for i, p := range parts {
		// An element of a list of values (google_domains[0]) is said of
		// the list; an element of an array of tables keeps its place
		// (notify.email[1].host).
		if j := strings.IndexByte(p, '['); j >= 0 && i == len(parts)-1 {
			parts[i] = p[:j]
		}
	}
	return strings.Join(parts, ".")
}

// describe is the problem of a failed tag.
func describe(key string, fe validator.FieldError) Problem {
	value := fmt.Sprint(fe.Value())
	p := Problem{Key: key, Code: "config." + fe.Tag(), Params: msg.Params{"value": value, "param": fe.Param()}}
	// A key inside an array of tables has no environment variable.
	p.File = strings.Contains(key, "[")
	switch fe.Tag() {
	case "required":
		p.Unset = true
	case "oneof":
		p.Params["allowed"] = strings.Fields(fe.Param())
	case "cybozuurl":
		return Problem{Key: key, Code: msg.Code(CheckURL(value)), Params: msg.ParamsOf(CheckURL(value))}
	case "min", "max", "hostname", "hostname_port":
	default:
		p.Code = "config.invalid"
	}
	return p
}

// CheckURL checks a cybozu.com base URL: https, or http only for loopback
// addresses (the simulator), with no user or password, no path beyond "/",
// no query and no fragment. The error carries a
// code of the catalogue and the URL as its parameter.
func CheckURL(raw string) error {
	bad := func(code string) error { return msg.New(msg.KindInvalid, code, msg.Params{"url": raw}) }
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return bad("config.url_not_url")
	}
	if u.User != nil {
		return msg.New(msg.KindInvalid, "config.url_userinfo", nil) // the URL holds a password: never repeat it
	}
	if u.Path != "" && u.Path != "/" {
		return bad("config.url_path")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return bad("config.url_query")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return bad("config.url_http")
	}
	return bad("config.url_scheme")
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
// made, with the nearest known name. Secrets also accept their _FILE form.
func UnknownEnv(environ []string) []Problem {
	known := map[string]bool{}
	var cfg Config
	for _, f := range fields(&cfg) {
		known[EnvName(f.key)] = true
		if f.secret {
			known[EnvName(f.key)+"_FILE"] = true
		}
	}
	names := keys(known)
	var out []Problem
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		// An empty variable is treated as unset, as for known keys.
		if !strings.HasPrefix(name, "CYBRIDGE_") || known[name] || val == "" || isSCIMTokenEnv(name) {
			continue
		}
		p := Problem{Key: name, File: true, Code: "config.unknown_env", Params: msg.Params{"name": name}}
		if s := nearest(strings.TrimPrefix(name, "CYBRIDGE_"), trimmed(names)); s != "" {
			p.Code, p.Params["suggestion"] = "config.unknown_env_suggest", "CYBRIDGE_"+s
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func trimmed(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.TrimPrefix(n, "CYBRIDGE_")
	}
	return out
}

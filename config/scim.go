package config

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/internal/secret"
)

// SCIMTokenEnv is the environment variable of the bearer token of the
// [[scim]] instance named name: CYBRIDGE_SCIM_<NAME>_TOKEN, the name in
// capitals with "-" as "_". Its _FILE form names a file.
func SCIMTokenEnv(name string) string {
	return "CYBRIDGE_SCIM_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_TOKEN"
}

var scimTokenEnvRE = regexp.MustCompile(`^CYBRIDGE_SCIM_[A-Z0-9_]+_TOKEN(_FILE)?$`)

// isSCIMTokenEnv reports whether name is the form of a SCIM token's
// variable (an instance's name is not known to UnknownEnv).
func isSCIMTokenEnv(name string) bool { return scimTokenEnvRE.MatchString(name) }

// scimTokens reads each [[scim]] instance's token: from its token_file,
// then from CYBRIDGE_SCIM_<NAME>_TOKEN or _TOKEN_FILE (the environment
// wins, as for every key).
func scimTokens(cfg *Config, lookup func(string) (string, bool)) []Problem {
	var problems []Problem
	for i := range cfg.SCIM {
		s := &cfg.SCIM[i]
		key := "scim[" + strconv.Itoa(i) + "].token_file"
		if s.TokenFile != "" {
			v, p := readSecretFile(key, s.TokenFile)
			if p != nil {
				p.Key, p.File = key, true
				problems = append(problems, *p)
			} else {
				s.Token = secret.Secret(v)
			}
		}
		if s.Name == "" {
			continue
		}
		env := SCIMTokenEnv(s.Name)
		if path, ok := lookup(env + "_FILE"); ok && path != "" {
			v, p := readSecretFile(env+"_FILE", path)
			if p != nil {
				p.Key, p.File = env+"_FILE", true
				problems = append(problems, *p)
				continue
			}
			s.Token = secret.Secret(v)
		} else if v, ok := lookup(env); ok && v != "" {
			s.Token = secret.Secret(v)
		}
	}
	return problems
}

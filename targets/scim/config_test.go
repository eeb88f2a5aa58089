package scim_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/targets/scim"
)

func TestCheckConfig(t *testing.T) {
	ok := config.SCIM{Name: "slack", URL: "https://api.slack.com/scim/v2", Token: "t"}
	tests := []struct {
		name string
		list []config.SCIM
		want map[string]string // key → code
	}{
		{"fine", []config.SCIM{ok, {Name: "local", URL: "http://127.0.0.1:8080/scim/v2", Token: "t"}}, map[string]string{}},
		{"bad name, http, no token", []config.SCIM{{Name: "Slack!", URL: "http://scim.example.com/v2"}}, map[string]string{
			"scim[0].name": "config.scim_name", "scim[0].url": "config.scim_url_https", "scim[0].token_file": "config.scim_token_required"}},
		{"a name twice, a user in the URL", []config.SCIM{ok, {Name: "slack", URL: "https://u:p@x.example.com/scim", Token: "t"}}, map[string]string{
			"scim[1].name": "config.scim_name_taken", "scim[1].url": "config.scim_url_userinfo"}},
		{"the filter's own syntax error", []config.SCIM{{Name: "a", URL: ok.URL, Token: "t", UserFilter: `organization in (`}}, map[string]string{
			"scim[0].user_filter": "?"}},
		{"attributes", []config.SCIM{{Name: "a", URL: ok.URL, Token: "t", Attributes: map[string]string{
			"nick": "nickName", "nick2": "nickName", "x": "userName", "bad code!": "locale"}}}, map[string]string{
			"scim[0].attributes.nick2": "config.scim_attribute_twice", "scim[0].attributes.x": "config.scim_attribute_target",
			"scim[0].attributes.bad code!": "config.scim_attribute_code"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for _, p := range scim.CheckConfig(tt.list) {
				got[p.Key] = p.Code
				if tt.want[p.Key] == "?" {
					got[p.Key] = "?" // the scope package's code
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

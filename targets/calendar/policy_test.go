package calendar

import (
	"strings"
	"testing"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
)

func TestRule8_InputValidation(t *testing.T) {
	iv := newInputValidator()
	tests := []struct {
		name  string
		input any
		ok    bool
		msg   string // part of the message when not ok
	}{
		{"primary calendar", GoogleSettings{CalendarID: "sato@example.com"}, true, ""},
		{"secondary calendar", GoogleSettings{CalendarID: "c_1a2b3c4d5e@group.calendar.google.com"}, true, ""},
		{"default id", GoogleSettings{}, true, ""},
		{"not an id", GoogleSettings{CalendarID: "sato"}, false, "is not a Google calendar id"},
		{"display form", GoogleSettings{CalendarID: "Sato <sato@example.com>"}, false, "is not a Google calendar id"},
		{"no domain dot", GoogleSettings{CalendarID: "sato@localhost"}, false, "is not a Google calendar id"},
		{"bare group suffix", GoogleSettings{CalendarID: "@group.calendar.google.com"}, false, "is not a Google calendar id"},
		{"holiday calendar", GoogleSettings{CalendarID: "ja.japanese#holiday@group.v.calendar.google.com"}, true, ""},
		{"longer than an address can be", GoogleSettings{CalendarID: strings.Repeat("a", 250) + "@example.com"}, false, "is not a Google calendar id"},
		{"address literal", GoogleSettings{CalendarID: "sato@[192.0.2.1]"}, false, "is not a Google calendar id"},
		{"caldav https", CalDAVSettings{URL: "https://dav.example.com/sato/cal/", AuthID: "sato", Password: "pw"}, true, ""},
		{"caldav loopback http", CalDAVSettings{URL: "http://127.0.0.1:5232/sato/cal/", AuthID: "sato", Password: "pw"}, true, ""},
		{"caldav default URL", CalDAVSettings{AuthID: "sato", Password: "pw"}, true, ""},
		{"caldav remote http", CalDAVSettings{URL: "http://dav.example.com/", AuthID: "sato", Password: "pw"}, false, "loopback"},
		{"caldav no auth id", CalDAVSettings{URL: "https://dav.example.com/", Password: "pw"}, false, "needs an auth id"},
		{"caldav no password", CalDAVSettings{URL: "https://dav.example.com/", AuthID: "sato"}, false, "needs a password"},
		{"caldav keeps its password", CalDAVSettings{URL: "https://dav.example.com/", AuthID: "sato", KeepPassword: true}, true, ""},
		{"caldav credentials in URL", CalDAVSettings{URL: "https://sato:pw-in-url@dav.example.com/", AuthID: "sato", Password: "pw"}, false, "holds credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := iv.check(tt.input)
			if tt.ok {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if code(err) != msg.CodeInvalidInput || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error = %v, want %s containing %q", err, msg.CodeInvalidInput, tt.msg)
			}
			if strings.Contains(err.Error(), "pw-in-url") {
				t.Errorf("the message repeats a password: %v", err)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	p, err := NewPolicy(config.Calendar{DefaultTarget: "google", GoogleDomains: []string{"Example.COM"}, CalDAVURLTemplate: "https://dav.example.com/{login}/{email_local}/"})
	if err != nil {
		t.Fatal(err)
	}
	for email, want := range map[string]string{
		"sato@example.com":     "sato@example.com",
		"sato@EXAMPLE.com":     "sato@EXAMPLE.com",
		"sato@other.com":       "",
		"":                     "",
		"sato@sub.example.com": "",
	} {
		if got := p.DefaultCalendarID(email); got != want {
			t.Errorf("DefaultCalendarID(%q) = %q, want %q", email, got, want)
		}
	}
	if got := p.DefaultCalDAVURL("sato", "ichiro@example.com"); got != "https://dav.example.com/sato/ichiro/" {
		t.Errorf("DefaultCalDAVURL = %q", got)
	}
	if got := p.DefaultCalDAVURL("sato", ""); got != "" {
		t.Errorf("DefaultCalDAVURL without email = %q, want empty", got)
	}
}

func TestDisplayState(t *testing.T) {
	tests := []struct {
		e    Enrolment
		want DisplayState
		why  string
	}{
		{Enrolment{Permitted: false, Switch: SwitchStopped, AutoStop: AutoStop{Reason: StopForbidden}}, StateDisabled, ""},
		{Enrolment{Permitted: true, Switch: SwitchStopped}, StateStopped, "user"},
		{Enrolment{Permitted: true, Switch: SwitchSync, AutoStop: AutoStop{Reason: StopErrors}}, StateStopped, StopErrors},
		{Enrolment{Permitted: true, Switch: SwitchStopped, AutoStop: AutoStop{Reason: StopForbidden}}, StateStopped, StopForbidden},
		{Enrolment{Permitted: true, Switch: SwitchSync}, StateSyncing, ""},
	}
	for _, tt := range tests {
		if got := tt.e.State(); got != tt.want {
			t.Errorf("%+v: state %s, want %s", tt.e, got, tt.want)
		}
		if tt.want == StateStopped && tt.e.StopReason() != tt.why {
			t.Errorf("%+v: stop reason %q, want %q", tt.e, tt.e.StopReason(), tt.why)
		}
	}
}

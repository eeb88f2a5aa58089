package calendar

import (
	"errors"
	"fmt"
	"net/mail"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
	"github.com/cybridge/cybridge/targets/calendar/scope"
)

// Policy is the provisioning policy (SPEC §6): who is permitted, and the
// defaults of a new enrolment.
type Policy struct {
	Scope         *scope.Scope // nil: every active user
	DefaultTarget Kind
	// GoogleDomains are the email domains whose addresses are Google
	// Workspace primary calendar ids. Empty: no Google calendar id is
	// defaulted (the user or admin sets it).
	GoogleDomains []string
	// CalDAVURLTemplate fills a new CalDAV enrolment's URL ({login},
	// {email}, {email_local}); empty: no default URL.
	CalDAVURLTemplate string
	// DeleteAfterDays deletes enrolments of users gone for more than this
	// many days; 0 keeps them for ever.
	DeleteAfterDays int
}

// NewPolicy builds the policy from the configuration. It refuses what
// CheckConfig reports (app.Validate has reported it at load time, with
// every other configuration problem) as a *config.Error.
func NewPolicy(c config.Calendar) (Policy, error) {
	if err := config.NewError(nil, CheckConfig(c)); err != nil {
		return Policy{}, err
	}
	sc, _ := scope.Parse(c.Scope) // CheckConfig parsed it
	p := Policy{
		Scope: sc, DefaultTarget: Kind(c.DefaultTarget), CalDAVURLTemplate: c.CalDAVURLTemplate,
		DeleteAfterDays: c.DeleteAfterDays,
	}
	if p.DefaultTarget == "" {
		p.DefaultTarget = KindGoogle
	}
	if p.DefaultTarget != KindGoogle && p.DefaultTarget != KindCalDAV {
		return Policy{}, invalid(KeyDefaultTarget, msg.Params{"value": c.DefaultTarget})
	}
	for _, d := range c.GoogleDomains {
		p.GoogleDomains = append(p.GoogleDomains, strings.ToLower(strings.TrimSpace(d)))
	}
	return p, nil
}

// DefaultCalendarID is the Google calendar id a user gets by default: the
// work email, when its domain is one of GoogleDomains (the id of a Google
// Workspace primary calendar is the account's address); else "".
func (p Policy) DefaultCalendarID(email string) string {
	_, domain, ok := strings.Cut(email, "@")
	if !ok || validCalendarID(email) != nil {
		return ""
	}
	for _, d := range p.GoogleDomains {
		if strings.EqualFold(domain, d) {
			return email
		}
	}
	return ""
}

// DefaultCalDAVURL is the CalDAV URL a user gets by default from the
// template; "" when there is no template or it cannot be filled for this
// user (e.g. {email} and no email).
func (p Policy) DefaultCalDAVURL(login, email string) string {
	if p.CalDAVURLTemplate == "" {
		return ""
	}
	u, err := caldav.ExpandTemplate(p.CalDAVURLTemplate, login, email)
	if err != nil {
		return ""
	}
	return u
}

// permitted is the policy's answer for a present user: active and in scope,
// unless a pin decides instead of the scope. A pin never permits a
// suspended user: pins override the scope, not 停止中 (the user cannot sign
// in; the manual disables suspended users at once).
func (p Policy) permitted(u *directory.User, pin Pin, d *scope.Directory) bool {
	if !u.Valid {
		return false
	}
	switch pin {
	case PinPermit:
		return true
	case PinRevoke:
		return false
	}
	return p.Scope.Match(u, d)
}

// GoogleSettings is what a user or admin sets for a Google target.
// CalendarID "" means "the default" (the work email, see DefaultCalendarID).
type GoogleSettings struct {
	CalendarID string `validate:"omitempty,calendarid"`
}

// CalDAVSettings is what a user or admin sets for a CalDAV target
// (SPEC §6 rule 8): URL "" means the default from the template. A CalDAV
// target needs an auth id and a password; KeepPassword keeps the stored one
// (allowed only when one is stored and the auth id stays the same).
type CalDAVSettings struct {
	URL          string        `validate:"omitempty,caldavurl"`
	AuthID       string        `validate:"required,max=256"`
	Password     secret.Secret `validate:"required_unless=KeepPassword true,max=1024"`
	KeepPassword bool
}

// inputValidator checks settings with the rules of SPEC §6 rule 8.
type inputValidator struct {
	v *validator.Validate
}

func newInputValidator() *inputValidator {
	v := validator.New(validator.WithRequiredStructEnabled())
	_ = v.RegisterValidation("calendarid", func(fl validator.FieldLevel) bool {
		return validCalendarID(fl.Field().String()) == nil
	})
	_ = v.RegisterValidation("caldavurl", func(fl validator.FieldLevel) bool {
		return caldav.CheckURL(fl.Field().String()) == nil
	})
	return &inputValidator{v: v}
}

// check validates s and turns the first failure into an invalid_input
// error that says what is expected, naming the field as the settings
// screen does (認証 ID), never a command-line flag: the surface adds how
// to give it. It never repeats a password.
func (iv *inputValidator) check(s any) error {
	err := iv.v.Struct(s)
	if err == nil {
		return nil
	}
	ves, ok := err.(validator.ValidationErrors)
	if !ok || len(ves) == 0 {
		return err // not the input: a bug in the tags
	}
	fe := ves[0]
	val := fmt.Sprint(fe.Value())
	if fe.Kind() == reflect.String && fe.Type() == reflect.TypeOf(secret.Secret("")) {
		val = "[redacted]"
	}
	switch fe.Field() + "/" + fe.Tag() {
	case "CalendarID/calendarid":
		return validCalendarID(val)
	case "URL/caldavurl":
		return urlError(caldav.CheckURL(val))
	case "AuthID/required":
		return invalid(KeyAuthIDRequired, nil)
	case "Password/required_unless":
		return invalid(KeyPasswordRequired, nil)
	}
	return invalid(KeyInvalidField, msg.Params{"field": fe.Field(), "rule": strings.TrimSpace(fe.Tag() + " " + fe.Param())})
}

// urlError is caldav.CheckURL's error as invalid_input: the text of its
// reason, with the URL (never its password: CheckURL redacts it).
func urlError(err error) error {
	var ue *caldav.URLError
	if !errors.As(err, &ue) {
		return err
	}
	return &msg.Error{Code: msg.CodeInvalidInput, Kind: msg.KindInvalid, Key: ue.Key(), Params: msg.Params{"url": ue.URL, "detail": ue.Msg}, Err: err}
}

// validCalendarID accepts an email-like id (a primary calendar, or a
// shared one's owner address) or a secondary calendar's
// "…@group.calendar.google.com".
func validCalendarID(id string) error {
	// 254: the longest address SMTP carries; [ ]: an address literal,
	// never a Google account.
	if id == "" || len(id) > 254 || strings.ContainsAny(id, " \t\r\n<>\"[]") {
		return badCalendarID(id)
	}
	if strings.HasSuffix(id, "@group.calendar.google.com") && len(id) > len("@group.calendar.google.com") {
		return nil
	}
	a, err := mail.ParseAddress(id)
	if err != nil || a.Address != id || !strings.Contains(id[strings.LastIndex(id, "@"):], ".") {
		return badCalendarID(id)
	}
	return nil
}

func badCalendarID(id string) error {
	return invalid(KeyCalendarID, msg.Params{"value": id})
}

package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/targets/calendar"
)

// calendarSetOptions are calendar set's options.
type calendarSetOptions struct {
	calendarOptions
	target     string // google or caldav
	calendarID string // Google
	url        string // CalDAV
	authID     string // CalDAV
	pwFile     string // CalDAV: the password's file (else standard input)
}

func (o *calendarSetOptions) flags(fs *flag.FlagSet) {
	o.calendarOptions.flags(fs)
	fs.StringVar(&o.target, "target", "", "cli.flag.target")
	fs.StringVar(&o.calendarID, "calendar-id", "", "cli.flag.calendar_id")
	fs.StringVar(&o.url, "url", "", "cli.flag.url")
	fs.StringVar(&o.authID, "auth-id", "", "cli.flag.auth_id")
	fs.StringVar(&o.pwFile, "password-file", "", "cli.flag.password_file")
}

// check refuses flags of the other target: a value would be ignored.
func (o *calendarSetOptions) check(*cli.Invocation) error {
	switch o.target {
	case "google":
		if o.url != "" || o.authID != "" || o.pwFile != "" {
			return cli.Usage("cli.usage.set_google", nil)
		}
	case "caldav":
		if o.calendarID != "" {
			return cli.Usage("cli.usage.set_caldav", nil)
		}
	default:
		return cli.Usage("cli.usage.set_target", nil)
	}
	return nil
}

// newCalendarSetCommand is `cybridge calendar set LOGIN -target …`: where
// the user's calendar syncs to.
func newCalendarSetCommand(e *env, o *calendarSetOptions) *cli.Command {
	return &cli.Command{Name: "set", Args: []string{"LOGIN"}, Summary: "cli.summary.calendar_set", Formats: textAndJSON,
		Flags: o.flags, Check: o.check,
		Run: func(ctx context.Context, in *cli.Invocation) (cli.Result, error) {
			var pw secret.Secret
			if o.target != "google" {
				var err error
				if pw, err = e.readCalDAVPassword(o.pwFile, login(in)); err != nil {
					return nil, err
				}
			}
			en, err := e.editEnrolment(ctx, o.config, login(in), "target", func(ed *calendar.Editor) (*calendar.Enrolment, error) {
				if o.target == "google" {
					return ed.SetGoogle(ctx, login(in), calendar.GoogleSettings{CalendarID: o.calendarID})
				}
				return ed.SetCalDAV(ctx, login(in), calendar.CalDAVSettings{URL: o.url, AuthID: o.authID, Password: pw, KeepPassword: pw == ""})
			})
			if err != nil {
				return nil, err
			}
			note := e.text("cli.calendar.set", msg.Params{"target": o.target, "calendar": calendarText(e.lang(), en.View())})
			return &enrolmentResult{en: en, note: note, e: e}, nil
		}}
}

// readCalDAVPassword reads the password from a file, or from standard
// input (prompting without echo on a terminal). Empty means "keep the
// stored one". The value is added to the secrets scrubbed from output.
func (e *env) readCalDAVPassword(file, login string) (secret.Secret, error) {
	var raw string
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", &cli.Error{Code: "password_file", Kind: msg.KindInvalid, Key: "cli.password_file",
				Params: msg.Params{"file": file, "detail": err.Error()}, Err: err}
		}
		raw = string(b)
	case isTerminal(e.stdin):
		fmt.Fprint(e.stderr, e.text("cli.prompt.caldav_password", msg.Params{"login": login}))
		b, err := term.ReadPassword(int(e.stdin.(*os.File).Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		raw = string(b)
	case e.stdin != nil:
		line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		raw = line
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(raw, "\n"), "\r")
	e.redactor = e.redactor.With(secret.Secret(pw))
	return secret.Secret(pw), nil
}

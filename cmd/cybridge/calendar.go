package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/cybridge/cybridge/internal/app"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/provision/web"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/calendar/caldav"
)

const calendarUsage = `usage: cybridge calendar <command> [LOGIN] [flags]

commands:
  list                     every enrolment (-state disabled|stopped|syncing, -format text|json)
  show LOGIN               one enrolment and its history
  set LOGIN -target google [-calendar-id ID]
                           sync to Google Calendar (no -calendar-id: the default, the work email)
  set LOGIN -target caldav [-url URL] -auth-id ID [-password-file F]
                           sync to CalDAV; the password is read from -password-file or standard
                           input (never a flag); no -url: the default from caldav_url_template
  stop LOGIN               the user's switch to 停止
  resume LOGIN             the user's switch back to 同期 (also clears an auto-stop)
  permit LOGIN             permit whatever the scope says (a pin)
  revoke LOGIN             revoke whatever the scope says (a pin)
  unpin LOGIN              let the scope decide again from the next run
  check LOGIN              check a CalDAV target against its server
  record-error LOGIN -kind forbidden|server
                           the sync engine reports an error (Forbidden stops at once;
                           120 errors within 24 hours stop)

Every command takes -config F and -format text|json.`

// runCalendar dispatches `cybridge calendar ...`.
func runCalendar(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, calendarUsage)
		if len(args) == 0 {
			return usageErrorf("calendar: give a command")
		}
		return nil
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "list":
		return calendarList(ctx, e, args)
	case "show":
		return calendarShow(ctx, e, args)
	case "set":
		return calendarSet(ctx, e, args)
	case "stop", "resume", "permit", "revoke", "unpin":
		return calendarSimple(ctx, e, sub, args)
	case "check":
		return calendarCheck(ctx, e, args)
	case "record-error":
		return calendarRecordError(ctx, e, args)
	}
	fmt.Fprintln(e.stderr, calendarUsage)
	return usageErrorf("calendar: unknown command %q", sub)
}

// calendarCmd is one calendar subcommand's common setup: -config and
// -format text|json.
type calendarCmd struct {
	*commandFlags
}

func newCalendarCmd(e *env, name string) *calendarCmd {
	return &calendarCmd{e.commandFlags("calendar "+name, "text", "json")}
}

// parse reads flags and want positional arguments (LOGIN, …), given before
// or after the flags.
func (c *calendarCmd) parse(args []string, want ...string) ([]string, error) {
	var pos []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") && len(pos) < len(want) {
		pos, args = append(pos, args[0]), args[1:]
	}
	if err := c.afterParse(c.Parse(args)); err != nil {
		return nil, err
	}
	pos = append(pos, c.Args()...)
	if len(pos) < len(want) {
		return nil, usageErrorf("%s: give %s", c.Name(), strings.Join(want, " "))
	}
	if len(pos) > len(want) {
		return nil, usageErrorf("%s: unexpected argument %q (values are given with flags)", c.Name(), pos[len(want)])
	}
	return pos, nil
}

// open loads the configuration, opens the database and returns the
// enrolment editor (calendar_disabled while the target is disabled).
func (c *calendarCmd) open(ctx context.Context, e *env) (*calendar.Editor, func(), error) {
	a, done, err := e.openApp(ctx, *c.config)
	if err != nil {
		return nil, nil, err
	}
	ed, err := a.Calendar()
	if err != nil {
		done()
		return nil, nil, err
	}
	return ed, done, nil
}

// start parses the arguments (see parse) and opens the editor.
func (c *calendarCmd) start(ctx context.Context, e *env, args []string, want ...string) ([]string, *calendar.Editor, func(), error) {
	pos, err := c.parse(args, want...)
	if err != nil {
		return nil, nil, nil, err
	}
	ed, done, err := c.open(ctx, e)
	if err != nil {
		return nil, nil, nil, err
	}
	return pos, ed, done, nil
}

func calendarList(ctx context.Context, e *env, args []string) error {
	c := newCalendarCmd(e, "list")
	state := c.String("state", "", "only enrolments in this state: disabled, stopped or syncing")
	if _, err := c.parse(args); err != nil {
		return err
	}
	switch calendar.DisplayState(*state) {
	case "", calendar.StateDisabled, calendar.StateStopped, calendar.StateSyncing:
	default:
		return usageErrorf("-state %q: use disabled, stopped or syncing", *state)
	}
	ed, done, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	ens, err := ed.List(ctx)
	if err != nil {
		return err
	}
	out := []web.Enrolment{}
	for i := range ens {
		if *state == "" || ens[i].State() == calendar.DisplayState(*state) {
			out = append(out, app.EnrolmentJSON(&ens[i]))
		}
	}
	if *c.format == "json" {
		return writeJSON(e.stdout, map[string]any{"enrolments": out})
	}
	if len(out) == 0 {
		fmt.Fprintln(e.stdout, "No enrolments. They are created for every directory user by `cybridge apply`.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	// The name is last: tabwriter counts characters, and a Japanese name is
	// twice as wide on screen as its count, which would skew every column
	// after it.
	fmt.Fprintln(tw, "LOGIN\tSTATE\tPERMITTED\tTARGET\tCALENDAR\tNAME")
	for _, j := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", j.Login, stateText(j), permitText(j), j.Target, calendarText(j), j.Name)
	}
	return tw.Flush()
}

func stateText(j web.Enrolment) string {
	if j.State == string(calendar.StateStopped) {
		return j.State + " (" + j.StopReason + ")"
	}
	if j.GoneSince != "" {
		return j.State + " (gone)"
	}
	return j.State
}

func permitText(j web.Enrolment) string {
	s := "no"
	if j.Permitted {
		s = "yes"
	}
	if j.Pinned {
		s += " (pinned)"
	}
	return s
}

func calendarText(j web.Enrolment) string {
	v := j.CalendarID
	if j.Target == string(calendar.KindCalDAV) {
		v = j.CalDAVURL
	}
	if v == "" {
		return "(not set)"
	}
	return v
}

func calendarShow(ctx context.Context, e *env, args []string) error {
	c := newCalendarCmd(e, "show")
	pos, ed, done, err := c.start(ctx, e, args, "LOGIN")
	if err != nil {
		return err
	}
	defer done()
	en, hist, err := ed.Show(ctx, pos[0])
	if err != nil {
		return err
	}
	if *c.format == "json" {
		return writeJSON(e.stdout, app.EnrolmentDetailJSON(en, hist))
	}
	writeEnrolment(e.stdout, en)
	fmt.Fprintln(e.stdout, "\nhistory:")
	for _, h := range hist {
		fmt.Fprintf(e.stdout, "  %s  %s", h.At.UTC().Format("2006-01-02 15:04:05Z"), h.Actor)
		if h.RunID != 0 {
			fmt.Fprintf(e.stdout, " (run %d)", h.RunID)
		}
		fmt.Fprintf(e.stdout, "  %s%s\n", h.Action, app.HistoryDetail(h))
	}
	return nil
}

func writeEnrolment(w io.Writer, en *calendar.Enrolment) {
	j := app.EnrolmentJSON(en)
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("login", j.Login)
	row("name", j.Name)
	row("email", j.Email)
	row("state", stateText(j))
	row("permitted", permitText(j))
	row("user switch", j.UserSwitch)
	if j.AutoStopReason != "" {
		row("auto-stop", en.AutoStop.Describe()+", since "+j.AutoStopAt)
	}
	row("target", j.Target)
	switch en.Target {
	case calendar.KindGoogle:
		row("calendar id", calendarText(j)+defaultedText(j.CalendarIDDefault))
		row("google auth", j.AuthStatus)
	case calendar.KindCalDAV:
		row("caldav url", calendarText(j)+defaultedText(j.CalDAVURLDefault))
		row("caldav auth id", j.CalDAVAuthID)
		pw := "not set"
		if j.CalDAVPasswordSet {
			pw = "set (stored encrypted)"
		}
		row("caldav password", pw)
	}
	if j.GoneSince != "" {
		row("gone since", j.GoneSince)
	}
	tw.Flush()
}

func defaultedText(def bool) string {
	if def {
		return " (default)"
	}
	return " (set by hand)"
}

// printEnrolment prints the result of an edit.
func (c *calendarCmd) printEnrolment(e *env, en *calendar.Enrolment, note string) error {
	if *c.format == "json" {
		return writeJSON(e.stdout, map[string]any{"enrolment": app.EnrolmentJSON(en)})
	}
	j := app.EnrolmentJSON(en)
	fmt.Fprintf(e.stdout, "%s: %s, permitted %s", j.Login, stateText(j), permitText(j))
	if note != "" {
		fmt.Fprintf(e.stdout, "; %s", note)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

func calendarSimple(ctx context.Context, e *env, sub string, args []string) error {
	c := newCalendarCmd(e, sub)
	pos, ed, done, err := c.start(ctx, e, args, "LOGIN")
	if err != nil {
		return err
	}
	defer done()
	ops := map[string]func(context.Context, string) (*calendar.Enrolment, error){
		"stop": ed.Stop, "resume": ed.Resume, "permit": ed.Permit, "revoke": ed.Revoke, "unpin": ed.Unpin,
	}
	en, err := ops[sub](ctx, pos[0])
	if err != nil {
		return err
	}
	note := ""
	if sub == "unpin" {
		note = "the scope decides from the next run"
	}
	return c.printEnrolment(e, en, note)
}

func calendarSet(ctx context.Context, e *env, args []string) error {
	c := newCalendarCmd(e, "set")
	target := c.String("target", "", "google or caldav")
	calID := c.String("calendar-id", "", "Google calendar id (default: the work email)")
	url := c.String("url", "", "CalDAV calendar URL (default: from caldav_url_template)")
	authID := c.String("auth-id", "", "CalDAV auth id (認証ID)")
	pwFile := c.String("password-file", "", "file holding the CalDAV password (else standard input)")
	pos, err := c.parse(args, "LOGIN")
	if err != nil {
		return err
	}
	switch *target {
	case "google":
		if *url != "" || *authID != "" || *pwFile != "" {
			return usageErrorf("calendar set -target google takes -calendar-id only")
		}
	case "caldav":
		if *calID != "" {
			return usageErrorf("calendar set -target caldav takes -url, -auth-id and the password, not -calendar-id")
		}
	default:
		return usageErrorf("calendar set: -target google or -target caldav")
	}
	ed, done, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	if *target == "google" {
		en, err := ed.SetGoogle(ctx, pos[0], calendar.GoogleSettings{CalendarID: *calID})
		if err != nil {
			return err
		}
		return c.printEnrolment(e, en, "target google "+calendarText(app.EnrolmentJSON(en)))
	}
	pw, err := e.readCalDAVPassword(*pwFile, pos[0])
	if err != nil {
		return err
	}
	en, err := ed.SetCalDAV(ctx, pos[0], calendar.CalDAVSettings{URL: *url, AuthID: *authID, Password: pw, KeepPassword: pw == ""})
	if err != nil {
		return err
	}
	return c.printEnrolment(e, en, "target caldav "+calendarText(app.EnrolmentJSON(en)))
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
			return "", &cliError{code: "password_file", msg: fmt.Sprintf("cannot read the password file: %v", err)}
		}
		raw = string(b)
	case isTerminal(e.stdin):
		fmt.Fprintf(e.stderr, "CalDAV password for %s (empty keeps the stored one): ", login)
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

func calendarCheck(ctx context.Context, e *env, args []string) error {
	c := newCalendarCmd(e, "check")
	pos, ed, done, err := c.start(ctx, e, args, "LOGIN")
	if err != nil {
		return err
	}
	defer done()
	res, err := ed.Check(ctx, pos[0])
	if err != nil {
		return err
	}
	if !res.OK() {
		return res.Err()
	}
	if *c.format == "json" {
		return writeJSON(e.stdout, map[string]caldav.Result{"check": res})
	}
	fmt.Fprintf(e.stdout, "%s: %s — %s", pos[0], res.Outcome, res.Message)
	if res.Calendar != "" {
		fmt.Fprintf(e.stdout, " (calendar %q)", res.Calendar)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

func calendarRecordError(ctx context.Context, e *env, args []string) error {
	c := newCalendarCmd(e, "record-error")
	kindFlag := c.String("kind", "", "what the calendar server answered: forbidden (stops at once) or server (120 within 24 hours stop)")
	pos, err := c.parse(args, "LOGIN")
	if err != nil {
		return err
	}
	if *kindFlag == "" {
		return usageErrorf("%s: give -kind forbidden or -kind server", c.Name())
	}
	kind, err := calendar.ParseSyncError(*kindFlag)
	if err != nil {
		return err
	}
	ed, done, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	ed.Actor = calendar.ActorSync
	en, stopped, err := ed.RecordError(ctx, pos[0], kind)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("%s error recorded (%d within 24 hours)", kind, len(en.AutoStop.Errors))
	if stopped {
		note += "; " + en.AutoStop.Describe()
	}
	return c.printEnrolment(e, en, note)
}

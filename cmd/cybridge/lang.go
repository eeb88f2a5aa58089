package main

import (
	"time"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// lang is the language of this invocation's messages: LC_ALL, LC_MESSAGES
// or LANG starting with "ja" is Japanese, anything else English.
func (e *env) lang() msg.Lang { return msg.FromEnv(e.lookup) }

// text is the catalogue's key in the admin's language.
func (e *env) text(key string, p msg.Params) string { return msg.Text(e.lang(), key, p) }

// time shows t in the configured time zone with its offset.
func (e *env) time(t time.Time) string { return provision.FormatTime(t, e.loc) }

// textOptions are how the CLI writes a plan report: in the admin's
// language and time zone, with the CLI's own advice for releasing a
// safeguard.
func (e *env) textOptions() provision.TextOptions {
	l := e.lang()
	return provision.TextOptions{Lang: l, Location: e.loc, SafeguardHeading: msg.Text(l, "cli.safeguards", nil)}
}

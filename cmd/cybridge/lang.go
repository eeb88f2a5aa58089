package main

import (
	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
)

// lang is the language of this invocation's messages: LC_ALL, LC_MESSAGES
// or LANG starting with "ja" is Japanese, anything else English.
func (e *env) lang() msg.Lang { return msg.FromEnv(e.lookup) }

// textOptions are how the CLI writes a plan report: in the admin's
// language, with the CLI's own advice for releasing a safeguard.
func (e *env) textOptions() provision.TextOptions {
	l := e.lang()
	return provision.TextOptions{Lang: l, SafeguardHeading: msg.Text(l, "cli.safeguards", nil)}
}

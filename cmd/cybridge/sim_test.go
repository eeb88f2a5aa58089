package main

import "github.com/rogpeppe/go-internal/testscript"

// scriptCmds are the custom testscript commands (e.g. `sim` to start the
// simulated cybozu.com domain in-process and point CYBRIDGE_CYBOZU_URL at it).
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){}
}

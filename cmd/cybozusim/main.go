// Command cybozusim serves a simulated cybozu.com domain (the User API of
// directory/cybozutest) on loopback, for the demo, manual tries and
// benchmarks. The real service cannot be reached from here.
//
//	cybozusim [-listen 127.0.0.1:8780] [-fixture company | -users N] [options]
//
// Demo credentials: login "Administrator", password "sim-demo-pass" (change them
// with -login / -password). It prints "listening on http://HOST:PORT" once
// it accepts connections and shuts down gracefully on SIGINT or SIGTERM.
//
// POST /_sim/scenario?name=changes (loopback callers only) replaces the
// served directory with a named fixtures.Scenario, so a demo can change the
// directory between two runs; GET /_sim/stats returns the request counters.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cybozusim:", err)
		os.Exit(exitCode(err))
	}
}

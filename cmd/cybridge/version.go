package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set with -ldflags "-X main.version=..." by `make build`.
var version = "dev"

func runVersion(_ context.Context, e *env, args []string) error {
	fs := e.flagSet("version")
	if err := parse(fs, args); err != nil {
		return err
	}
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	fmt.Fprintf(e.stdout, "cybridge %s\n", v)
	return nil
}

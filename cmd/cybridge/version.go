package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/cybridge/cybridge/cmd/cybridge/internal/cli"
)

// version is set with -ldflags "-X main.version=..." by `make build`.
var version = "dev"

func newVersionCommand(*env) *cli.Command {
	return &cli.Command{Name: "version", Summary: "cli.summary.version", Run: func(context.Context, *cli.Invocation) (cli.Result, error) {
		v := version
		if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		return versionResult(v), nil
	}}
}

type versionResult string

func (v versionResult) Text(w io.Writer) error {
	_, err := fmt.Fprintf(w, "cybridge %s\n", v)
	return err
}
func (v versionResult) JSON() any { return nil }

// Command cybridge-bench measures SPEC §9's performance contract in one
// run (`make bench`): it generates the benchmark directory (100,000 users,
// 5,000 organizations 5 levels deep, 1.3 memberships per user, 200
// groups), serves it in-process from the simulated domain
// (directory/cybozutest) with 20 ms latency per request and at most 10
// concurrent requests, and prints each figure — the median of -runs runs —
// beside its target with PASS or FAIL, and writes them as JSON (-json).
//
// Figures:
//
//   - read: requests made vs the minimum (one paged list per resource,
//     floor(n/100)+1 requests per list of n, computed from the served
//     snapshot), peak requests in flight, wall time vs the bound
//     requests × latency ÷ pool, with pool = the client's concurrency
//     (-pool, 10 here: the most SPEC §3.2 allows; the product's default is 4);
//   - naive read (one /v1/user/organizations.json per user), run on a
//     directory scaled down to -naive-users, against the smart read of the
//     same scaled directory in the same run, as ratios; the naive count for
//     the full directory is also computed (not run);
//   - plan time, first apply into SQLite and a no-change re-run (time and
//     rows written, from SQLite's change counter);
//   - parse time of the whole Shift_JIS CSV export of the directory;
//   - whole-process peak memory for read + plan + apply, measured in a
//     child process (this binary re-executed with a hidden flag) as VmHWM
//     from /proc/self/status, the kernel's peak resident set size. The
//     child sets the soft heap limit `cybridge plan`/`apply` set (384 MB);
//     the same without it, and rusage ru_maxrss, are recorded beside it.
//
// The exit status is 0 when every figure was produced, whether or not a
// target was met (the table and the JSON say which); -strict makes a missed
// target exit 1. The full bench is not part of `make test`; the smoke test
// there runs this same code with a tiny directory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole command; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == rssChildFlag {
		if err := runRSSChild(ctx, args[1:], stdout); err != nil {
			fmt.Fprintln(stderr, "cybridge-bench rss child:", err)
			return 1
		}
		return 0
	}
	if len(args) > 0 && args[0] == consoleChildFlag {
		if err := runConsoleChild(ctx, args[1:], stdout); err != nil {
			fmt.Fprintln(stderr, "cybridge-bench console child:", err)
			return 1
		}
		return 0
	}
	if len(args) > 0 && args[0] == childFlag {
		if err := runChild(ctx, args[1:], stdout); err != nil {
			fmt.Fprintln(stderr, "cybridge-bench child:", err)
			return 1
		}
		return 0
	}
	p, err := parseParams(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	rep, err := bench(ctx, p, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "cybridge-bench:", err)
		return 1
	}
	if err := writeTable(stdout, rep); err != nil {
		fmt.Fprintln(stderr, "cybridge-bench:", err)
		return 1
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer, *Report) error
	}{{p.JSON, writeJSON}, {p.Markdown, writeMarkdown}} {
		if out.path == "" {
			continue
		}
		if err := writeFile(out.path, rep, out.write); err != nil {
			fmt.Fprintln(stderr, "cybridge-bench:", err)
			return 1
		}
		fmt.Fprintf(stdout, "results written to %s\n", out.path)
	}
	if p.Strict && len(rep.Missed) > 0 {
		return 1
	}
	return 0
}

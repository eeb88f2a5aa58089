package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cybridge/cybridge/directory"
)

// childFlag, as the first argument, makes the binary the memory child: it
// reads the directory from -url, plans and applies it into a fresh SQLite
// database at -db, and prints a childResult as JSON. It is not in -help.
const childFlag = "-memory-child"

// childResult is what the child reports.
type childResult struct {
	Users   int     `json:"users"`
	ReadS   float64 `json:"read_s"`
	PlanS   float64 `json:"plan_s"`
	ApplyS  float64 `json:"apply_s"`
	Applied bool    `json:"applied"` // false while provision has nothing to apply with
	// VmHWMKB is the peak resident set size from /proc/self/status.
	VmHWMKB int64 `json:"vmhwm_kb"`
}

// runChild is the child process: read + plan + apply, as `cybridge apply`
// does them, then its own peak resident set size.
func runChild(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet(childFlag, flag.ContinueOnError)
	url := fs.String("url", "", "simulator URL")
	db := fs.String("db", "", "SQLite database to create")
	pool := fs.Int("pool", 10, "client pool")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || *db == "" {
		return errors.New("-url and -db are required")
	}
	c, err := newClient(*url, *pool)
	if err != nil {
		return err
	}
	var res childResult
	start := time.Now()
	snap, err := c.ReadSnapshot(ctx)
	if err != nil {
		return err
	}
	res.ReadS = time.Since(start).Seconds()
	res.Users = len(snap.Users)
	pa, err := planApply(ctx, snap, *db)
	if err != nil {
		return err
	}
	res.PlanS, res.ApplyS, res.Applied = pa.Plan.Seconds(), pa.Apply.Seconds(), pa.Applied
	if res.VmHWMKB, err = vmHWM(); err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// vmHWM reads this process's peak resident set size in kB.
func vmHWM() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// benchMemory runs the child p.Runs times against the simulator at url
// (served by this process, so its memory is not counted).
func benchMemory(ctx context.Context, p Params, url string, full *directory.Snapshot) ([]Figure, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cybridge-bench-mem-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var hwm, maxrss, reads, plans, applies []float64
	applied := true
	for i := range p.Runs {
		db := filepath.Join(dir, fmt.Sprintf("run%d.db", i))
		cmd := exec.CommandContext(ctx, exe, childFlag, "-url", url, "-db", db, "-pool", strconv.Itoa(p.Pool))
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("memory child: %w: %s", err, strings.TrimSpace(errb.String()))
		}
		var res childResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			return nil, fmt.Errorf("memory child: %w: %q", err, out.String())
		}
		if res.Users != len(full.Users) {
			return nil, fmt.Errorf("memory child read %d users, the simulator serves %d", res.Users, len(full.Users))
		}
		hwm = append(hwm, float64(res.VmHWMKB)/1024)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			maxrss = append(maxrss, float64(ru.Maxrss)/1024) // kB on Linux
		}
		reads, plans, applies = append(reads, res.ReadS), append(plans, res.PlanS), append(applies, res.ApplyS)
		applied = applied && res.Applied
	}
	what := "read + plan + apply"
	if !applied {
		what = "read only (plan/apply not available yet)"
	}
	peak := atMost("memory.peak_mb", "memory: peak RSS, "+what, median(hwm), "MB", hwm, targetMemoryMB, "< 512 MB")
	peak.Note = "VmHWM of a child process (this binary re-executed) that does read + plan + apply into a fresh SQLite file; the simulator runs in the parent and is not counted"
	figs := []Figure{
		peak,
		info("memory.maxrss_mb", "memory: rusage ru_maxrss of the same child", median(maxrss), "MB", maxrss),
		info("memory.read_s", "memory child: read", median(reads), "s", reads),
	}
	if applied {
		figs = append(figs,
			info("memory.plan_s", "memory child: plan", median(plans), "s", plans),
			info("memory.apply_s", "memory child: first apply", median(applies), "s", applies))
	}
	return figs, nil
}

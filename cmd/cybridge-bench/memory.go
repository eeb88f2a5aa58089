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
	"runtime/debug"
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

// productMemoryLimitMB is the soft heap limit `cybridge plan` and `cybridge
// apply` set unless GOMEMLIMIT is given (memoryLimit in
// cmd/cybridge/plan.go). The child sets the same, so that it measures what
// the product does; keep the two equal.
const productMemoryLimitMB = 384

// childResult is what the child reports.
type childResult struct {
	Users   int     `json:"users"`
	ReadS   float64 `json:"read_s"`
	PlanS   float64 `json:"plan_s"`
	ApplyS  float64 `json:"apply_s"`
	Applied bool    `json:"applied"` // false while provision has nothing to apply with
	// VmHWMKB is the peak resident set size from /proc/self/status: at
	// the end, and after the read and after planning.
	VmHWMKB   int64 `json:"vmhwm_kb"`
	ReadHWMKB int64 `json:"read_vmhwm_kb"`
	PlanHWMKB int64 `json:"plan_vmhwm_kb"`
}

// runChild is the child process: read + plan + apply, as `cybridge apply`
// does them, then its own peak resident set size.
func runChild(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet(childFlag, flag.ContinueOnError)
	url := fs.String("url", "", "simulator URL")
	db := fs.String("db", "", "SQLite database to create")
	pool := fs.Int("pool", 10, "client pool")
	limitMB := fs.Int("memory-limit", productMemoryLimitMB, "Go soft memory limit in MB, as cybridge plan/apply set it; 0 = none (Go's default GC)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *limitMB > 0 {
		debug.SetMemoryLimit(int64(*limitMB) << 20)
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
	if res.ReadHWMKB, err = vmHWM(); err != nil {
		return err
	}
	pa, err := planApply(ctx, snap, *db)
	if err != nil {
		return err
	}
	res.PlanS, res.ApplyS, res.Applied, res.PlanHWMKB = pa.Plan.Seconds(), pa.Apply.Seconds(), pa.Applied, pa.PlanHWMKB
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
func benchMemory(ctx context.Context, p Params, url string, full *directory.Snapshot, logf func(string, ...any)) ([]Figure, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cybridge-bench-mem-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	child := func(i, limitMB int) (childResult, float64, error) {
		db := filepath.Join(dir, fmt.Sprintf("run%d-limit%d.db", i, limitMB))
		cmd := exec.CommandContext(ctx, exe, childFlag, "-url", url, "-db", db, "-pool", strconv.Itoa(p.Pool), "-memory-limit", strconv.Itoa(limitMB))
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return childResult{}, 0, fmt.Errorf("memory child: %w: %s", err, strings.TrimSpace(errb.String()))
		}
		var res childResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			return childResult{}, 0, fmt.Errorf("memory child: %w: %q", err, out.String())
		}
		if res.Users != len(full.Users) {
			return childResult{}, 0, fmt.Errorf("memory child read %d users, the simulator serves %d", res.Users, len(full.Users))
		}
		var maxrss float64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			maxrss = float64(ru.Maxrss) / 1024 // kB on Linux
		}
		return res, maxrss, nil
	}
	var hwm, hwmNoLimit, readHWM, planHWM, maxrss, reads, plans, applies []float64
	applied := true
	for i := range p.Runs {
		res, rss, err := child(i, productMemoryLimitMB)
		if err != nil {
			return nil, err
		}
		hwm, maxrss = append(hwm, float64(res.VmHWMKB)/1024), append(maxrss, rss)
		readHWM, planHWM = append(readHWM, float64(res.ReadHWMKB)/1024), append(planHWM, float64(res.PlanHWMKB)/1024)
		reads, plans, applies = append(reads, res.ReadS), append(plans, res.PlanS), append(applies, res.ApplyS)
		applied = applied && res.Applied
		logf("memory run %d: peak %.0f MB (after read %.0f MB, after plan %.0f MB); read %.1f s, plan %.2f s, apply %.1f s",
			i+1, float64(res.VmHWMKB)/1024, float64(res.ReadHWMKB)/1024, float64(res.PlanHWMKB)/1024, res.ReadS, res.PlanS, res.ApplyS)
		if res, _, err = child(i, 0); err != nil {
			return nil, err
		}
		hwmNoLimit = append(hwmNoLimit, float64(res.VmHWMKB)/1024)
		logf("memory run %d without the soft limit: peak %.0f MB", i+1, float64(res.VmHWMKB)/1024)
	}
	what := "read + plan + apply"
	if !applied {
		what = "read only (plan/apply not available yet)"
	}
	peak := atMost("memory.peak_mb", "memory: peak RSS, "+what, median(hwm), "MB", hwm, targetMemoryMB, "< 512 MB")
	peak.Note = fmt.Sprintf("VmHWM (/proc/self/status) of a child process — this binary re-executed — that reads from the simulator, plans and applies into a fresh SQLite file as `cybridge apply` does, with the %d MB soft heap limit cybridge plan/apply set; the simulator runs in the parent and is not counted", productMemoryLimitMB)
	rss := info("memory.maxrss_mb", "memory: rusage ru_maxrss of the same child", median(maxrss), "MB", maxrss)
	rss.Note = "for comparison only: on Linux ru_maxrss survives exec, so it can show the parent's (the simulator's) peak instead of the child's; VmHWM is the figure"
	figs := []Figure{
		peak,
		info("memory.peak_nolimit_mb", "memory: peak RSS, same, Go's default GC (GOGC=100, no soft limit)", median(hwmNoLimit), "MB", hwmNoLimit),
		rss,
		info("memory.read_s", "memory child: read", median(reads), "s", reads),
		info("memory.read_peak_mb", "memory child: peak RSS after the read", median(readHWM), "MB", readHWM),
	}
	if applied {
		figs = append(figs,
			info("memory.plan_peak_mb", "memory child: peak RSS after planning", median(planHWM), "MB", planHWM),
			info("memory.plan_s", "memory child: plan", median(plans), "s", plans),
			info("memory.apply_s", "memory child: first apply", median(applies), "s", applies))
	}
	return figs, nil
}

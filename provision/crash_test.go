package provision_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cybridge/cybridge/directory"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/sqlite"
)

// crashEnv names the database a re-executed test binary applies to and
// then hangs in, waiting to be killed.
const crashEnv = "CYBRIDGE_TEST_CRASH_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		os.Exit(crashingApply(path))
	}
	os.Exit(m.Run())
}

// hangingTarget writes its changes, says so, and never returns: the
// transaction stays open until the process is killed.
type hangingTarget struct{ provision.Target }

func (h hangingTarget) Apply(ctx context.Context, tx provision.ApplyTx, cs []provision.Change) error {
	if err := h.Target.Apply(ctx, tx, cs); err != nil {
		return err
	}
	fmt.Println("applied, not committed")
	select {}
}

func crashingApply(path string) int {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	r := &provision.Runner{Store: s, Targets: []provision.Target{hangingTarget{safetyTarget()}},
		Safeguards: provision.Safeguards{MaxDeletes: 50, MaxDeletePercent: 100}, Holder: "crashing"}
	_, err = r.Run(ctx, provision.Request{Trigger: provision.TriggerCLI,
		Read: func(context.Context) (*directory.Snapshot, error) { return changed(), nil }})
	fmt.Println(err)
	return 1
}

func TestKillDuringApplyLeavesDatabaseAsBefore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	e := newEnvAt(t, path)
	e.mustRun(company())
	before := e.dump("lease")
	e.store.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(out).ReadString('\n')
		line <- l
	}()
	select {
	case l := <-line:
		if !strings.Contains(l, "applied, not committed") {
			cmd.Process.Kill()
			t.Fatalf("child: %q", l)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the child never reached apply")
	}
	if err := cmd.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	e2 := newEnvAt(t, path)
	if after := e2.dump("lease"); after != before {
		t.Fatalf("the database changed after a crash during apply:\n%s", diffLines(before, after))
	}
	// The crashed run's lease keeps others out until it expires...
	_, err = e2.run(changed())
	var pe *provision.Error
	if !errors.As(err, &pe) || pe.Code != provision.CodeRunInProgress {
		t.Fatalf("right after the crash: %v, want run_in_progress", err)
	}
	// ...and then the run goes through.
	e2.now = time.Now().Add(3 * time.Minute)
	if res := e2.mustRun(changed()); res.Status != provision.StatusApplied {
		t.Errorf("after the lease expired: %+v", res)
	}
}

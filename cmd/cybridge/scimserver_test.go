package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/cybridge/cybridge/targets/scim/scimtest"
)

// scimServerCmd runs a SCIM 2.0 app (targets/scim/scimtest) in the test
// process for the rest of the script:
//
//	scimserver start NAME   start it; write $WORK/NAME.toml, a [[scim]]
//	                        table named NAME with its URL and a token_file
//	scimserver fail-user USERNAME STATUS
//	                        fail every write to that user (0 stops)
//	scimserver users        print the number of users it holds
func scimServerCmd() func(ts *testscript.TestScript, neg bool, args []string) {
	var mu sync.Mutex
	servers := map[*testscript.TestScript]*scimtest.Server{}
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) == 0 {
			ts.Fatalf("usage: scimserver start NAME | fail-user USERNAME STATUS | users")
		}
		mu.Lock()
		s := servers[ts]
		mu.Unlock()
		if args[0] != "start" && s == nil {
			ts.Fatalf("scimserver: not started")
		}
		switch args[0] {
		case "start":
			if len(args) != 2 {
				ts.Fatalf("usage: scimserver start NAME")
			}
			const token = "scim-script-token-0123456789"
			s = scimtest.New(scimtest.Options{Token: token, ETags: true})
			ts.Defer(s.Close)
			mu.Lock()
			servers[ts] = s
			mu.Unlock()
			ts.Check(os.WriteFile(ts.MkAbs(args[1]+".token"), []byte(token+"\n"), 0o600))
			cfg := fmt.Sprintf("[safety]\nenabled = false\n\n[calendar]\nenabled = false\n\n[[scim]]\nname = %q\nurl = %q\ntoken_file = %q\n",
				args[1], s.URL, ts.MkAbs(args[1]+".token"))
			ts.Check(os.WriteFile(ts.MkAbs(args[1]+".toml"), []byte(cfg), 0o600))
		case "fail-user":
			if len(args) != 3 {
				ts.Fatalf("usage: scimserver fail-user USERNAME STATUS")
			}
			status, err := strconv.Atoi(args[2])
			ts.Check(err)
			if status != 0 && (status < 400 || status > 599) {
				ts.Fatalf("scimserver: status %d is not an HTTP error", status)
			}
			s.FailUser(args[1], status)
		case "users":
			fmt.Fprintln(ts.Stdout(), len(s.Users()))
		default:
			ts.Fatalf("scimserver: unknown subcommand %q", args[0])
		}
	}
}

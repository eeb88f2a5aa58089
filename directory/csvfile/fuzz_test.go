package csvfile

import (
	"errors"
	"testing"

	"github.com/cybridge/cybridge/directory"
)

var fuzzEncodings = []string{"", "shift_jis", "utf-8", "latin1", "gbk"}
var fuzzSeparators = []string{"", "comma", "semicolon", "tab", "space"}

// checkResult holds for every input: a valid snapshot and no error, or no
// snapshot and an *Error whose problems have sane positions.
func checkResult(t *testing.T, s *directory.Snapshot, err error) {
	if err == nil {
		if s == nil {
			t.Fatal("no snapshot and no error")
		}
		if verr := s.Validate(); verr != nil {
			t.Fatalf("returned an invalid snapshot: %v", verr)
		}
		return
	}
	if s != nil {
		t.Fatal("a snapshot with an error")
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T: %v", err, err)
	}
	if len(e.Problems) == 0 || len(e.Problems) > MaxProblems {
		t.Fatalf("%d problems", len(e.Problems))
	}
	for _, p := range e.Problems {
		if p.Line < 0 || p.Column < 0 || p.Err == nil || p.File == "" {
			t.Fatalf("bad problem %+v", p)
		}
		_ = p.Error()
	}
	_ = e.Error()
}

// FuzzReadUsers reads arbitrary bytes as user.csv in every encoding and
// separator; it must never panic, and must return a valid snapshot or a
// well-formed error.
func FuzzReadUsers(f *testing.F) {
	f.Add([]byte(helpExample[KindUsers]), uint8(0), uint8(0))
	f.Add([]byte(userHeader+"\n"+csvLines(";", urow("a", `"b;c"`))), uint8(2), uint8(2))
	f.Add([]byte("\xef\xbb\xbfa,b\r\n\"x\ny\",\xff\r\n"), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, enc, sep uint8) {
		opt := Options{
			Encoding:  fuzzEncodings[int(enc)%len(fuzzEncodings)],
			Separator: fuzzSeparators[int(sep)%len(fuzzSeparators)],
		}
		if enc&0x80 != 0 {
			h := enc&0x40 != 0
			opt.Header = &h
		}
		s, err := readMap(t, map[Kind]string{KindUsers: string(data)}, opt)
		checkResult(t, s, err)
	})
}

// FuzzReadMembership reads arbitrary organization and membership files
// beside a fixed user file.
func FuzzReadMembership(f *testing.F) {
	f.Add([]byte(helpExample[KindOrgs]), []byte(helpExample[KindUserOrgs]), []byte(helpExample[KindUserGroups]))
	f.Add([]byte(orgFile("a,A,*,,,b,", "b,B,*,,,a,")), []byte("x,a,t\n,,\n\"a\nb\",c"), []byte("ログイン名\n"))
	users := helpExample[KindUsers]
	f.Fuzz(func(t *testing.T, orgs, userOrgs, userGroups []byte) {
		s, err := readMap(t, map[Kind]string{
			KindUsers: users, KindOrgs: string(orgs), KindUserOrgs: string(userOrgs),
			KindGroups: helpExample[KindGroups], KindUserGroups: string(userGroups),
		}, Options{})
		checkResult(t, s, err)
	})
}

package calendar

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
)

// testKey is a fixed 32-byte key in hex.
const testKey = secret.Secret("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")

func TestCipherRoundTrip(t *testing.T) {
	raw := bytes.Repeat([]byte{7}, 32)
	keys := map[string]secret.Secret{
		"hex":          testKey,
		"base64":       secret.Secret(base64.StdEncoding.EncodeToString(raw)),
		"base64 raw":   secret.Secret(base64.RawStdEncoding.EncodeToString(raw)),
		"base64 url":   secret.Secret(base64.URLEncoding.EncodeToString(raw)),
		"hex with \\n": secret.Secret(string(testKey) + "\n"),
	}
	for name, key := range keys {
		t.Run(name, func(t *testing.T) {
			c, err := NewCipher(key)
			if err != nil {
				t.Fatal(err)
			}
			sealed, err := c.Seal("パスワード-1", 42)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(sealed, []byte("パスワード-1")) {
				t.Fatal("sealed value holds the password in clear")
			}
			got, err := c.Open(sealed, 42)
			if err != nil || got.Reveal() != "パスワード-1" {
				t.Fatalf("Open = %q, %v", got.Reveal(), err)
			}
			again, _ := c.Seal("パスワード-1", 42)
			if bytes.Equal(again, sealed) {
				t.Error("two seals of one password are equal: the nonce is not random")
			}
		})
	}
}

func TestCipherRefuses(t *testing.T) {
	if _, err := NewCipher(""); code(err) != CodeSecretKeyMissing {
		t.Errorf("no key: %v, want %s", err, CodeSecretKeyMissing)
	}
	for _, bad := range []string{"short", strings.Repeat("z", 64), base64.StdEncoding.EncodeToString(make([]byte, 16))} {
		_, err := NewCipher(secret.Secret(bad))
		if code(err) != CodeSecretKeyInvalid {
			t.Errorf("key %q: %v, want %s", bad, err, CodeSecretKeyInvalid)
		}
		if err != nil && strings.Contains(err.Error(), bad) {
			t.Errorf("the error repeats the key: %v", err)
		}
	}
	c, _ := NewCipher(testKey)
	other, _ := NewCipher(secret.Secret(strings.Repeat("ab", 32)))
	sealed, _ := c.Seal("pw", 1)
	tampered := append([]byte{}, sealed...)
	tampered[len(tampered)-1] ^= 1
	cases := map[string]func() error{
		"another key":       func() error { _, err := other.Open(sealed, 1); return err },
		"another enrolment": func() error { _, err := c.Open(sealed, 2); return err },
		"a changed byte":    func() error { _, err := c.Open(tampered, 1); return err },
		"a truncated value": func() error { _, err := c.Open(sealed[:10], 1); return err },
		"a value in clear":  func() error { _, err := c.Open([]byte("pw"), 1); return err },
	}
	for name, open := range cases {
		if err := open(); code(err) != CodeSecretKeyMismatch {
			t.Errorf("%s: %v, want %s", name, err, CodeSecretKeyMismatch)
		}
	}
}

// code is err's code, or its text when it has none.
func code(err error) string {
	if c := msg.Code(err); c != "internal" {
		return c
	}
	return fmt.Sprint(err)
}

package calendar

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/cybridge/cybridge/internal/secret"
)

// sealedPrefix starts every sealed password: a format tag, so that a later
// scheme can be told apart.
var sealedPrefix = []byte("cbs1")

// Cipher seals CalDAV passwords with AES-256-GCM (authenticated: a changed
// byte or another key fails to open instead of yielding garbage) under the
// key from CYBRIDGE_SECRET_KEY. Each sealed password is bound to its
// enrolment's id, so a sealed value copied to another row does not open.
type Cipher struct {
	aead cipher.AEAD
}

// NewCipher makes a Cipher from the configured key: 32 bytes written as 64
// hex digits or as base64 (standard or URL alphabet, padded or not).
// Without a key it fails with secret_key_missing, so that nothing can store
// a CalDAV password in clear.
func NewCipher(key secret.Secret) (*Cipher, error) {
	if !key.IsSet() {
		return nil, secretKeyError(CodeSecretKeyMissing)
	}
	raw, err := parseKey(key.Reveal())
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return &Cipher{aead: aead}, nil
}

func parseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, secretKeyError(CodeSecretKeyInvalid)
}

func binding(enrolmentID int64) []byte {
	return []byte("cybridge caldav password, enrolment " + strconv.FormatInt(enrolmentID, 10))
}

// Seal encrypts a password for one enrolment.
func (c *Cipher) Seal(password string, enrolmentID int64) ([]byte, error) {
	nonce := make([]byte, c.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal password: %w", err)
	}
	out := append(append([]byte{}, sealedPrefix...), nonce...)
	return c.aead.Seal(out, nonce, []byte(password), binding(enrolmentID)), nil
}

// Open decrypts a sealed password of one enrolment. A wrong key, a changed
// value or a value sealed for another enrolment fails with
// secret_key_mismatch.
func (c *Cipher) Open(sealed []byte, enrolmentID int64) (secret.Secret, error) {
	mismatch := secretKeyError(CodeSecretKeyMismatch)
	n := len(sealedPrefix) + c.aead.NonceSize()
	if len(sealed) < n+c.aead.Overhead() || !bytes.HasPrefix(sealed, sealedPrefix) {
		return "", mismatch
	}
	plain, err := c.aead.Open(nil, sealed[len(sealedPrefix):n], sealed[n:], binding(enrolmentID))
	if err != nil {
		return "", mismatch
	}
	return secret.Secret(plain), nil
}

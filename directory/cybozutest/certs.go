package cybozutest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// CertAuthority issues Secure Access client certificates the way
// cybozu.com's are chained: a root CA and an intermediate CA under it that
// signs the users' certificates. A simulator with Options.ClientCAs =
// ca.Pool() trusts the root only, so a client certificate verifies only
// when the client sends the intermediate along with it.
type CertAuthority struct {
	root, inter       *x509.Certificate
	rootKey, interKey *ecdsa.PrivateKey
	serial            int64
}

// NewCertAuthority makes a root and an intermediate CA valid for ten years.
func NewCertAuthority() (*CertAuthority, error) {
	ca := &CertAuthority{}
	var err error
	now := time.Now()
	ca.root, ca.rootKey, err = ca.issue(pkix.Name{CommonName: "Simulated Secure Access Root CA"}, now.AddDate(10, 0, 0), true, nil, nil)
	if err != nil {
		return nil, err
	}
	ca.inter, ca.interKey, err = ca.issue(pkix.Name{CommonName: "Simulated Secure Access Intermediate CA"}, now.AddDate(10, 0, 0), true, ca.root, ca.rootKey)
	if err != nil {
		return nil, err
	}
	return ca, nil
}

// Pool holds the root CA only: what Options.ClientCAs trusts.
func (ca *CertAuthority) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.root)
	return p
}

// IssuePFX issues a client certificate for user valid until notAfter, as
// cybozu.com hands it out: a PKCS#12 file holding the key, the certificate
// and the intermediate CA, protected by password.
func (ca *CertAuthority) IssuePFX(user string, notAfter time.Time, password string) ([]byte, error) {
	cert, key, err := ca.issue(pkix.Name{CommonName: user, Organization: []string{"cybozu.com Secure Access (simulated)"}}, notAfter, false, ca.inter, ca.interKey)
	if err != nil {
		return nil, err
	}
	return pkcs12.Modern2023.Encode(key, cert, []*x509.Certificate{ca.inter}, password)
}

// IssuePEM issues the same certificate as PEM: the certificate followed by
// the intermediate CA, and the key.
func (ca *CertAuthority) IssuePEM(user string, notAfter time.Time) (certPEM, keyPEM []byte, err error) {
	cert, key, err := ca.issue(pkix.Name{CommonName: user}, notAfter, false, ca.inter, ca.interKey)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.inter.Raw})...)
	return certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

// issue makes a certificate for subject signed by parent (self-signed when
// parent is nil), valid from a day before now, or from before notAfter
// when that is already past.
func (ca *CertAuthority) issue(subject pkix.Name, notAfter time.Time, isCA bool, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	ca.serial++
	notBefore := time.Now()
	if notAfter.Before(notBefore) {
		notBefore = notAfter
	}
	notBefore = notBefore.Add(-24 * time.Hour)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(ca.serial),
		Subject:               subject,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		IsCA:                  isCA,
	}
	if isCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	signer := parentKey
	if parent == nil {
		parent, signer = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, nil, fmt.Errorf("issue %s: %w", subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

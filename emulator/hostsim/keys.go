package hostsim

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/posemu/posemu/fixtures"
)

// TestAppID is the app_id of the test application whose key pair is in
// fixtures/keys.
const TestAppID = "2021000000000001"

// ParsePrivateKey reads an RSA private key from PEM (PKCS#8 or PKCS#1; text
// before the block is skipped) or from the bare base64 body that Alipay's
// key tool shows.
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	der, err := keyDER(data)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("private key: %T is not an RSA key", k)
		}
		return rk, nil
	}
	k, err := x509.ParsePKCS1PrivateKey(der)
	if err != nil {
		return nil, errors.New("private key: neither PKCS#8 nor PKCS#1 RSA")
	}
	return k, nil
}

// ParsePublicKey reads an RSA public key from PEM (PKIX or PKCS#1) or from
// the bare base64 body.
func ParsePublicKey(data []byte) (*rsa.PublicKey, error) {
	der, err := keyDER(data)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("public key: %T is not an RSA key", k)
		}
		return rk, nil
	}
	k, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		return nil, errors.New("public key: neither PKIX nor PKCS#1 RSA")
	}
	return k, nil
}

func keyDER(data []byte) ([]byte, error) {
	if b, _ := pem.Decode(data); b != nil {
		return b.Bytes, nil
	}
	der, err := decodeBase64(string(data))
	if err != nil {
		return nil, errors.New("key: no PEM block and not base64")
	}
	return der, nil
}

// TestKeys are the key pairs in fixtures/keys. TEST ONLY.
type TestKeys struct {
	AppPrivate      *rsa.PrivateKey
	AppPublic       *rsa.PublicKey
	PlatformPrivate *rsa.PrivateKey
	PlatformPublic  *rsa.PublicKey
}

// LoadTestKeys parses the embedded test keys.
func LoadTestKeys() (TestKeys, error) {
	var k TestKeys
	read := func(name string) ([]byte, error) {
		b, err := fixtures.Keys.ReadFile("keys/" + name)
		if err != nil {
			return nil, fmt.Errorf("fixtures/keys/%s: %w", name, err)
		}
		return b, nil
	}
	var errs []error
	for _, f := range []struct {
		name string
		priv **rsa.PrivateKey
		pub  **rsa.PublicKey
	}{
		{"app_private_key.pem", &k.AppPrivate, nil},
		{"app_public_key.pem", nil, &k.AppPublic},
		{"platform_private_key.pem", &k.PlatformPrivate, nil},
		{"platform_public_key.pem", nil, &k.PlatformPublic},
	} {
		b, err := read(f.name)
		if err == nil && f.priv != nil {
			*f.priv, err = ParsePrivateKey(b)
		} else if err == nil {
			*f.pub, err = ParsePublicKey(b)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("fixtures/keys/%s: %w", f.name, err))
		}
	}
	return k, errors.Join(errs...)
}

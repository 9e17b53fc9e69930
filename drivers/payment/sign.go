package payment

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// signContent is the text an RSA2 request signature covers: every
// parameter except sign whose value is not empty, sorted by key, joined as
// k=v&k=v with the values as they are (not URL-encoded). sign_type is part
// of it, as the platform's own SDKs and smartwalle/alipay sign it.
func signContent(params url.Values) string {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if k == "sign" || len(v) == 0 || v[0] == "" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params.Get(k))
	}
	return b.String()
}

// signRSA2 is SHA256withRSA (PKCS#1 v1.5) in base64.
func signRSA2(key *rsa.PrivateKey, content []byte) (string, error) {
	sum := sha256.Sum256(content)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// verifyRSA2 checks a base64 SHA256withRSA signature over content.
func verifyRSA2(key *rsa.PublicKey, content []byte, sign string) error {
	sig, err := base64.StdEncoding.DecodeString(sign)
	if err != nil {
		return fmt.Errorf("sign is not base64: %w", err)
	}
	sum := sha256.Sum256(content)
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig)
}

// ParsePrivateKey reads an RSA private key as PEM (PKCS#1 "RSA PRIVATE KEY"
// or PKCS#8 "PRIVATE KEY") or as the bare base64 DER the Alipay console
// hands out.
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	der, err := keyDER(data, "private")
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("payment: private key: neither PKCS#1 nor PKCS#8: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("payment: private key is %T, want RSA", k)
	}
	return rk, nil
}

// ParsePublicKey reads an RSA public key as PEM (PKIX "PUBLIC KEY" or
// PKCS#1 "RSA PUBLIC KEY") or as bare base64 DER.
func ParsePublicKey(data []byte) (*rsa.PublicKey, error) {
	der, err := keyDER(data, "public")
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("payment: public key: neither PKIX nor PKCS#1: %w", err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("payment: public key is %T, want RSA", k)
	}
	return rk, nil
}

func keyDER(data []byte, what string) ([]byte, error) {
	if block, _ := pem.Decode(data); block != nil {
		return block.Bytes, nil
	}
	s := strings.Join(strings.Fields(string(data)), "")
	if s == "" {
		return nil, fmt.Errorf("payment: %s key is empty", what)
	}
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("payment: " + what + " key is neither PEM nor base64 DER")
	}
	return der, nil
}

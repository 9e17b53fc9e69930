package config

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Password hashes are "pbkdf2-sha256$<iterations>$<salt>$<hash>", salt and
// hash in unpadded standard base64. PBKDF2 comes from the standard library,
// so the device needs no extra dependency.
const hashScheme = "pbkdf2-sha256"

// DefaultIterations is what HashPassword uses unless told otherwise
// (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).
const DefaultIterations = 600_000

// MinIterations is the fewest a configured hash may use.
const MinIterations = 1000

var b64 = base64.RawStdEncoding

// HashPassword returns a new salted hash of password.
func HashPassword(password string, iterations int) (string, error) {
	if iterations < MinIterations {
		return "", fmt.Errorf("password hash: %d iterations is below the minimum %d", iterations, MinIterations)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, 32)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s$%d$%s$%s", hashScheme, iterations, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

type parsedHash struct {
	iter       int
	salt, hash []byte
}

func parseHash(s string) (parsedHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 4 || parts[0] != hashScheme {
		return parsedHash{}, errors.New("not a pbkdf2-sha256$iterations$salt$hash password hash (make one with: posterm hash-password)")
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < MinIterations || iter > 10_000_000 {
		return parsedHash{}, fmt.Errorf("iterations %q: want %d to 10000000", parts[1], MinIterations)
	}
	salt, err := b64.DecodeString(parts[2])
	if err != nil || len(salt) < 8 {
		return parsedHash{}, errors.New("salt: want at least 8 bytes in unpadded base64")
	}
	hash, err := b64.DecodeString(parts[3])
	if err != nil || len(hash) < 16 {
		return parsedHash{}, errors.New("hash: want at least 16 bytes in unpadded base64")
	}
	return parsedHash{iter: iter, salt: salt, hash: hash}, nil
}

// CheckPassword reports whether password matches hash. A malformed hash
// matches nothing.
func CheckPassword(hash, password string) bool {
	h, err := parseHash(hash)
	if err != nil {
		return false
	}
	key, err := pbkdf2.Key(sha256.New, password, h.salt, h.iter, len(h.hash))
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(key, h.hash) == 1
}

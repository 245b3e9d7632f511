package service

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/convene-social/convene"
)

// Password rules: long enough to resist guessing, short enough that hashing stays cheap.
const (
	minPasswordLength = 8
	maxPasswordLength = 256
)

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), which keeps a
// login around 30 ms and lets a small server hash several at once.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// validatePassword checks a new password against the length rules and the account's own
// name and email, which are the first things an attacker tries.
func validatePassword(password, username, email string) error {
	n := utf8.RuneCountInString(password)
	if n < minPasswordLength {
		return convene.Errorf(convene.EINVALID, "password must be at least %d characters", minPasswordLength)
	}
	if len(password) > maxPasswordLength {
		return convene.Errorf(convene.EINVALID, "password must be at most %d bytes", maxPasswordLength)
	}
	lower := strings.ToLower(password)
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	for _, own := range []string{username, local} {
		if len(own) >= 4 && strings.Contains(lower, own) {
			return convene.Errorf(convene.EINVALID, "password must not contain your username or email")
		}
	}
	return nil
}

// hashPassword returns password as an argon2id hash in the PHC string format, which records
// its parameters so they can be raised later without breaking old hashes.
func hashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// checkPassword reports whether password matches a hash made by hashPassword, with any
// parameters. It compares in constant time.
func checkPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, time, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

package service

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/convene-social/convene"
)

// Limits on free text, in characters. Generous for people, bounded for storage and pages.
const (
	maxDisplayName   = 100
	maxBio           = 5000
	maxEmail         = 254 // RFC 5321 path limit
	maxCommunityName = 100
	maxSummary       = 10000
	maxRegion        = 100
)

// validateText trims s and checks its length in characters; required says whether empty is allowed.
func validateText(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", convene.Errorf(convene.EINVALID, "%s is required", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", convene.Errorf(convene.EINVALID, "%s is %d characters; the limit is %d", field, n, max)
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", convene.Errorf(convene.EINVALID, "%s contains invalid characters", field)
	}
	return s, nil
}

// normalizeEmail checks that email is a bare address (no display name, no comments) and
// returns it trimmed with its domain lowercased.
func normalizeEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", convene.Errorf(convene.EINVALID, "email is required")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > maxEmail || !strings.Contains(email, "@") {
		return "", convene.Errorf(convene.EINVALID, "email %q is not a valid address like name@example.org", email)
	}
	at := strings.LastIndexByte(email, '@')
	return email[:at] + strings.ToLower(email[at:]), nil
}

// normalizeTimezone checks an IANA zone name; empty means UTC.
func normalizeTimezone(tz string) (string, error) {
	tz = strings.TrimSpace(tz)
	if tz == "" {
		return "UTC", nil
	}
	if tz == "Local" {
		return "", convene.Errorf(convene.EINVALID, "timezone must be an IANA name like Europe/London")
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return "", convene.Errorf(convene.EINVALID, "timezone %q is not an IANA name like Europe/London", tz)
	}
	return tz, nil
}

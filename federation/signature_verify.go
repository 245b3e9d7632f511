package federation

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Verification follows Mastodon (app/controllers/concerns/signature_verification.rb),
// the strictest peer in practice: what Mastodon accepts from a server, we accept too.
const (
	// clockSkewMargin is Mastodon's CLOCK_SKEW_MARGIN.
	clockSkewMargin = time.Hour
	// defaultSignatureLife applies when no (expires) is signed.
	defaultSignatureLife = 5 * time.Minute
	// maxSignatureLife is Mastodon's EXPIRATION_WINDOW_LIMIT: a far-off (expires)
	// must not turn a captured request into a long-lived replayable token.
	maxSignatureLife = 12 * time.Hour
)

// VerifyRequest verifies r, whose body has already been read into body, against
// sig and the signer's public key at time now. In order it checks the algorithm
// and key type, that the components Mastodon requires are covered, the time window,
// the body digest and then the RSA signature, so a caller can refetch the key on
// ErrSignatureInvalid alone. hs2019 is verified as RSA PKCS#1 v1.5 SHA-256.
func VerifyRequest(r *http.Request, body []byte, sig *Signature, pub crypto.PublicKey, now time.Time) error {
	if r == nil || r.URL == nil || sig == nil {
		return fmt.Errorf("%w: no request or signature to verify", ErrNoSignature)
	}
	key, err := verificationKey(sig.Algorithm, pub)
	if err != nil {
		return err
	}
	if err := checkCoverage(r, body, sig); err != nil {
		return err
	}
	if err := checkTimeWindow(r, sig, now); err != nil {
		return err
	}
	if err := checkBodyDigests(r, body, sig); err != nil {
		return err
	}
	return verifySignatureBytes(r, sig, key)
}

// verificationKey accepts rsa-sha256, hs2019 and no algorithm at all (Mastodon
// then assumes hs2019), with an RSA key: the only kind fediverse actors publish
// under draft-cavage today.
func verificationKey(algorithm string, pub crypto.PublicKey) (*rsa.PublicKey, error) {
	switch algorithm {
	case "", algRSASHA256, algHS2019:
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, algorithm)
	}
	key, ok := pub.(*rsa.PublicKey)
	if !ok || key == nil || key.N == nil {
		return nil, fmt.Errorf("%w: %T key", ErrUnsupportedAlgorithm, pub)
	}
	return key, nil
}

// checkCoverage enforces Mastodon's required components. Without "host" a GET
// signed for another server replays here; without "digest" a POST's body can be
// swapped under a valid signature (Misskey CVE-2023-49079).
func checkCoverage(r *http.Request, body []byte, sig *Signature) error {
	digest := sig.covers("digest") || sig.covers("content-digest")
	var missing string
	switch {
	case !sig.covers("date") && !sig.covers(compCreated):
		missing = "date or (created)"
	case !sig.covers(compRequestTarget) && !digest:
		missing = "(request-target) or digest"
	case isFetch(r) && !sig.covers("host"):
		missing = "host"
	case carriesBody(r, body) && !digest:
		missing = "digest"
	default:
		return nil
	}
	return fmt.Errorf("%w: %s", ErrUnsignedComponents, missing)
}

// isFetch reports a GET or HEAD, which must be bound to our host.
func isFetch(r *http.Request) bool {
	return r.Method == "" || r.Method == http.MethodGet || r.Method == http.MethodHead
}

// checkTimeWindow accepts a signature created at most clockSkewMargin ahead of now
// and used at most clockSkewMargin after it expires; a Date-only request thus lives
// from about now−65 min to now+60 min. This narrows, not closes, replay: the inbox
// must still deduplicate activity ids.
func checkTimeWindow(r *http.Request, sig *Signature, now time.Time) error {
	created, err := signatureCreated(r, sig)
	if err != nil {
		return err
	}
	expires := created.Add(defaultSignatureLife)
	if sig.covers(compExpires) {
		expires = sig.Expires
	}
	if limit := created.Add(maxSignatureLife); expires.After(limit) {
		expires = limit
	}
	if created.After(now.Add(clockSkewMargin)) {
		return fmt.Errorf("%w: created %s, more than %s ahead", ErrSignatureExpired, created.Format(time.RFC3339), clockSkewMargin)
	}
	if now.After(expires.Add(clockSkewMargin)) {
		return fmt.Errorf("%w: expired %s", ErrSignatureExpired, expires.Format(time.RFC3339))
	}
	return nil
}

// signatureCreated takes the creation time from a signed (created), else from the
// Date header. Only a signed value counts: an unsigned created or expires
// parameter could be rewritten in transit to stretch the window.
func signatureCreated(r *http.Request, sig *Signature) (time.Time, error) {
	if sig.covers(compCreated) {
		return sig.Created, nil
	}
	created, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: missing or unparseable Date header", ErrSignatureExpired)
	}
	return created, nil
}

// checkBodyDigests compares every signed digest header with the SHA-256 of body.
// checkCoverage has already made sure a request with a body signs one of them.
func checkBodyDigests(r *http.Request, body []byte, sig *Signature) error {
	sum := sha256.Sum256(body)
	if sig.covers("digest") {
		if err := matchDigests("Digest", r.Header.Values("Digest"), sum, legacyDigestValue); err != nil {
			return err
		}
	}
	if sig.covers("content-digest") {
		return matchDigests("Content-Digest", r.Header.Values("Content-Digest"), sum, structuredDigestValue)
	}
	return nil
}

// matchDigests checks each SHA-256 member of a Digest (RFC 3230) or Content-Digest
// (RFC 9530) header. Members for other algorithms are skipped, as a peer may send
// several, but a SHA-256 one must be there and every one must match.
func matchDigests(header string, values []string, want [sha256.Size]byte, unwrap func(string) (string, bool)) error {
	found := false
	for _, member := range splitHeaderList(values) {
		alg, value, _ := strings.Cut(member, "=")
		if !strings.EqualFold(trimOWS(alg), "sha-256") {
			continue
		}
		got, err := decodeDigest(value, unwrap)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrDigestMismatch, header, err)
		}
		if subtle.ConstantTimeCompare(got, want[:]) != 1 {
			return fmt.Errorf("%w: %s does not match the body", ErrDigestMismatch, header)
		}
		found = true
	}
	if !found {
		return fmt.Errorf("%w: no SHA-256 %s header", ErrDigestMismatch, header)
	}
	return nil
}

// decodeDigest decodes one member's value to exactly 32 bytes.
func decodeDigest(value string, unwrap func(string) (string, bool)) ([]byte, error) {
	b64, ok := unwrap(trimOWS(value))
	if !ok {
		return nil, errors.New("malformed SHA-256 value")
	}
	got, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(got) != sha256.Size {
		return nil, errors.New("SHA-256 value is not 32 base64 bytes")
	}
	return got, nil
}

// legacyDigestValue reads RFC 3230's bare base64.
func legacyDigestValue(v string) (string, bool) {
	return v, v != ""
}

// structuredDigestValue reads RFC 9530's byte sequence ":base64:", dropping any
// structured-field parameters after it.
func structuredDigestValue(v string) (string, bool) {
	v, _, _ = strings.Cut(v, ";")
	v = trimOWS(v)
	if len(v) < 2 || v[0] != ':' || v[len(v)-1] != ':' {
		return "", false
	}
	return v[1 : len(v)-1], true
}

// splitHeaderList splits comma-separated header values into trimmed members.
func splitHeaderList(values []string) []string {
	var members []string
	for _, v := range values {
		for _, m := range strings.Split(v, ",") {
			if m = trimOWS(m); m != "" {
				members = append(members, m)
			}
		}
	}
	return members
}

// verifySignatureBytes checks the RSA signature, first over the (request-target)
// with its query string and then, as Mastodon and GoToSocial (since 0.14) do,
// without it: older Mastodon signed GETs over the bare path. A match without it
// leaves the query unsigned, so no access decision may rest on the query.
func verifySignatureBytes(r *http.Request, sig *Signature, key *rsa.PublicKey) error {
	for _, withQuery := range targetVariants(r, sig) {
		base, err := signingString(r, sig, withQuery)
		if err != nil {
			return err
		}
		hashed := sha256.Sum256([]byte(base))
		if rsa.VerifyPKCS1v15(key, crypto.SHA256, hashed[:], sig.signature) == nil {
			return nil
		}
	}
	return fmt.Errorf("%w: keyId %q", ErrSignatureInvalid, sig.KeyID)
}

// targetVariants lists the withQuery values to try for r.
func targetVariants(r *http.Request, sig *Signature) []bool {
	if r.URL.RawQuery != "" && sig.covers(compRequestTarget) {
		return []bool{true, false}
	}
	return []bool{true}
}

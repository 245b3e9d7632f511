package federation

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// HTTP Signatures, draft-cavage-http-signatures-12 as the fediverse uses it: signing of
// outbound requests, parsing of inbound Signature headers, and (signature_verify.go)
// verification under Mastodon's rules.
//
// The signing string is built here rather than by go-fed/httpsig, because httpsig v1.1.0
// always labels signatures algorithm="hs2019", reads "host" from the header map (where
// net/http never puts it), signs the decoded URL.Path instead of the path as sent, and
// checks (created)/(expires) against time.Now with a 10 s skew. One builder serves both
// directions, so what we sign is exactly what we verify.

// Errors from ParseSignature and VerifyRequest. They come wrapped with detail; test them
// with errors.Is. Mastodon answers 400 to a malformed header and 401 to the rest.
var (
	ErrNoSignature          = errors.New("http signature: missing")
	ErrMalformedSignature   = errors.New("http signature: malformed")
	ErrSignatureInvalid     = errors.New("http signature: invalid")
	ErrSignatureExpired     = errors.New("http signature: outside its time window")
	ErrDigestMismatch       = errors.New("http signature: body digest mismatch")
	ErrUnsignedComponents   = errors.New("http signature: required component not signed")
	ErrUnsupportedAlgorithm = errors.New("http signature: unsupported algorithm")
)

const (
	algRSASHA256 = "rsa-sha256"
	algHS2019    = "hs2019"

	compRequestTarget = "(request-target)"
	compCreated       = "(created)"
	compExpires       = "(expires)"

	// maxSignatureHeader bounds the parser's work; a 16384-bit RSA signature
	// plus a long keyId is well under it.
	maxSignatureHeader = 8 << 10
	// maxUnixParam is 9999-12-31T23:59:59Z. Larger created/expires values
	// mean nothing and would overflow time arithmetic.
	maxUnixParam = 253402300799
)

// The components we sign, in Mastodon's order (app/lib/request.rb) so that any peer
// that accepts Mastodon accepts us.
var (
	signedPostComponents = []string{compRequestTarget, "host", "date", "digest", "content-type"}
	signedGetComponents  = []string{compRequestTarget, "host", "date"}
)

// Signature is a parsed inbound draft-cavage signature.
type Signature struct {
	KeyID     string
	Algorithm string    // as sent, lowercased; "" if absent
	Headers   []string  // covered components, lowercased, in order
	Created   time.Time // zero if absent
	Expires   time.Time // zero if absent

	signature  []byte
	createdRaw string // (created) and (expires) sign the parameters as sent
	expiresRaw string
}

// SignRequest signs an outbound request with draft-cavage rsa-sha256 under keyID,
// covering "(request-target) host date digest content-type" on requests with a body
// and "(request-target) host date" otherwise — what Mastodon, GoToSocial and Lemmy
// all require. It sets Date, Digest (with a body), Host and Signature; Content-Type
// must already be set when there is a body.
func SignRequest(r *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	if err := checkSignable(r, keyID, key); err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	components, err := setSignedHeaders(r, body, now)
	if err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	sig := &Signature{KeyID: keyID, Algorithm: algRSASHA256, Headers: components}
	base, err := signingString(r, sig, true)
	if err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	hashed := sha256.Sum256([]byte(base))
	if sig.signature, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, hashed[:]); err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	r.Header.Set("Signature", sig.headerValue())
	return nil
}

// checkSignable rejects what cannot become a well-formed signature. The keyId goes
// out in a quoted string and ParseSignature refuses blanks in it, so it may hold no
// quote, backslash, space or control character.
func checkSignable(r *http.Request, keyID string, key *rsa.PrivateKey) error {
	switch {
	case r == nil || r.URL == nil || r.URL.Host == "":
		return errors.New("request has no URL host")
	case key == nil:
		return errors.New("no private key")
	case keyID == "" || strings.ContainsAny(keyID, `"\ `) || hasControl(keyID):
		return fmt.Errorf("keyId %q cannot be sent", keyID)
	}
	return nil
}

// setSignedHeaders sets the headers the signature covers and returns the
// component list for this kind of request.
func setSignedHeaders(r *http.Request, body []byte, now time.Time) ([]string, error) {
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	components := signedGetComponents
	if carriesBody(r, body) {
		if r.Header.Get("Content-Type") == "" {
			return nil, errors.New("a request with a body needs its Content-Type set before signing")
		}
		sum := sha256.Sum256(body)
		r.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
		components = signedPostComponents
	}
	r.Host = r.URL.Host
	r.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	return components, nil
}

// carriesBody reports whether the request has, or by its method is meant to
// have, a body that the signature must pin with a digest.
func carriesBody(r *http.Request, body []byte) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return len(body) > 0
}

// headerValue renders the Signature header in the parameter order Mastodon sends.
func (s *Signature) headerValue() string {
	return fmt.Sprintf(`keyId="%s",algorithm="%s",headers="%s",signature="%s"`,
		s.KeyID, s.Algorithm, strings.Join(s.Headers, " "),
		base64.StdEncoding.EncodeToString(s.signature))
}

// KeyOwnerURL returns the actor URL a keyId most likely belongs to: the keyId
// without its fragment, as with Mastodon's "…/users/alice#main-key". GoToSocial's
// "…/users/alice/main-key" is returned unchanged: fetching it yields a stub whose
// "owner" names the actor, which the caller must follow and cross-check.
func (s *Signature) KeyOwnerURL() string {
	owner, _, _ := strings.Cut(s.KeyID, "#")
	return owner
}

// covers reports whether component is among the signed ones.
func (s *Signature) covers(component string) bool {
	return slices.Contains(s.Headers, component)
}

// ParseSignature reads the Signature header of r, or an "Authorization: Signature …"
// header when there is none. A request with neither returns ErrNoSignature, a
// malformed one an error wrapping ErrMalformedSignature, and an RFC 9421 signature
// (which we do not verify yet) one wrapping ErrUnsupportedAlgorithm.
func ParseSignature(r *http.Request) (*Signature, error) {
	raw, err := signatureHeader(r.Header)
	if err != nil {
		return nil, err
	}
	params, err := parseSignatureParams(raw)
	if err != nil {
		return nil, err
	}
	return signatureFromParams(params)
}

// signatureHeader picks the header that carries the signature parameters.
func signatureHeader(h http.Header) (string, error) {
	if len(h.Values("Signature-Input")) > 0 {
		return "", fmt.Errorf("%w: RFC 9421 message signature", ErrUnsupportedAlgorithm)
	}
	if sigs := h.Values("Signature"); len(sigs) > 0 {
		if len(sigs) > 1 {
			return "", fmt.Errorf("%w: %d Signature headers", ErrMalformedSignature, len(sigs))
		}
		return sigs[0], nil
	}
	for _, auth := range h.Values("Authorization") {
		scheme, rest, _ := strings.Cut(strings.TrimSpace(auth), " ")
		if strings.EqualFold(scheme, "Signature") {
			return rest, nil
		}
	}
	return "", ErrNoSignature
}

// parseSignatureParams splits `name="value",name=value,…` into a map keyed by the
// lowercased name. A repeated name is malformed: two keyIds must not leave it to
// chance which one we fetch and which one a peer meant.
func parseSignatureParams(raw string) (map[string]string, error) {
	if len(raw) > maxSignatureHeader {
		return nil, fmt.Errorf("%w: header longer than %d bytes", ErrMalformedSignature, maxSignatureHeader)
	}
	params := make(map[string]string)
	for rest := trimOWS(raw); rest != ""; {
		name, value, tail, err := nextSignatureParam(rest)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformedSignature, err)
		}
		if _, dup := params[name]; dup {
			return nil, fmt.Errorf("%w: parameter %q repeated", ErrMalformedSignature, name)
		}
		params[name] = value
		rest = tail
	}
	return params, nil
}

// nextSignatureParam takes one `name=value` off the front of s and returns what
// follows its separating comma.
func nextSignatureParam(s string) (name, value, rest string, err error) {
	name, s, ok := strings.Cut(s, "=")
	name = strings.ToLower(trimOWS(name))
	if !ok || !isToken(name) {
		return "", "", "", errors.New("bad parameter name")
	}
	value, s, err = paramValue(trimOWS(s))
	if err != nil {
		return "", "", "", fmt.Errorf("parameter %q: %w", name, err)
	}
	s = trimOWS(s)
	if s != "" && s[0] != ',' {
		return "", "", "", fmt.Errorf("parameter %q: junk after value", name)
	}
	return name, value, trimOWS(strings.TrimPrefix(s, ",")), nil
}

// paramValue reads a quoted-string, or a bare value such as created=1402170695.
func paramValue(s string) (value, rest string, err error) {
	if strings.HasPrefix(s, `"`) {
		return quotedString(s[1:])
	}
	end := strings.IndexByte(s, ',')
	if end < 0 {
		end = len(s)
	}
	value = trimOWS(s[:end])
	if value == "" || strings.ContainsAny(value, "\" \t") || hasControl(value) {
		return "", "", errors.New("bad bare value")
	}
	return value, s[end:], nil
}

// quotedString reads up to the closing quote (s starts just after the opening
// one), undoing backslash escapes; control characters are refused so that no
// keyId or component can smuggle a line break into a log or a signing string.
func quotedString(s string) (value, rest string, err error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), s[i+1:], nil
		case c == '\\' && i+1 < len(s):
			i++
			c = s[i]
		}
		if c < 0x20 && c != '\t' || c == 0x7f {
			return "", "", errors.New("control character in quoted value")
		}
		b.WriteByte(c)
	}
	return "", "", errors.New("unterminated quoted value")
}

// signatureFromParams checks the parameters and builds the Signature.
func signatureFromParams(p map[string]string) (*Signature, error) {
	s := &Signature{KeyID: p["keyid"], Algorithm: strings.ToLower(p["algorithm"])}
	if s.KeyID == "" || strings.ContainsAny(s.KeyID, " \t") {
		return nil, fmt.Errorf("%w: no keyId, or one with blanks", ErrMalformedSignature)
	}
	var err error
	if s.signature, err = base64.StdEncoding.DecodeString(p["signature"]); err != nil || len(s.signature) == 0 {
		return nil, fmt.Errorf("%w: signature is not base64", ErrMalformedSignature)
	}
	if s.Headers, err = coveredComponents(p); err != nil {
		return nil, err
	}
	if s.Created, s.createdRaw, err = unixParam(p, "created"); err != nil {
		return nil, err
	}
	if s.Expires, s.expiresRaw, err = unixParam(p, "expires"); err != nil {
		return nil, err
	}
	return s, s.checkPseudoParams()
}

// coveredComponents reads the headers parameter; when it is absent the draft
// says only "date" is signed.
func coveredComponents(p map[string]string) ([]string, error) {
	v, ok := p["headers"]
	if !ok {
		return []string{"date"}, nil
	}
	components := strings.Fields(strings.ToLower(v))
	for i, c := range components {
		if !validComponent(c) || slices.Contains(components[:i], c) {
			return nil, fmt.Errorf("%w: bad or repeated component %q", ErrMalformedSignature, c)
		}
	}
	return components, nil
}

// validComponent accepts header names and the draft's three pseudo-headers.
// Repeats are refused by the caller, so a signing string is never longer than
// the headers it quotes.
func validComponent(c string) bool {
	switch c {
	case compRequestTarget, compCreated, compExpires:
		return true
	}
	return isToken(c)
}

// unixParam parses the created or expires parameter (integer seconds, maybe
// with a fraction, which the draft allows for expires) and keeps its raw text.
func unixParam(p map[string]string, name string) (time.Time, string, error) {
	raw, ok := p[name]
	if !ok {
		return time.Time{}, "", nil
	}
	secs, frac, _ := strings.Cut(raw, ".")
	n, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || n < 0 || n > maxUnixParam || strings.Trim(frac, "0123456789") != "" {
		return time.Time{}, "", fmt.Errorf("%w: bad %s parameter", ErrMalformedSignature, name)
	}
	return time.Unix(n, 0).UTC(), raw, nil
}

// checkPseudoParams refuses a (created) or (expires) component whose parameter is
// missing: there would be nothing to sign for it.
func (s *Signature) checkPseudoParams() error {
	if s.covers(compCreated) && s.createdRaw == "" {
		return fmt.Errorf("%w: (created) signed without a created parameter", ErrMalformedSignature)
	}
	if s.covers(compExpires) && s.expiresRaw == "" {
		return fmt.Errorf("%w: (expires) signed without an expires parameter", ErrMalformedSignature)
	}
	return nil
}

// signingString builds the draft's signing string for s over r. withQuery
// chooses whether (request-target) carries the query string; see verifySignatureBytes.
func signingString(r *http.Request, s *Signature, withQuery bool) (string, error) {
	var b strings.Builder
	for i, c := range s.Headers {
		v, err := componentValue(r, s, c, withQuery)
		if err != nil {
			return "", err
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c)
		b.WriteString(": ")
		b.WriteString(v)
	}
	return b.String(), nil
}

// componentValue returns one line's value. "host" comes from r.Host because
// net/http moves the Host header there; repeated headers are joined with ", ".
func componentValue(r *http.Request, s *Signature, c string, withQuery bool) (string, error) {
	switch c {
	case compRequestTarget:
		return requestTarget(r, withQuery), nil
	case compCreated:
		return s.createdRaw, nil
	case compExpires:
		return s.expiresRaw, nil
	case "host":
		if r.Host != "" {
			return r.Host, nil
		}
		return r.URL.Host, nil
	}
	values := r.Header.Values(c)
	if len(values) == 0 {
		return "", fmt.Errorf("%w: signed header %q is missing", ErrSignatureInvalid, c)
	}
	trimmed := make([]string, len(values))
	for i, v := range values {
		trimmed[i] = strings.TrimSpace(v)
	}
	return strings.Join(trimmed, ", "), nil
}

// requestTarget is "<method> <path>[?query]" with the path as sent on the wire
// (EscapedPath), which is what Mastodon's request.original_fullpath signs.
func requestTarget(r *http.Request, withQuery bool) string {
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	if withQuery && r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	return strings.ToLower(method) + " " + path
}

// trimOWS trims HTTP optional whitespace (spaces and tabs).
func trimOWS(s string) string {
	return strings.Trim(s, " \t")
}

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

// hasControl reports whether s holds an ASCII control character.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(c rune) bool { return c < 0x20 || c == 0x7f }) >= 0
}

package federation

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// signatureErrors are the only errors ParseSignature and VerifyRequest may return.
var signatureErrors = []error{
	ErrNoSignature, ErrMalformedSignature, ErrSignatureInvalid, ErrSignatureExpired,
	ErrDigestMismatch, ErrUnsignedComponents, ErrUnsupportedAlgorithm,
}

func isSignatureError(err error) bool {
	for _, target := range signatureErrors {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// FuzzParseSignature feeds hostile Signature and Authorization headers to the
// parser: it must never panic, must fail only with our sentinel errors, and must
// hand back only signatures the verifier can rely on.
func FuzzParseSignature(f *testing.F) {
	for _, fx := range peerFixtures {
		wire, err := os.ReadFile(filepath.Join("testdata", "signatures", fx.file))
		if err != nil {
			f.Fatal(err)
		}
		r, _ := readWire(f, wire)
		f.Add(r.Header.Get("Signature"), false)
	}
	for _, seed := range []string{
		`keyId="k",signature="c2ln"`,
		`keyId="k",algorithm="hs2019",created=1741964956,expires=1741968556.5,headers="(created) (expires)",signature="c2ln"`,
		` KeyId = "k\"x" , headers="(Request-Target)  host",signature="c2ln",`,
		"", ",", "=", `"`, `keyId="`, `keyId="a\`, `keyId=a,signature=b`, `keyId="a",,signature="c2ln"`,
		`headers="(created)",keyId="k",signature="c2ln"`, `keyId="k",created=99999999999999999999999,signature="c2ln"`,
		"keyId=\"k\x00\",signature=\"c2ln\"", `keyId="k",headers="date date",signature="c2ln"`,
		`sig1=:c2ln:`, `keyId="k",signature="====",headers=""`, "keYId=\"\t0\",signAture=\"0000\"",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, value string, asAuthorization bool) {
		h := http.Header{"Signature": {value}}
		if asAuthorization {
			h = http.Header{"Authorization": {"Signature " + value}}
		}
		sig, err := ParseSignature(&http.Request{Header: h})
		if err != nil {
			if !isSignatureError(err) {
				t.Fatalf("error outside the sentinels: %v", err)
			}
			return
		}
		checkParsedSignature(t, sig)
	})
}

// checkParsedSignature asserts what the verifier assumes of a parsed signature.
func checkParsedSignature(t *testing.T, sig *Signature) {
	t.Helper()
	if sig.KeyID == "" || hasControl(sig.KeyID) || strings.Contains(sig.KeyID, " ") || len(sig.signature) == 0 {
		t.Fatalf("accepted keyId %q with %d signature bytes", sig.KeyID, len(sig.signature))
	}
	if sig.Algorithm != strings.ToLower(sig.Algorithm) {
		t.Fatalf("algorithm %q not lowercased", sig.Algorithm)
	}
	for i, c := range sig.Headers {
		if !validComponent(c) || c != strings.ToLower(c) || strings.Contains(strings.Join(sig.Headers[:i], " ")+" ", " "+c+" ") {
			t.Fatalf("bad or repeated component %q in %q", c, sig.Headers)
		}
	}
	if sig.covers(compCreated) && sig.createdRaw == "" || sig.covers(compExpires) && sig.expiresRaw == "" {
		t.Fatalf("pseudo-header covered without its parameter: %+v", sig)
	}
}

// FuzzVerifyRequest varies a validly signed Mastodon POST. Whatever the fuzzer
// changes, a request that verifies must carry exactly the body that was signed.
func FuzzVerifyRequest(f *testing.F) {
	key := loadTestKey(f, "key_a.pem")
	base, body := mastodonPost(f, nil)
	sigHeader, date, digest := base.Header.Get("Signature"), base.Header.Get("Date"), base.Header.Get("Digest")
	const host, path = "convene.example", "/u/bob/inbox"
	f.Add(sigHeader, date, digest, host, path, body)
	f.Add(sigHeader, date, digest, host, path, append(bytes.Clone(body), ' '))
	f.Add(sigHeader, date, digest, host, path+"/", body)
	f.Add(sigHeader, date, digest, "evil.example", path, body)
	f.Add(sigHeader, "Fri, 14 Mar 2025 15:09:27 GMT", digest, host, path, body)
	f.Add(sigHeader, date, "SHA-256=", host, path, body)
	f.Add(sigHeader, date, "SHA-512=abc, "+digest, host, path, body)
	f.Add(strings.Replace(sigHeader, "digest ", "", 1), date, digest, host, path, body)
	f.Add(strings.Replace(sigHeader, "rsa-sha256", "hs2019", 1), date, digest, host, path, body)
	f.Add(strings.Replace(sigHeader, `headers="`, `created=1741964956,headers="(created) `, 1), "", digest, host, path, body)
	f.Fuzz(func(t *testing.T, sigHeader, date, digest, host, path string, got []byte) {
		r := &http.Request{
			Method: http.MethodPost,
			URL:    &url.URL{Path: path},
			Host:   host,
			Header: http.Header{
				"Signature":    {sigHeader},
				"Date":         {date},
				"Digest":       {digest},
				"Content-Type": {"application/activity+json"},
			},
		}
		sig, err := ParseSignature(r)
		if err == nil {
			checkParsedSignature(t, sig)
			err = VerifyRequest(r, got, sig, &key.PublicKey, sigNow)
		}
		if err == nil && !bytes.Equal(got, body) {
			t.Fatalf("verified a body that was never signed: %q", got)
		}
		if err != nil && !isSignatureError(err) {
			t.Fatalf("error outside the sentinels: %v", err)
		}
	})
}

package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Errors of the fetcher. Callers tell them apart with errors.Is; all are wrapped with the
// URL that was asked for.
var (
	// ErrBadURL: not an absolute http(s) URL with a host, or it carries userinfo.
	ErrBadURL = errors.New("bad fetch URL")
	// ErrNotAS2: the response is not explicitly ActivityPub (FEP-96ff, Mastodon CVE-2024-25623).
	ErrNotAS2 = errors.New("response is not ActivityStreams")
	// ErrNotJSON: the response of FetchJSON is not JSON, or an AS2 body is not a JSON object.
	ErrNotJSON = errors.New("response is not a JSON document")
	// ErrTooLarge: the body is over the configured cap.
	ErrTooLarge = errors.New("response body too large")
	// ErrIDMismatch: the document's "id" is not the URL it was fetched from (Mastodon CVE-2024-23832).
	ErrIDMismatch = errors.New("document id does not match its URL")
	// ErrTooManyRedirects: the redirect chain is longer than MaxRedirects.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrHTTPStatus: a non-2xx answer; the error is a *StatusError carrying the code.
	ErrHTTPStatus = errors.New("unexpected HTTP status")
	// ErrGone: 410; the remote object or actor was deleted and should be tombstoned.
	ErrGone = errors.New("remote resource gone")
	// ErrNotFound: 404.
	ErrNotFound = errors.New("remote resource not found")
)

// StatusError is a non-2xx answer. It matches ErrHTTPStatus, and also ErrGone (410) or
// ErrNotFound (404), so callers can branch on the kind and still read the code.
type StatusError struct {
	Code       int
	RetryAfter time.Duration // from Retry-After (seconds or HTTP-date); 0 when absent
}

func (e *StatusError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("HTTP status %d (retry after %s)", e.Code, e.RetryAfter)
	}
	return fmt.Sprintf("HTTP status %d", e.Code)
}

// Is makes errors.Is(err, ErrHTTPStatus) true for every StatusError, and ErrGone or
// ErrNotFound true for 410 and 404.
func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrHTTPStatus:
		return true
	case ErrGone:
		return e.Code == http.StatusGone
	case ErrNotFound:
		return e.Code == http.StatusNotFound
	}
	return false
}

// FetcherConfig configures a Fetcher.
type FetcherConfig struct {
	AllowedNetworks []netip.Prefix // private/loopback ranges that may be reached anyway (CONVENE_ALLOW_PRIVATE_NETWORKS)
	UserAgent       string         // e.g. "Convene/1.0 (+https://convene.example)"
	// SignGET, if set, signs each outgoing GET (every redirect hop is a new request and is signed again).
	SignGET func(r *http.Request) error
	// Limits; zero means the defaults: MaxBody 1 MiB, ConnectTimeout 5 s, Timeout 30 s overall,
	// MaxRedirects 3 (a negative MaxRedirects follows none).
	MaxBody        int64
	ConnectTimeout time.Duration
	Timeout        time.Duration
	MaxRedirects   int
	// AllowHost, if set, is asked before every hop (redirects included) whether a host may be
	// contacted at all; domain blocks hook in here.
	AllowHost func(ctx context.Context, host string) error
}

// Defaults follow Mastodon (research/security-reliability-anchors.md table b): 1 MB body,
// connect 5 s, 30 s overall read deadline, follow(max_hops: 3).
const (
	defaultMaxBody        = 1 << 20
	defaultConnectTimeout = 5 * time.Second
	defaultTimeout        = 30 * time.Second
	defaultMaxRedirects   = 3

	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 10 * time.Second
	maxConnsPerHost       = 16
	maxHeaderBytes        = 64 << 10 // peers' headers are small; the 1 MB default is just memory to spend
	redirectDrainBytes    = 4 << 10
)

// acceptAS2 is what Mastodon sends; the ld+json form needs the profile (FEP-96ff).
const (
	asProfile = "https://www.w3.org/ns/activitystreams"
	acceptAS2 = `application/activity+json, application/ld+json; profile="` + asProfile + `"`
)

// Fetcher GETs remote documents without letting a remote party steer it to internal
// addresses (SSRF), stall it, or pass off one document as another. Safe for concurrent use.
type Fetcher struct {
	cfg    FetcherConfig
	client *http.Client // never follows redirects: FetchAS2/FetchJSON follow them by hand
}

// NewFetcher builds a Fetcher; zero limits in cfg get the defaults.
func NewFetcher(cfg FetcherConfig) *Fetcher {
	cfg = withDefaults(cfg)
	return &Fetcher{cfg: cfg, client: &http.Client{
		Transport:     newTransport(cfg),
		Timeout:       cfg.Timeout,
		CheckRedirect: noRedirects,
	}}
}

func withDefaults(cfg FetcherConfig) FetcherConfig {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = defaultMaxBody
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = defaultConnectTimeout
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	switch {
	case cfg.MaxRedirects == 0:
		cfg.MaxRedirects = defaultMaxRedirects
	case cfg.MaxRedirects < 0:
		cfg.MaxRedirects = 0
	}
	return cfg
}

// newTransport wires the guarded dialer in. Proxy stays nil: a proxy from the environment
// would do the DNS lookup and connect itself, out of reach of the address check.
func newTransport(cfg FetcherConfig) *http.Transport {
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            guardedDialer(cfg.ConnectTimeout, cfg.AllowedNetworks).DialContext,
		ForceAttemptHTTP2:      true, // a custom DialContext turns HTTP/2 off unless asked for
		TLSHandshakeTimeout:    tlsHandshakeTimeout,
		ResponseHeaderTimeout:  responseHeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           100,
		MaxConnsPerHost:        maxConnsPerHost,
		MaxResponseHeaderBytes: maxHeaderBytes,
	}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Client returns an *http.Client with the same guarded dialer and timeouts that follows no
// redirects, for deliveries: a POST must not be replayed to wherever a peer points it.
func (f *Fetcher) Client() *http.Client { return f.client }

// Document is a fetched ActivityPub document.
type Document struct {
	URL  string // the final URL after redirects
	Body []byte // raw JSON
	ID   string // its "id", equal to URL
}

// FetchAS2 GETs an ActivityPub object or actor. Every hop (at most MaxRedirects redirects)
// is re-validated, re-signed and dialled through the address guard; the answer must carry an
// AS2 content type, fit in MaxBody, and be a JSON object whose "id" is exactly the final URL,
// so a peer cannot present a document as someone else's.
func (f *Fetcher) FetchAS2(ctx context.Context, rawURL string) (*Document, error) {
	final, body, err := f.fetch(ctx, rawURL, acceptAS2, checkAS2Type)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	id, err := documentID(body)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if id != final {
		return nil, fmt.Errorf("fetch %s: %w: id %q, fetched from %q", rawURL, ErrIDMismatch, id, final)
	}
	return &Document{URL: final, Body: body, ID: id}, nil
}

// FetchAS2Unverified is FetchAS2 without the id check, for the one document whose id may
// differ from its URL: a key (GoToSocial serves "…/main-key" as a stub of its owner). Its
// content proves nothing; the caller only learns from it which actor to fetch with FetchAS2.
func (f *Fetcher) FetchAS2Unverified(ctx context.Context, rawURL string) (*Document, error) {
	final, body, err := f.fetch(ctx, rawURL, acceptAS2, checkAS2Type)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	id, _ := documentID(body)
	return &Document{URL: final, Body: body, ID: id}, nil
}

// FetchJSON GETs a JSON document that is not AS2 (WebFinger JRD, NodeInfo) under the same
// guards, cap and timeouts. The content type must be JSON (application/json, application/jrd+json
// or another +json type) and the body valid JSON; there is no id to check.
func (f *Fetcher) FetchJSON(ctx context.Context, rawURL, accept string) ([]byte, error) {
	_, body, err := f.fetch(ctx, rawURL, accept, checkJSONType)
	if err == nil && !json.Valid(body) {
		err = ErrNotJSON
	}
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	return body, nil
}

// fetch follows redirects, checks status and content type and reads the capped body, all
// under one overall deadline so a slow peer cannot hold a worker (Mastodon CVE-2023-36461).
// It returns the final URL.
func (f *Fetcher) fetch(ctx context.Context, rawURL, accept string,
	checkType func(contentType string) error) (string, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	resp, final, err := f.follow(ctx, rawURL, accept)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	if err := statusError(resp); err != nil {
		return "", nil, err
	}
	if err := checkType(resp.Header.Get("Content-Type")); err != nil {
		return "", nil, err
	}
	body, err := readCapped(resp, f.cfg.MaxBody)
	return final, body, err
}

// follow GETs rawURL and follows redirects by hand, so that every hop is canonicalised,
// checked, and signed as a request of its own. The returned response is not a redirect
// (or is one without a Location); the string is its canonical URL.
func (f *Fetcher) follow(ctx context.Context, rawURL, accept string) (*http.Response, string, error) {
	u, err := parseFetchURL(rawURL)
	if err != nil {
		return nil, "", err
	}
	for hops := 0; ; hops++ {
		if f.cfg.AllowHost != nil {
			if err := f.cfg.AllowHost(ctx, u.Hostname()); err != nil {
				return nil, "", err
			}
		}
		resp, err := f.get(ctx, u, accept)
		if err != nil {
			return nil, "", err
		}
		next, err := redirectTarget(resp)
		if next == nil && err == nil {
			return resp, u.String(), nil
		}
		drainClose(resp.Body)
		if err != nil {
			return nil, "", err
		}
		if hops >= f.cfg.MaxRedirects {
			return nil, "", fmt.Errorf("%w: more than %d", ErrTooManyRedirects, f.cfg.MaxRedirects)
		}
		if u, err = canonicalURL(next); err != nil {
			return nil, "", fmt.Errorf("redirect to %s: %w", next, err)
		}
	}
}

// get sends one signed GET for u.
func (f *Fetcher) get(ctx context.Context, u *url.URL, accept string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	req.Header.Set("Accept", accept)
	if f.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", f.cfg.UserAgent)
	}
	if f.cfg.SignGET != nil {
		// Signed GETs cover (request-target) host date, so the Date must exist before signing.
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		if err := f.cfg.SignGET(req); err != nil {
			return nil, fmt.Errorf("sign GET: %w", err)
		}
	}
	return f.client.Do(req)
}

// redirectTarget returns the absolute Location of a redirect, or nil for any other answer.
func redirectTarget(resp *http.Response) (*url.URL, error) {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return nil, nil
	}
	if resp.Header.Get("Location") == "" {
		return nil, nil
	}
	next, err := resp.Location()
	if err != nil {
		return nil, fmt.Errorf("%w: redirect Location: %v", ErrBadURL, err)
	}
	return next, nil
}

// drainClose reads a little of a discarded body so the connection can be reused, then closes it.
func drainClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, redirectDrainBytes)
	_ = body.Close()
}

// parseFetchURL parses and canonicalises a URL a caller asked for.
func parseFetchURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	return canonicalURL(u)
}

// canonicalURL refuses anything but an absolute http(s) URL without userinfo, and returns it
// with a lowercase host without trailing dot, no default port and no fragment. Comparing ids
// and hosts only in this form closes the spoofing of Mastodon CVE-2023-42451. Non-ASCII hosts
// are refused: the standard library cannot map them to punycode, and a wrong mapping would
// compare wrongly.
func canonicalURL(u *url.URL) (*url.URL, error) {
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("%w: scheme %q", ErrBadURL, u.Scheme)
	}
	if u.User != nil || u.Opaque != "" {
		return nil, fmt.Errorf("%w: userinfo or opaque part in %q", ErrBadURL, u.Redacted())
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" || !isASCII(host) {
		return nil, fmt.Errorf("%w: host %q", ErrBadURL, u.Hostname())
	}
	port := u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	c := *u
	c.Host = joinHost(host, port)
	c.Fragment, c.RawFragment = "", ""
	return &c, nil
}

// joinHost is net.JoinHostPort that also brackets an IPv6 literal without a port.
func joinHost(host, port string) string {
	if port != "" {
		return net.JoinHostPort(host, port)
	}
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// statusError turns a non-2xx answer into a *StatusError.
func statusError(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return &StatusError{
		Code:       resp.StatusCode,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3);
// anything unparsable or in the past is 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 || secs > int64(365*24*time.Hour/time.Second) {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// checkAS2Type accepts application/activity+json, or application/ld+json whose profile lists
// the ActivityStreams namespace; parameters such as charset are fine. Bare ld+json and
// application/json are refused: user uploads are served that way (Mastodon CVE-2024-25623).
func checkAS2Type(ct string) error {
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil {
		switch mt {
		case "application/activity+json":
			return nil
		case "application/ld+json":
			// profile is a space-separated list of URIs (RFC 6906).
			for p := range strings.FieldsSeq(params["profile"]) {
				if p == asProfile {
					return nil
				}
			}
		}
	}
	return fmt.Errorf("%w: content type %q", ErrNotAS2, ct)
}

// checkJSONType accepts application/json and application/*+json (jrd+json, activity+json, …).
func checkJSONType(ct string) error {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" ||
		strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return nil
	}
	return fmt.Errorf("%w: content type %q", ErrNotJSON, ct)
}

// readCapped reads at most limit bytes of the body: a Content-Length over the cap is refused
// before reading, and a body without one (or lying about it) is cut off at limit+1 bytes.
func readCapped(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: Content-Length %d > %d", ErrTooLarge, resp.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return body, nil
}

// documentID returns the "id" of an AS2 body, which must be a single JSON object (trailing
// data refused, as GoToSocial does since PR #2673) with a string id.
func documentID(body []byte) (string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return "", fmt.Errorf("%w: want a JSON object", ErrNotJSON)
	}
	var id string
	if raw, ok := obj["id"]; !ok || json.Unmarshal(raw, &id) != nil || id == "" {
		return "", fmt.Errorf("%w: no string id", ErrIDMismatch)
	}
	return id, nil
}

// allowsPrivate reports whether host (host or host:port) is an address inside the allowed
// private networks. Such peers (test instances on loopback, LAN servers) are spoken to over
// plain HTTP when only a handle is known.
func (f *Fetcher) allowsPrivate(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return inAny(netip.MustParseAddr("127.0.0.1"), f.cfg.AllowedNetworks)
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && inAny(ip.Unmap(), f.cfg.AllowedNetworks)
}

// privateAllowed reports whether any private network may be reached at all: only then are
// handles with ports or addresses (test peers, LANs) worth a lookup.
func (f *Fetcher) privateAllowed() bool { return len(f.cfg.AllowedNetworks) > 0 }

package federation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

const asType = "application/activity+json; charset=utf-8"

// selfURL is the URL a test server was reached at, as the fetcher canonicalises it.
func selfURL(r *http.Request) string { return "http://" + r.Host + r.URL.Path }

// serveDoc answers with an AS2 Note whose id is the URL it was fetched from.
func serveDoc(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", asType)
	fmt.Fprintf(w, `{"id":%q,"type":"Note"}`, selfURL(r))
}

// hitCounter wraps h and counts the requests it serves.
type hitCounter struct {
	n atomic.Int32
	h http.HandlerFunc
}

func (c *hitCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	c.h(w, r)
}

// recorder remembers the request headers each path arrived with; the mutex gives the test
// a happens-before edge with the handler, which the loopback socket does not.
type recorder struct {
	mu   sync.Mutex
	seen map[string]http.Header
}

func newRecorder() *recorder { return &recorder{seen: map[string]http.Header{}} }

func (rec *recorder) record(r *http.Request) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.seen[r.URL.Path] = r.Header.Clone()
}

func (rec *recorder) header(path string) (http.Header, bool) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	h, ok := rec.seen[path]
	return h, ok
}

func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func loopbackFetcher(cfg FetcherConfig) *Fetcher {
	cfg.AllowedNetworks = loopback
	return NewFetcher(cfg)
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}

func TestFetchAS2RefusesLoopbackWithoutAllowList(t *testing.T) {
	hits := &hitCounter{h: serveDoc}
	srv := newServer(t, hits)
	_, err := NewFetcher(FetcherConfig{}).FetchAS2(t.Context(), srv.URL+"/note")
	wantErr(t, err, ErrBlockedAddress)
	if hits.n.Load() != 0 {
		t.Error("server was reached")
	}
}

func TestFetchAS2AllowsLoopbackWithAllowList(t *testing.T) {
	rec := newRecorder()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		serveDoc(w, r)
	}))
	f := loopbackFetcher(FetcherConfig{UserAgent: "Convene/test"})
	doc, err := f.FetchAS2(t.Context(), srv.URL+"/note")
	if err != nil {
		t.Fatal(err)
	}
	if doc.URL != srv.URL+"/note" || doc.ID != doc.URL || !strings.Contains(string(doc.Body), `"Note"`) {
		t.Errorf("doc = %+v", doc)
	}
	h, _ := rec.header("/note")
	if h.Get("Accept") != acceptAS2 || h.Get("User-Agent") != "Convene/test" {
		t.Errorf("Accept %q, User-Agent %q", h.Get("Accept"), h.Get("User-Agent"))
	}
}

func TestFetchAS2CanonicalisesHost(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(serveDoc))
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	asked := fmt.Sprintf("http://LocalHost.:%d/note#main-key", port)
	doc, err := loopbackFetcher(FetcherConfig{}).FetchAS2(t.Context(), asked)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("http://localhost:%d/note", port); doc.URL != want {
		t.Errorf("URL = %q, want %q", doc.URL, want)
	}
}

func TestFetchURLCanonicalForm(t *testing.T) {
	tests := map[string]string{
		"HTTPS://Example.COM.:443/a?b=c#frag": "https://example.com/a?b=c",
		"http://example.com:80/":              "http://example.com/",
		"https://example.com:8443/x":          "https://example.com:8443/x",
		"https://[2001:DB8::1]:443/x":         "https://[2001:db8::1]/x",
	}
	for in, want := range tests {
		u, err := parseFetchURL(in)
		if err != nil || u.String() != want {
			t.Errorf("parseFetchURL(%q) = %v, %v; want %q", in, u, err, want)
		}
	}
}

func TestFetchAS2RefusesBadURLs(t *testing.T) {
	f := loopbackFetcher(FetcherConfig{})
	for _, u := range []string{
		"", "/relative", "ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/",
		"http://user:pw@example.com/", "https://user@example.com/", "http:///path", "http:example.com",
		"https://bücher.example/actor", "http://exa mple.com/",
	} {
		_, err := f.FetchAS2(t.Context(), u)
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("FetchAS2(%q) err = %v, want ErrBadURL", u, err)
		}
	}
}

func TestFetchAS2RefusesRedirectToBlockedAddress(t *testing.T) {
	target := newServer(t, http.HandlerFunc(serveDoc))
	port := target.Listener.Addr().(*net.TCPAddr).Port
	for _, loc := range []string{
		"http://10.0.0.1/x",
		fmt.Sprintf("http://[::1]:%d/x", port),
		fmt.Sprintf("http://0.0.0.0:%d/x", port),
		"http://169.254.169.254/latest/meta-data/",
	} {
		srv := newServer(t, http.RedirectHandler(loc, http.StatusFound))
		_, err := loopbackFetcher(FetcherConfig{}).FetchAS2(t.Context(), srv.URL+"/start")
		if !errors.Is(err, ErrBlockedAddress) {
			t.Errorf("redirect to %s: err = %v, want ErrBlockedAddress", loc, err)
		}
	}
}

func TestFetchAS2RefusesRedirectToBadURL(t *testing.T) {
	for _, loc := range []string{"file:///etc/passwd", "ftp://example.com/", "http://user:pw@127.0.0.1/"} {
		srv := newServer(t, http.RedirectHandler(loc, http.StatusMovedPermanently))
		_, err := loopbackFetcher(FetcherConfig{}).FetchAS2(t.Context(), srv.URL+"/start")
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("redirect to %s: err = %v, want ErrBadURL", loc, err)
		}
	}
}

// listenOn127002 starts h on 127.0.0.2, a loopback address other than the default one, so a
// test can allow one loopback host and not another. Linux routes all of 127/8 to lo.
func listenOn127002(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchAS2RefusesRedirectFromAllowedToBlockedHost(t *testing.T) {
	hits := &hitCounter{h: serveDoc}
	target := newServer(t, hits) // 127.0.0.1: not allowed below
	port := target.Listener.Addr().(*net.TCPAddr).Port
	mux := http.NewServeMux()
	mux.HandleFunc("/doc", serveDoc)
	mux.Handle("/to-localhost", http.RedirectHandler(fmt.Sprintf("http://localhost:%d/doc", port), http.StatusFound))
	mux.Handle("/to-ip", http.RedirectHandler(target.URL+"/doc", http.StatusTemporaryRedirect))
	first := listenOn127002(t, mux)
	f := NewFetcher(FetcherConfig{AllowedNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}})

	if _, err := f.FetchAS2(t.Context(), first.URL+"/doc"); err != nil {
		t.Fatalf("the allowed first hop itself: %v", err)
	}
	for _, path := range []string{"/to-localhost", "/to-ip"} {
		_, err := f.FetchAS2(t.Context(), first.URL+path)
		if !errors.Is(err, ErrBlockedAddress) {
			t.Errorf("%s: err = %v, want ErrBlockedAddress", path, err)
		}
	}
	if hits.n.Load() != 0 {
		t.Errorf("blocked server reached %d times", hits.n.Load())
	}
}

// redirectChain serves /r{n} → /r{n-1} → … → /r0, which is a document, and records the
// headers of every request.
type redirectChain struct{ *recorder }

func newRedirectChain() redirectChain { return redirectChain{newRecorder()} }

func (c redirectChain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.record(r)
	var n int
	if _, err := fmt.Sscanf(r.URL.Path, "/r%d", &n); err != nil || n == 0 {
		serveDoc(w, r)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/r%d", n-1), http.StatusFound)
}

// signByPath is a SignGET that marks each request with its own path and counts the calls.
func signByPath(calls *atomic.Int32) func(*http.Request) error {
	return func(r *http.Request) error {
		calls.Add(1)
		if r.Header.Get("Date") == "" || r.Host == "" {
			return errors.New("no Date or Host to sign")
		}
		r.Header.Set("Signature", "sig "+r.URL.Path)
		return nil
	}
}

func TestFetchAS2SignsEveryRedirectHop(t *testing.T) {
	chain := newRedirectChain()
	srv := newServer(t, chain)
	var calls atomic.Int32
	f := loopbackFetcher(FetcherConfig{SignGET: signByPath(&calls)})
	doc, err := f.FetchAS2(t.Context(), srv.URL+"/r3")
	if err != nil {
		t.Fatal(err)
	}
	if doc.URL != srv.URL+"/r0" {
		t.Errorf("final URL %q", doc.URL)
	}
	if calls.Load() != 4 {
		t.Errorf("SignGET called %d times, want 4", calls.Load())
	}
	for _, p := range []string{"/r3", "/r2", "/r1", "/r0"} {
		if h, _ := chain.header(p); h.Get("Signature") != "sig "+p {
			t.Errorf("%s arrived with Signature %q", p, h.Get("Signature"))
		}
	}
}

func TestFetchAS2RefusesTooManyRedirects(t *testing.T) {
	chain := newRedirectChain()
	srv := newServer(t, chain)
	_, err := loopbackFetcher(FetcherConfig{}).FetchAS2(t.Context(), srv.URL+"/r4")
	wantErr(t, err, ErrTooManyRedirects)
	if _, reached := chain.header("/r0"); reached {
		t.Error("followed a fourth redirect")
	}

	_, err = loopbackFetcher(FetcherConfig{MaxRedirects: -1}).FetchAS2(t.Context(), srv.URL+"/r1")
	wantErr(t, err, ErrTooManyRedirects)
}

func TestFetchAS2SignErrorStopsFetch(t *testing.T) {
	hits := &hitCounter{h: serveDoc}
	srv := newServer(t, hits)
	boom := errors.New("no key")
	f := loopbackFetcher(FetcherConfig{SignGET: func(*http.Request) error { return boom }})
	_, err := f.FetchAS2(t.Context(), srv.URL+"/note")
	wantErr(t, err, boom)
	if hits.n.Load() != 0 {
		t.Error("unsigned request was sent")
	}
}

func TestFetchAS2ContentTypes(t *testing.T) {
	tests := []struct {
		ct string
		ok bool
	}{
		{"application/activity+json", true},
		{"application/activity+json; charset=utf-8", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{`application/ld+json; charset=utf-8; profile="https://www.w3.org/ns/activitystreams"`, true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams https://w3id.org/security/v1"`, true},
		{"application/ld+json", false},
		{`application/ld+json; profile="https://example.com/ns"`, false},
		{"application/json", false},
		{"application/json; charset=utf-8", false},
		{"text/html; charset=utf-8", false},
		{"text/plain", false},
		{"", false},
	}
	for _, tt := range tests {
		srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tt.ct)
			fmt.Fprintf(w, `{"id":%q}`, selfURL(r))
		}))
		_, err := loopbackFetcher(FetcherConfig{}).FetchAS2(t.Context(), srv.URL+"/note")
		if tt.ok && err != nil {
			t.Errorf("%q: %v", tt.ct, err)
		}
		if !tt.ok && !errors.Is(err, ErrNotAS2) {
			t.Errorf("%q: err = %v, want ErrNotAS2", tt.ct, err)
		}
	}
}

func TestFetchAS2RefusesOversizedBody(t *testing.T) {
	const limit = 1024
	big := fmt.Sprintf(`{"id":"x","pad":%q}`, strings.Repeat("a", 4*limit))
	withLength := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", asType)
		w.Header().Set("Content-Length", fmt.Sprint(len(big)))
		io.WriteString(w, big)
	}
	chunked := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", asType)
		io.WriteString(w, big[:10])
		w.(http.Flusher).Flush() // headers go out without a Content-Length
		io.WriteString(w, big[10:])
	}
	for name, h := range map[string]http.HandlerFunc{"Content-Length": withLength, "chunked": chunked} {
		srv := newServer(t, h)
		_, err := loopbackFetcher(FetcherConfig{MaxBody: limit}).FetchAS2(t.Context(), srv.URL+"/note")
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err = %v, want ErrTooLarge", name, err)
		}
	}
}

func TestFetchAS2ChecksContentLengthBeforeReading(t *testing.T) {
	// The server announces a large body and then stalls: only a Content-Length check
	// answers before the overall timeout.
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", asType)
		w.Header().Set("Content-Length", "5000000")
		io.WriteString(w, "{")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	start := time.Now()
	_, err := loopbackFetcher(FetcherConfig{Timeout: 3 * time.Second}).FetchAS2(t.Context(), srv.URL+"/note")
	wantErr(t, err, ErrTooLarge)
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v: body was read before the Content-Length check", d)
	}
}

func TestFetchAS2ChecksID(t *testing.T) {
	tests := []struct {
		name string
		body func(self string) string
		want error
	}{
		{"other host", func(string) string { return `{"id":"https://victim.example/users/alice"}` }, ErrIDMismatch},
		{"trailing slash", func(s string) string { return fmt.Sprintf(`{"id":%q}`, s+"/") }, ErrIDMismatch},
		{"no id", func(string) string { return `{"type":"Note"}` }, ErrIDMismatch},
		{"id not a string", func(string) string { return `{"id":["x"]}` }, ErrIDMismatch},
		{"array", func(s string) string { return fmt.Sprintf(`[{"id":%q}]`, s) }, ErrNotJSON},
		{"null", func(string) string { return `null` }, ErrNotJSON},
		{"trailing data", func(s string) string { return fmt.Sprintf(`{"id":%q} {"id":"x"}`, s) }, ErrNotJSON},
	}
	for _, tt := range tests {
		srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", asType)
			io.WriteString(w, tt.body(selfURL(r)))
		}))
		_, err := loopbackFetcher(FetcherConfig{}).FetchAS2(t.Context(), srv.URL+"/note")
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestFetchAS2RedirectIDMustBeFinalURL(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/@alice", http.RedirectHandler("/users/alice", http.StatusMovedPermanently))
	mux.HandleFunc("/users/alice", serveDoc)
	mux.Handle("/old", http.RedirectHandler("/new", http.StatusFound))
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", asType)
		// claims to be the URL we asked for, not the one it was served from
		fmt.Fprintf(w, `{"id":%q}`, "http://"+r.Host+"/old")
	})
	srv := newServer(t, mux)
	f := loopbackFetcher(FetcherConfig{})

	doc, err := f.FetchAS2(t.Context(), srv.URL+"/@alice")
	if err != nil {
		t.Fatal(err)
	}
	if doc.URL != srv.URL+"/users/alice" || doc.ID != doc.URL {
		t.Errorf("doc URL %q id %q", doc.URL, doc.ID)
	}

	_, err = f.FetchAS2(t.Context(), srv.URL+"/old")
	wantErr(t, err, ErrIDMismatch)
}

func TestFetchAS2StatusErrors(t *testing.T) {
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		code       int
		retryAfter string
		want       error
		minRetry   time.Duration
		maxRetry   time.Duration
	}{
		{http.StatusGone, "", ErrGone, 0, 0},
		{http.StatusNotFound, "", ErrNotFound, 0, 0},
		{http.StatusServiceUnavailable, "120", ErrHTTPStatus, 2 * time.Minute, 2 * time.Minute},
		{http.StatusTooManyRequests, date, ErrHTTPStatus, 80 * time.Second, 90 * time.Second},
		{http.StatusUnauthorized, "", ErrHTTPStatus, 0, 0},
		{http.StatusInternalServerError, "soon", ErrHTTPStatus, 0, 0},
	}
	for _, tt := range tests {
		srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tt.retryAfter != "" {
				w.Header().Set("Retry-After", tt.retryAfter)
			}
			w.Header().Set("Content-Type", asType)
			w.WriteHeader(tt.code)
			fmt.Fprintf(w, `{"id":%q}`, selfURL(r))
		}))
		_, err := loopbackFetcher(FetcherConfig{}).FetchAS2(t.Context(), srv.URL+"/note")
		se, ok := errors.AsType[*StatusError](err)
		if !ok || se.Code != tt.code || !errors.Is(err, tt.want) || !errors.Is(err, ErrHTTPStatus) {
			t.Errorf("%d: err = %v, want %v", tt.code, err, tt.want)
			continue
		}
		if se.RetryAfter < tt.minRetry || se.RetryAfter > tt.maxRetry {
			t.Errorf("%d: RetryAfter %v, want %v..%v", tt.code, se.RetryAfter, tt.minRetry, tt.maxRetry)
		}
		if tt.code != http.StatusGone && errors.Is(err, ErrGone) {
			t.Errorf("%d matches ErrGone", tt.code)
		}
	}
}

func TestFetchRetryAfterParsing(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := map[string]time.Duration{
		"":                              0,
		"120":                           2 * time.Minute,
		" 5 ":                           5 * time.Second,
		"-3":                            0,
		"abc":                           0,
		"Thu, 02 Jan 2025 03:05:05 GMT": time.Minute,
		"Thu, 02 Jan 2025 03:00:00 GMT": 0, // in the past
	}
	for in, want := range tests {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// stall waits until the client gives up (or a bound, so a broken test cannot hang).
func stall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func TestFetchAS2TimesOutOnSlowServer(t *testing.T) {
	slowHeaders := func(w http.ResponseWriter, r *http.Request) { stall(r) }
	slowBody := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", asType)
		io.WriteString(w, `{"id":`)
		w.(http.Flusher).Flush()
		stall(r)
	}
	for name, h := range map[string]http.HandlerFunc{"headers": slowHeaders, "body": slowBody} {
		srv := newServer(t, h)
		start := time.Now()
		_, err := loopbackFetcher(FetcherConfig{Timeout: 200 * time.Millisecond}).FetchAS2(t.Context(), srv.URL+"/note")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("slow %s: err = %v, want a deadline error", name, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("slow %s: gave up after %v", name, d)
		}
	}
}

func TestFetchJSONAcceptsJRD(t *testing.T) {
	rec := newRecorder()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		w.Header().Set("Content-Type", "application/jrd+json; charset=utf-8")
		io.WriteString(w, `{"subject":"acct:alice@example.com"}`)
	}))
	wf := srv.URL + "/.well-known/webfinger?resource=acct:alice@example.com"
	body, err := loopbackFetcher(FetcherConfig{}).FetchJSON(t.Context(), wf, "application/jrd+json")
	if err != nil {
		t.Fatal(err)
	}
	h, _ := rec.header("/.well-known/webfinger")
	if !strings.Contains(string(body), "acct:alice") || h.Get("Accept") != "application/jrd+json" {
		t.Errorf("body %s, Accept %q", body, h.Get("Accept"))
	}
}

func TestFetchJSONRefusesNonJSON(t *testing.T) {
	tests := []struct{ ct, body string }{
		{"text/html", `{"a":1}`},
		{"application/xml", `{"a":1}`},
		{"application/json", `<html>`},
	}
	for _, tt := range tests {
		srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tt.ct)
			io.WriteString(w, tt.body)
		}))
		_, err := loopbackFetcher(FetcherConfig{}).FetchJSON(t.Context(), srv.URL+"/nodeinfo", "application/json")
		if !errors.Is(err, ErrNotJSON) {
			t.Errorf("%s %s: err = %v, want ErrNotJSON", tt.ct, tt.body, err)
		}
	}
}

func TestFetchJSONRefusesLoopbackWithoutAllowList(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(serveDoc))
	_, err := NewFetcher(FetcherConfig{}).FetchJSON(t.Context(), srv.URL+"/nodeinfo", "application/json")
	wantErr(t, err, ErrBlockedAddress)
}

func TestFetcherClientDoesNotFollowRedirects(t *testing.T) {
	hits := &hitCounter{h: serveDoc}
	target := newServer(t, hits)
	srv := newServer(t, http.RedirectHandler(target.URL+"/inbox", http.StatusTemporaryRedirect))
	resp, err := loopbackFetcher(FetcherConfig{}).Client().Post(srv.URL+"/inbox", asType, strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || hits.n.Load() != 0 {
		t.Errorf("status %d, redirect target hit %d times", resp.StatusCode, hits.n.Load())
	}
}

func TestFetcherClientRefusesLoopbackWithoutAllowList(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(serveDoc))
	resp, err := NewFetcher(FetcherConfig{}).Client().Post(srv.URL+"/inbox", asType, strings.NewReader("{}"))
	if err == nil {
		resp.Body.Close()
	}
	wantErr(t, err, ErrBlockedAddress)
}

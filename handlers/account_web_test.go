package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// browser is a client with cookies against a TLS test server (the server's cookies are
// Secure, as under https in production).
type browser struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
}

func newBrowser(t *testing.T, h http.Handler) *browser {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	c := srv.Client()
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: t, srv: srv, c: c}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) post(path string, form url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formSecret is the CSRF secret in a page's forms.
func (b *browser) formSecret(page string) string {
	b.t.Helper()
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no form secret in %s", page)
	}
	return m[1]
}

func TestFirstRunSignOutAndSignIn(t *testing.T) {
	h, _ := newServer(t, nil)
	b := newBrowser(t, h)
	home, page := b.get("/")
	if home.StatusCode != http.StatusOK || !strings.Contains(page, `href="/setup"`) {
		t.Fatalf("home on a new instance = %d, want a link to /setup", home.StatusCode)
	}
	if resp, _ := b.get("/signup"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/setup" {
		t.Errorf("/signup before any account = %d to %q, want /setup", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, page := b.get("/setup")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/setup = %d", resp.StatusCode)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	// Under https the cookies carry the __Host- prefix: no subdomain can plant them.
	var formCookie *http.Cookie
	for _, c := range home.Cookies() {
		if c.Name == "__Host-convene_csrf" {
			formCookie = c
		}
	}
	if formCookie == nil || !formCookie.HttpOnly || !formCookie.Secure || formCookie.SameSite != http.SameSiteLaxMode ||
		formCookie.Path != "/" || formCookie.Domain != "" {
		t.Errorf("form cookie %+v: want __Host-convene_csrf, HttpOnly, Secure, SameSite=Lax, Path=/, no Domain", formCookie)
	}
	secret := b.formSecret(page)
	form := url.Values{"csrf": {secret}, "username": {"ada"}, "email": {"ada@example.org"}, "password": {"short"}}
	if resp, page := b.post("/setup", form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `role="alert"`) ||
		!strings.Contains(page, `value="ada@example.org"`) {
		t.Errorf("a too short password = %d; want 422 with the form filled again", resp.StatusCode)
	}
	form.Set("password", "correct horse battery")
	resp, _ = b.post("/setup", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("setup = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-convene_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax", session)
	}
	_, page = b.get("/")
	if !strings.Contains(page, `href="/u/ada"`) || strings.Contains(page, `href="/setup"`) {
		t.Errorf("home after setup does not show ada signed in")
	}
	if resp, _ := b.get("/setup"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("/setup once set up = %d, want a redirect", resp.StatusCode)
	}

	// Sign out (the form secret is now the session's), then in again.
	if resp, _ := b.post("/logout", url.Values{"csrf": {secret}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-out with the visitor's old secret = %d, want 403", resp.StatusCode)
	}
	if resp, _ := b.post("/logout", url.Values{"csrf": {b.formSecret(page)}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-out = %d", resp.StatusCode)
	}
	if _, page := b.get("/"); strings.Contains(page, `href="/u/ada"`) {
		t.Error("still signed in after signing out")
	}
	_, page = b.get("/login?next=/tags/commons")
	secret = b.formSecret(page)
	login := url.Values{"csrf": {secret}, "login": {"ada"}, "password": {"wrong password"}, "next": {"/tags/commons"}}
	if resp, page := b.post("/login", login); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "wrong username or password") {
		t.Errorf("a wrong password = %d", resp.StatusCode)
	}
	login.Set("password", "correct horse battery")
	if resp, _ := b.post("/login", login, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a sign-in posted from another site = %d, want 403", resp.StatusCode)
	}
	login.Set("csrf", "")
	if resp, _ := b.post("/login", login); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a sign-in without the form secret = %d, want 403", resp.StatusCode)
	}
	login.Set("csrf", secret)
	if resp, _ := b.post("/login", login); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tags/commons" {
		t.Errorf("sign-in = %d to %q, want back to /tags/commons", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestSignUpUnderApprovalAndSignInRedirectsOnlyLocally(t *testing.T) {
	h, svc := newServer(t, nil) // approval registration
	mustAccount(t, svc, "olga")
	b := newBrowser(t, h)
	_, page := b.get("/signup")
	if !strings.Contains(page, "approves new accounts") {
		t.Error("the sign-up page does not say accounts need approval")
	}
	form := url.Values{"csrf": {b.formSecret(page)}, "username": {"ben"}, "email": {"ben@example.org"},
		"password": {"correct horse battery"}, "timezone": {"Europe/Rome"}}
	if resp, page := b.post("/signup", form); resp.StatusCode != http.StatusOK || !strings.Contains(page, "waits for a moderator") {
		t.Errorf("sign-up under approval = %d", resp.StatusCode)
	}
	login := url.Values{"csrf": form["csrf"], "login": {"ben"}, "password": {"correct horse battery"}}
	if resp, page := b.post("/login", login); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "waiting for approval") {
		t.Errorf("signing in before approval = %d", resp.StatusCode)
	}
	// Browsers drop tabs and read a backslash as a slash; http.Redirect cleans "/a/../\\x" to
	// "/\\x": each would leave the site.
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example",
		"/\t/evil.example/", "/a/../\\evil.example/", "/./\\evil.example", "/x\\..\\\\evil.example"} {
		b := newBrowser(t, h)
		_, page := b.get("/login")
		login = url.Values{"csrf": {b.formSecret(page)}, "login": {"olga"}, "password": {"correct horse battery"}, "next": {next}}
		if resp, _ := b.post("/login", login); resp.Header.Get("Location") != "/" {
			t.Errorf("next=%q sent the browser to %q, want /", next, resp.Header.Get("Location"))
		}
		// A browser already signed in is sent on from the sign-in page at once.
		if resp, _ := b.get("/login?next=" + url.QueryEscape(next)); resp.Header.Get("Location") != "/" {
			t.Errorf("signed in, /login?next=%q sent the browser to %q, want /", next, resp.Header.Get("Location"))
		}
	}
}

func mustAccount(t *testing.T, svc *service.Service, name string) {
	t.Helper()
	_, err := svc.CreateAccount(convene.WithOperator(context.Background()), service.AccountCreate{Username: name,
		Email: name + "@example.org", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
}

package handlers_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// apiCall sends an API request: body is JSON when it starts with "{", a form otherwise.
func (b *browser) apiCall(method, path, body, token string) (*http.Response, map[string]any) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	if strings.HasPrefix(body, "{") {
		req.Header.Set("Content-Type", "application/json")
	} else if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		b.t.Fatalf("%s %s = %d, not a JSON object: %s", method, path, resp.StatusCode, raw)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		b.t.Errorf("%s %s content type = %q", method, path, ct)
	}
	return resp, m
}

type testApp struct{ clientID, secret string }

func (b *browser) registerApp(redirectURIs string) testApp {
	b.t.Helper()
	resp, m := b.apiCall(http.MethodPost, "/api/v1/apps", url.Values{"client_name": {"Tusky"},
		"redirect_uris": {redirectURIs}, "scopes": {"read write follow push"}, "website": {"https://tusky.app"}}.Encode(), "")
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("register app = %d %v", resp.StatusCode, m)
	}
	return testApp{m["client_id"].(string), m["client_secret"].(string)}
}

func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestAppsRegistrationAcceptsJSONFormAndQuery(t *testing.T) {
	h, _ := newServer(t, nil)
	b := newBrowser(t, h)
	for name, call := range map[string]func() (*http.Response, map[string]any){
		"json": func() (*http.Response, map[string]any) {
			return b.apiCall(http.MethodPost, "/api/v1/apps", `{"client_name":"Elk","redirect_uris":["https://elk.zone/cb","icecubesapp://"],"scopes":"read write follow push","website":"https://elk.zone"}`, "")
		},
		"form": func() (*http.Response, map[string]any) {
			return b.apiCall(http.MethodPost, "/api/v1/apps", "client_name=Elk&redirect_uris=https%3A%2F%2Felk.zone%2Fcb%0Aicecubesapp%3A%2F%2F&scopes=read+write+follow+push&website=https%3A%2F%2Felk.zone", "")
		},
		"query": func() (*http.Response, map[string]any) {
			return b.apiCall(http.MethodPost, "/api/v1/apps?client_name=Elk&redirect_uris=https%3A%2F%2Felk.zone%2Fcb%0Aicecubesapp%3A%2F%2F&scopes=read+write+follow+push&website=https%3A%2F%2Felk.zone", "", "")
		},
	} {
		resp, m := call()
		if resp.StatusCode != http.StatusOK || m["name"] != "Elk" || m["website"] != "https://elk.zone" ||
			m["redirect_uri"] != "https://elk.zone/cb\nicecubesapp://" || len(m["client_id"].(string)) != 43 ||
			len(m["client_secret"].(string)) != 43 || m["vapid_key"] != "" || m["id"] == "" {
			t.Errorf("%s registration = %d %v", name, resp.StatusCode, m)
		}
		if uris, _ := m["redirect_uris"].([]any); len(uris) != 2 {
			t.Errorf("%s redirect_uris = %v", name, m["redirect_uris"])
		}
		if scopes, _ := m["scopes"].([]any); len(scopes) != 4 {
			t.Errorf("%s scopes = %v", name, m["scopes"])
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "data:text/html,x", "vbscript:x", "not a uri"} {
		resp, m := b.apiCall(http.MethodPost, "/api/v1/apps", url.Values{"client_name": {"x"}, "redirect_uris": {bad}}.Encode(), "")
		if resp.StatusCode != http.StatusUnprocessableEntity || m["error"] == "" {
			t.Errorf("redirect %q = %d %v, want 422", bad, resp.StatusCode, m)
		}
	}
	if resp, m := b.apiCall(http.MethodPost, "/api/v1/apps", `{"client_name":`, ""); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("broken JSON = %d %v", resp.StatusCode, m)
	}
}

var codeInLocation = regexp.MustCompile(`[?&]code=([^&]+)`)

func TestOAuthCodeFlowWithPKCEThroughTheConsentPage(t *testing.T) {
	clock := time.Now()
	h, svc := newTestServer(t, testServer{now: func() time.Time { return clock }})
	mustCreateAccountH(t, svc, "alice")
	b := newBrowser(t, h)
	redirect := "https://app.example/cb?keep=1"
	app := b.registerApp(redirect + "\n" + "oauth2redirect://com.keylesspalace.tusky/")
	verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	authorize := "/oauth/authorize?" + url.Values{"client_id": {app.clientID}, "redirect_uri": {redirect},
		"response_type": {"code"}, "scope": {"read write"}, "state": {"s t&ate"},
		"code_challenge": {pkceChallenge(verifier)}, "code_challenge_method": {"S256"}}.Encode()

	// A visitor signs in first and comes back.
	resp, _ := b.get(authorize)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(authorize) {
		t.Fatalf("visitor at authorize = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := b.get(resp.Header.Get("Location"))
	resp, _ = b.post("/login", url.Values{"csrf": {b.formSecret(page)}, "login": {"alice"}, "password": {"correct horse battery"},
		"next": {authorize}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != authorize {
		t.Fatalf("sign-in = %d to %q, want back to authorize", resp.StatusCode, resp.Header.Get("Location"))
	}
	consent := func() string {
		resp, page := b.get(authorize)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Authorize Tusky?") || !strings.Contains(page, "@alice") ||
			!strings.Contains(page, "post, reply, like") {
			t.Fatalf("consent page = %d:\n%s", resp.StatusCode, page)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Error("the consent page allows other origins")
		}
		return page
	}
	decide := func(decision string) *http.Response {
		page := consent()
		form := url.Values{"csrf": {b.formSecret(page)}, "decision": {decision}}
		for _, f := range []string{"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method"} {
			m := regexp.MustCompile(`name="` + f + `" value="([^"]*)"`).FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no %s in the form", f)
			}
			form.Set(f, html.UnescapeString(m[1]))
		}
		resp, _ := b.post("/oauth/authorize", form)
		return resp
	}

	resp = decide("deny")
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Host != "app.example" || loc.Query().Get("error") != "access_denied" ||
		loc.Query().Get("state") != "s t&ate" || loc.Query().Get("keep") != "1" || loc.Query().Get("code") != "" {
		t.Fatalf("deny = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	code := func() string {
		resp := decide("approve")
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || loc.Scheme != "https" || loc.Host != "app.example" || loc.Path != "/cb" ||
			loc.Query().Get("keep") != "1" || loc.Query().Get("state") != "s t&ate" || loc.Query().Get("code") == "" {
			t.Fatalf("approve = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		return loc.Query().Get("code")
	}
	exchange := func(code, verifier string) (*http.Response, map[string]any) {
		return b.apiCall(http.MethodPost, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"client_id": {app.clientID}, "client_secret": {app.secret}, "redirect_uri": {redirect},
			"code_verifier": {verifier}, "scope": {"read write follow push"}}.Encode(), "")
	}

	// A wrong verifier is refused, and spends the code.
	c := code()
	if resp, m := exchange(c, "wrong-verifier-wrong-verifier-wrong-verifier"); resp.StatusCode != http.StatusBadRequest || m["error"] != "invalid_grant" || m["error_description"] == "" {
		t.Errorf("wrong verifier = %d %v", resp.StatusCode, m)
	}
	if resp, m := exchange(c, verifier); resp.StatusCode != http.StatusBadRequest || m["error"] != "invalid_grant" {
		t.Errorf("code after a failed exchange = %d %v", resp.StatusCode, m)
	}

	c = code()
	resp, tok := exchange(c, verifier)
	if resp.StatusCode != http.StatusOK || tok["token_type"] != "Bearer" || tok["scope"] != "read write" || tok["created_at"] == nil {
		t.Fatalf("exchange = %d %v", resp.StatusCode, tok)
	}
	if resp, m := exchange(c, verifier); resp.StatusCode != http.StatusBadRequest || m["error"] != "invalid_grant" {
		t.Errorf("used code = %d %v", resp.StatusCode, m)
	}
	resp, m := b.apiCall(http.MethodGet, "/api/v1/apps/verify_credentials", "", tok["access_token"].(string))
	if resp.StatusCode != http.StatusOK || m["name"] != "Tusky" || m["client_secret"] != nil {
		t.Errorf("verify_credentials = %d %v", resp.StatusCode, m)
	}

	// Codes expire after ten minutes.
	c = code()
	clock = clock.Add(11 * time.Minute)
	if resp, m := exchange(c, verifier); resp.StatusCode != http.StatusBadRequest || m["error"] != "invalid_grant" {
		t.Errorf("expired code = %d %v", resp.StatusCode, m)
	}
}

func mustCreateAccountH(t *testing.T, svc *service.Service, name string) {
	t.Helper()
	if _, err := svc.CreateAccount(convene.WithOperator(context.Background()), service.AccountCreate{Username: name,
		Email: name + "@example.org", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
}

func TestAuthorizeRefusesUnknownClientsAndRedirects(t *testing.T) {
	h, svc := newServer(t, nil)
	mustCreateAccountH(t, svc, "alice")
	b := signIn(t, h, "alice", "correct horse battery")
	app := b.registerApp("https://app.example/cb")
	for _, q := range []url.Values{
		{"client_id": {"unknown"}, "redirect_uri": {"https://app.example/cb"}, "response_type": {"code"}},
		{"client_id": {app.clientID}, "redirect_uri": {"https://evil.example/cb"}, "response_type": {"code"}},
		{"client_id": {app.clientID}, "redirect_uri": {"https://app.example/cb"}, "response_type": {"code"}, "scope": {"admin:read"}},
	} {
		for _, path := range []string{"/oauth/authorize", "/oauth/authorize/"} {
			resp, page := b.get(path + "?" + q.Encode())
			if resp.StatusCode < 400 || resp.Header.Get("Location") != "" || !strings.Contains(page, "<html") {
				t.Errorf("%s?%s = %d to %q, want an error page", path, q.Encode(), resp.StatusCode, resp.Header.Get("Location"))
			}
		}
	}
	// Nothing is authorized by a POST that did not come from the page's form.
	resp, _ := b.post("/oauth/authorize", url.Values{"client_id": {app.clientID}, "redirect_uri": {"https://app.example/cb"},
		"response_type": {"code"}, "decision": {"approve"}})
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Location") != "" {
		t.Errorf("POST without the form secret = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestAuthorizeOOBShowsTheCode(t *testing.T) {
	h, svc := newServer(t, nil)
	mustCreateAccountH(t, svc, "alice")
	b := signIn(t, h, "alice", "correct horse battery")
	app := b.registerApp(convene.OOBRedirectURI)
	// The only redirect URI may be left out; the trailing slash is served too.
	resp, page := b.get("/oauth/authorize/?response_type=code&client_id=" + url.QueryEscape(app.clientID))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize = %d", resp.StatusCode)
	}
	resp, page = b.post("/oauth/authorize/", url.Values{"csrf": {b.formSecret(page)}, "decision": {"approve"},
		"client_id": {app.clientID}, "redirect_uri": {convene.OOBRedirectURI}, "response_type": {"code"}})
	m := regexp.MustCompile(`<code class="oauth-code">([^<]+)</code>`).FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Location") != "" || m == nil {
		t.Fatalf("OOB approve = %d to %q:\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
	}
	resp, tok := b.apiCall(http.MethodPost, "/oauth/token", `{"grant_type":"authorization_code","code":"`+m[1]+
		`","client_id":"`+app.clientID+`","client_secret":"`+app.secret+`","redirect_uri":"`+convene.OOBRedirectURI+`"}`, "")
	if resp.StatusCode != http.StatusOK || tok["scope"] != "read" {
		t.Errorf("OOB exchange = %d %v", resp.StatusCode, tok)
	}
}

func TestAuthorizeForceLoginSignsOutFirst(t *testing.T) {
	h, svc := newServer(t, nil)
	mustCreateAccountH(t, svc, "alice")
	b := signIn(t, h, "alice", "correct horse battery")
	app := b.registerApp("icecubesapp://")
	q := url.Values{"client_id": {app.clientID}, "redirect_uri": {"icecubesapp://"}, "response_type": {"code"}}
	resp, _ := b.get("/oauth/authorize?" + q.Encode() + "&force_login=true")
	want := "/login?next=" + url.QueryEscape("/oauth/authorize?"+q.Encode())
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("force_login = %d to %q, want %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	// Signed out: the page asks to sign in again, and the redirect carries no force_login.
	if resp, _ := b.get("/oauth/authorize?" + q.Encode()); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/login?") {
		t.Errorf("after force_login = %d to %q, want sign-in", resp.StatusCode, resp.Header.Get("Location"))
	}
	// An app's own scheme gets its code.
	b = signIn(t, h, "alice", "correct horse battery")
	_, page := b.get("/oauth/authorize?" + q.Encode())
	resp, _ = b.post("/oauth/authorize", url.Values{"csrf": {b.formSecret(page)}, "decision": {"approve"},
		"client_id": {app.clientID}, "redirect_uri": {"icecubesapp://"}, "response_type": {"code"}, "state": {"42"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "icecubesapp://?") ||
		codeInLocation.FindStringSubmatch(loc) == nil || !strings.Contains(loc, "state=42") {
		t.Errorf("approve to icecubesapp:// = %d to %q", resp.StatusCode, loc)
	}
}

func TestPasswordGrantAndItsThrottle(t *testing.T) {
	h, svc := newServer(t, nil)
	mustCreateAccountH(t, svc, "alice")
	b := newBrowser(t, h)
	app := b.registerApp(convene.OOBRedirectURI)
	grant := func(password string) (*http.Response, map[string]any) {
		return b.apiCall(http.MethodPost, "/oauth/token", `{"grant_type":"password","username":"alice","password":"`+password+
			`","client_id":"`+app.clientID+`","client_secret":"`+app.secret+`","scope":"read write"}`, "")
	}
	resp, tok := grant("correct horse battery")
	if resp.StatusCode != http.StatusOK || tok["scope"] != "read write" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("password grant = %d %v", resp.StatusCode, tok)
	}
	if resp, m := grant("wrong"); resp.StatusCode != http.StatusBadRequest || m["error"] != "invalid_grant" {
		t.Errorf("wrong password = %d %v", resp.StatusCode, m)
	}
	bad := `{"grant_type":"password","username":"alice","password":"x","client_id":"` + app.clientID + `","client_secret":"nope"}`
	if resp, m := b.apiCall(http.MethodPost, "/oauth/token", bad, ""); resp.StatusCode != http.StatusUnauthorized || m["error"] != "invalid_client" {
		t.Errorf("wrong client secret = %d %v", resp.StatusCode, m)
	}
	if resp, m := b.apiCall(http.MethodPost, "/oauth/token", "grant_type=implicit&client_id="+app.clientID, ""); resp.StatusCode != http.StatusBadRequest ||
		m["error"] != "unsupported_grant_type" {
		t.Errorf("unknown grant = %d %v", resp.StatusCode, m)
	}
	// The web sign-in's limit: 25 attempts in 5 minutes from one address, right or wrong.
	var last *http.Response
	for range 24 {
		last, _ = grant("wrong")
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Errorf("attempt 26 = %d, want 429", last.StatusCode)
	}
	if resp, m := grant("correct horse battery"); resp.StatusCode != http.StatusTooManyRequests || m["error"] == "" {
		t.Errorf("right password while throttled = %d %v", resp.StatusCode, m)
	}
}

func TestClientCredentialsRevokeThen401(t *testing.T) {
	h, svc := newServer(t, nil)
	mustCreateAccountH(t, svc, "alice")
	b := newBrowser(t, h)
	app := b.registerApp(convene.OOBRedirectURI)
	resp, tok := b.apiCall(http.MethodPost, "/oauth/token", "grant_type=client_credentials&client_id="+url.QueryEscape(app.clientID)+
		"&client_secret="+url.QueryEscape(app.secret), "")
	if resp.StatusCode != http.StatusOK || tok["scope"] != "read" {
		t.Fatalf("client credentials = %d %v", resp.StatusCode, tok)
	}
	token := tok["access_token"].(string)
	if resp, m := b.apiCall(http.MethodGet, "/api/v1/apps/verify_credentials", "", token); resp.StatusCode != http.StatusOK || m["name"] != "Tusky" {
		t.Errorf("verify with an app token = %d %v", resp.StatusCode, m)
	}
	// The token may also come as a parameter.
	if resp, _ := b.apiCall(http.MethodGet, "/api/v1/apps/verify_credentials?access_token="+url.QueryEscape(token), "", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("access_token parameter = %d", resp.StatusCode)
	}
	resp, m := b.apiCall(http.MethodPost, "/oauth/revoke", `{"token":"`+token+`","client_id":"`+app.clientID+`","client_secret":"`+app.secret+`"}`, "")
	if resp.StatusCode != http.StatusOK || len(m) != 0 {
		t.Fatalf("revoke = %d %v", resp.StatusCode, m)
	}
	for _, tk := range []string{token, "", "never-issued"} {
		resp, m := b.apiCall(http.MethodGet, "/api/v1/apps/verify_credentials", "", tk)
		if resp.StatusCode != http.StatusUnauthorized || m["error"] == "" || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("token %q = %d %v, want 401", tk, resp.StatusCode, m)
		}
	}
}

func TestAPICORSAndJSON404(t *testing.T) {
	h, _ := newServer(t, nil)
	b := newBrowser(t, h)
	for _, path := range []string{"/api/v1/apps", "/oauth/token", "/oauth/revoke", "/.well-known/oauth-authorization-server", "/nodeinfo/2.0"} {
		req, _ := http.NewRequest(http.MethodOptions, b.srv.URL+path, nil)
		req.Header.Set("Origin", "https://elk.zone")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,idempotency-key,content-type")
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		hd := resp.Header
		if resp.StatusCode != http.StatusNoContent || hd.Get("Access-Control-Allow-Origin") != "*" ||
			hd.Get("Access-Control-Allow-Headers") != "authorization,idempotency-key,content-type" ||
			!strings.Contains(hd.Get("Access-Control-Allow-Methods"), "PATCH") || hd.Get("Access-Control-Expose-Headers") != "Link" {
			t.Errorf("preflight %s = %d %v", path, resp.StatusCode, hd)
		}
	}
	resp, m := b.apiCall(http.MethodGet, "/.well-known/oauth-authorization-server", "", "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		resp.Header.Get("Access-Control-Expose-Headers") != "Link" || m["issuer"] != "https://convene.test/" ||
		m["authorization_endpoint"] != "https://convene.test/oauth/authorize" || m["token_endpoint"] != "https://convene.test/oauth/token" ||
		m["revocation_endpoint"] != "https://convene.test/oauth/revoke" || m["app_registration_endpoint"] != "https://convene.test/api/v1/apps" {
		t.Errorf("server metadata = %d %v", resp.StatusCode, m)
	}
	if s, _ := m["code_challenge_methods_supported"].([]any); len(s) != 1 || s[0] != "S256" {
		t.Errorf("code_challenge_methods_supported = %v", m["code_challenge_methods_supported"])
	}
	if s, _ := m["scopes_supported"].([]any); len(s) < 20 {
		t.Errorf("scopes_supported = %v", m["scopes_supported"])
	}
	resp, m = b.apiCall(http.MethodGet, "/api/v1/no/such/thing", "", "")
	if resp.StatusCode != http.StatusNotFound || m["error"] == "" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("unknown API path = %d %v", resp.StatusCode, m)
	}
	// Web pages stay same-origin.
	if resp, _ := b.get("/login"); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("/login allows other origins")
	}
}

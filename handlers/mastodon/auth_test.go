package mastodon

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

func newTestAPI(t *testing.T) (*API, *service.Service) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	iris := federation.NewIRIs("https", "convene.test")
	svc := service.New(service.Config{Store: dbtest.OpenSQLite(t), IRIs: iris, Logger: log})
	render, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Service: svc, Logger: log, Domain: "convene.test", Protocol: "https", Version: "1.2.3",
		IRIs: iris, Renderer: render}), svc
}

// passwordToken registers an app with scopes and returns alice's token with scope.
func passwordToken(t *testing.T, svc *service.Service, scope string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.FindAccount(ctx, "alice"); err != nil {
		if _, err := svc.CreateAccount(convene.WithOperator(ctx), service.AccountCreate{Username: "alice",
			Email: "alice@example.org", Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
	}
	app, secret, err := svc.RegisterApp(ctx, service.AppCreate{Name: "script", RedirectURIs: []string{convene.OOBRedirectURI},
		Scopes: "read write follow"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.PasswordGrant(ctx, service.ClientAuth{ClientID: app.ClientID, ClientSecret: secret}, "alice",
		"correct horse battery", scope, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

func TestAuthEnforcesScopesAndSetsThePrincipal(t *testing.T) {
	a, svc := newTestAPI(t)
	var seen convene.Principal
	var seenToken *convene.OAuthToken
	ok := func(w http.ResponseWriter, r *http.Request) {
		seen, seenToken = convene.PrincipalFrom(r.Context()), TokenFrom(r.Context())
		a.writeJSON(w, r, http.StatusOK, struct{}{})
	}
	read, write := passwordToken(t, svc, "read"), passwordToken(t, svc, "write:statuses")
	follow := passwordToken(t, svc, "follow")
	for _, c := range []struct {
		scope, token string
		want         int
	}{
		{"write:statuses", read, http.StatusForbidden},
		{"write:statuses", write, http.StatusOK},
		{"read:statuses", read, http.StatusOK},
		{"read:statuses", write, http.StatusForbidden},
		{"write:follows", follow, http.StatusOK},
		{"write:follows", read, http.StatusForbidden},
		{"read:accounts profile", read, http.StatusOK},
		{"", write, http.StatusOK},
		{"read", "unknown", http.StatusUnauthorized},
		{"read", "", http.StatusUnauthorized},
	} {
		seen, seenToken = convene.Principal{}, nil
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api/v1/x", nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		a.auth(c.scope, ok)(rec, req)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != c.want {
			t.Errorf("scope %q with %.8s… = %d %s, want %d", c.scope, c.token, rec.Code, rec.Body, c.want)
			continue
		}
		if c.want != http.StatusOK {
			if body["error"] == "" || seenToken != nil {
				t.Errorf("scope %q refused without an error, or ran the handler: %s", c.scope, rec.Body)
			}
			continue
		}
		if seen.Account == nil || seen.Account.Username != "alice" || seenToken == nil || seenToken.ID == "" {
			t.Errorf("scope %q: principal %+v, token %+v", c.scope, seen, seenToken)
		}
	}
}

func TestParamsReadsJSONFormMultipartAndQuery(t *testing.T) {
	var mp strings.Builder
	mw := multipart.NewWriter(&mp)
	_ = mw.WriteField("scopes", "read write")
	_ = mw.WriteField("redirect_uris", "a://b")
	_ = mw.Close()
	for name, req := range map[string]*http.Request{
		"json": func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/x?scopes=query", strings.NewReader(`{"scopes":"read write","redirect_uris":["a://b"],"n":5,"b":true}`))
			r.Header.Set("Content-Type", "application/json; charset=utf-8")
			return r
		}(),
		"form": func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/x?scopes=query", strings.NewReader(url.Values{"scopes": {"read write"}, "redirect_uris": {"a://b"}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}(),
		"multipart": func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/x?scopes=query", strings.NewReader(mp.String()))
			r.Header.Set("Content-Type", mw.FormDataContentType())
			return r
		}(),
		"query": httptest.NewRequest(http.MethodPost, "/x?scopes=read+write&redirect_uris=a://b", nil),
	} {
		p, err := params(httptest.NewRecorder(), req)
		if err != nil || p.Get("scopes") != "read write" || !slices.Equal(p["redirect_uris"], []string{"a://b"}) {
			t.Errorf("%s: params = %v, %v", name, p, err)
		}
		if name == "json" && (p.Get("n") != "5" || p.Get("b") != "true") {
			t.Errorf("json numbers and booleans = %v", p)
		}
	}
	big := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(`{"a":"`+strings.Repeat("x", maxParamBody)+`"}`))
	big.Header.Set("Content-Type", "application/json")
	if _, err := params(httptest.NewRecorder(), big); convene.ErrorCode(err) != convene.EINVALID {
		t.Errorf("a body over the limit: %v", err)
	}
}

func TestAPIPathsIgnoreWebSessions(t *testing.T) {
	a, svc := newTestAPI(t)
	token := passwordToken(t, svc, "read")
	alice, err := svc.FindAccount(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	// What package handlers' withSession does for a browser signed in as alice.
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			next.ServeHTTP(w, req.WithContext(convene.WithPrincipal(req.Context(), convene.Principal{Account: alice})))
		})
	})
	var seen []string
	who := func(w http.ResponseWriter, req *http.Request) {
		name := "anonymous"
		if p := convene.PrincipalFrom(req.Context()); p.Account != nil {
			name = p.Account.Username
		}
		seen = append(seen, name)
		a.writeJSON(w, req, http.StatusOK, struct{}{})
	}
	r.HandleFunc("/api/v1/public", a.optionalAuth("read", who))
	r.HandleFunc("/elsewhere", who)
	a.Routes(r) // after: its JSON 404 takes every /api path not routed before it
	for _, c := range []struct{ path, token, want string }{
		{"/api/v1/public", "", "anonymous"},
		{"/api/v1/public", token, "alice"},
		{"/elsewhere", "", "alice"},
	} {
		seen = nil
		req := httptest.NewRequest(http.MethodPost, c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !slices.Equal(seen, []string{c.want}) {
			t.Errorf("%s (token %v) = %d as %v, want %s", c.path, c.token != "", rec.Code, seen, c.want)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/public", nil)
	req.Header.Set("Authorization", "Bearer wrong")
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("a wrong token on an open endpoint = %d, want 401", rec.Code)
	}
}

// Package mastodon is Convene's Mastodon client API (/api/v1, /api/v2) and its OAuth 2
// endpoints, so members can use the Mastodon apps they already like. It speaks JSON over the
// same service layer the web UI uses; the consent page (/oauth/authorize) lives with the web
// pages in package handlers, since it needs the web session.
package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// Config is what the API needs.
type Config struct {
	Service  *service.Service
	Logger   *slog.Logger
	Domain   string // public host
	Protocol string // scheme of public URLs
	Version  string // Convene's version
	IRIs     federation.IRIs
	Renderer *frontend.Renderer // serves the default avatar and header
	// ClientIP is the address a request came from (package handlers' rule for trusting a
	// proxy on loopback); the password grant's throttle counts per address. RemoteAddr's
	// host when nil.
	ClientIP func(*http.Request) string
}

// API serves the Mastodon client API. Create it with New and mount it with Routes.
type API struct {
	svc     *service.Service
	conv    Converter
	limit   *RateLimiter
	log     *slog.Logger
	domain  string
	base    string // https://domain
	version string
	ip      func(*http.Request) string
}

// New returns the API for cfg.
func New(cfg Config) *API {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	ip := cfg.ClientIP
	if ip == nil {
		ip = func(r *http.Request) string {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				return r.RemoteAddr
			}
			return host
		}
	}
	conv, err := NewConverter(cfg.IRIs, cfg.Renderer)
	if err != nil {
		// The images are embedded in the binary: only a broken build lacks them.
		panic(err)
	}
	return &API{svc: cfg.Service, conv: conv, limit: NewRateLimiter(), log: log, domain: cfg.Domain,
		base: cfg.Protocol + "://" + cfg.Domain, version: cfg.Version, ip: ip}
}

// Routes mounts the API on r: CORS for the paths browser clients call, the OAuth endpoints,
// the API routes, and a JSON 404 for any other /api path. Every API route must be
// registered here, before that catch-all: mux takes the first route that matches.
func (a *API) Routes(r *mux.Router) {
	r.Use(a.withCORS)
	// One matcher for method and path: a Methods() matcher would turn a GET of an unknown
	// /nodeinfo or /.well-known path into a 405 instead of a 404.
	r.MatcherFunc(func(r *http.Request, _ *mux.RouteMatch) bool {
		return r.Method == http.MethodOptions && corsPath(r.URL.Path)
	}).HandlerFunc(a.handlePreflight)
	a.oauthRoutes(r)
	a.apiRoutes(r)
	r.PathPrefix("/api/").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, http.StatusNotFound, "Record not found")
	})
}

// corsPath: where Mastodon's cors.rb lets any origin in.
func corsPath(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/oauth/token" || path == "/oauth/revoke" ||
		strings.HasPrefix(path, "/.well-known/") || strings.HasPrefix(path, "/nodeinfo/")
}

// corsMethods are what browser clients may send, as in Mastodon.
const corsMethods = "POST, PUT, DELETE, GET, PATCH, OPTIONS"

// withCORS lets browser clients (Elk, Phanpy) on other origins call the API and read the Link
// header they paginate with. No cookies are involved (no Allow-Credentials): the API
// authenticates with bearer tokens only, so on API paths the principal a web session cookie
// set is dropped: a form on another site must not act through a member's browser.
func (a *API) withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if corsPath(r.URL.Path) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "Link")
			h.Add("Vary", "Origin")
		}
		if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/oauth/token" || r.URL.Path == "/oauth/revoke" {
			r = r.WithContext(convene.WithPrincipal(r.Context(), convene.Principal{}))
		}
		next.ServeHTTP(w, r)
	})
}

// handlePreflight answers a CORS preflight: the requested headers are echoed, since a "*"
// does not cover Authorization.
func (a *API) handlePreflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", corsMethods)
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
	}
	h.Set("Access-Control-Max-Age", "7200")
	h.Add("Vary", "Access-Control-Request-Headers")
	w.WriteHeader(http.StatusNoContent)
}

// writeJSON answers with v as JSON.
func (a *API) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	if err := writeJSONBody(w, status, v); err != nil {
		a.log.ErrorContext(r.Context(), "encode response", "err", err, "path", r.URL.Path)
	}
}

// writeJSONBody answers with v as JSON, or with a JSON 500 when v cannot be encoded (the
// encoding error is returned for the caller to log).
func writeJSONBody(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"Internal error."}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
	return err
}

// apiError is every error body: {"error": "…"}, plus error_description for OAuth errors.
type apiError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func (a *API) writeError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	a.writeJSON(w, r, status, apiError{Error: msg})
}

// statusOf is the one map from error kinds to HTTP statuses, for the API and (through
// ErrorStatus) the web pages.
var statusOf = map[string]int{
	convene.EINVALID:      http.StatusUnprocessableEntity,
	convene.ENOTFOUND:     http.StatusNotFound,
	convene.ECONFLICT:     http.StatusConflict,
	convene.EFORBIDDEN:    http.StatusForbidden,
	convene.EUNAUTHORIZED: http.StatusUnauthorized,
	convene.ETOOMANY:      http.StatusTooManyRequests,
	convene.EINTERNAL:     http.StatusInternalServerError,
}

// ErrorStatus returns the HTTP status for err.
func ErrorStatus(err error) int {
	if status, ok := statusOf[convene.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// Error answers a failed API request: internal errors are logged and shown as "Internal
// error."; others show their user-safe message.
func (a *API) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := ErrorStatus(err)
	if status == http.StatusInternalServerError {
		a.log.ErrorContext(r.Context(), "api request failed", "err", err, "path", r.URL.Path)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	a.writeError(w, r, status, convene.ErrorMessage(err))
}

// oauthError answers a failed token or revoke request as RFC 6749 §5.2 says: the OAuth error
// code in "error" and the message in "error_description". Invalid grants are 400, bad client
// credentials 401.
func (a *API) oauthError(w http.ResponseWriter, r *http.Request, err error) {
	oe, ok := errors.AsType[*convene.OAuthError](err)
	if !ok {
		a.Error(w, r, err)
		return
	}
	status := http.StatusBadRequest
	switch oe.Kind {
	case "invalid_client":
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Basic realm="Convene"`)
	case "unauthorized_client":
		status = http.StatusForbidden
	}
	a.writeJSON(w, r, status, apiError{Error: oe.Kind, Description: oe.Err.Message})
}

// maxParamBody bounds a request body the parameter reader reads.
const maxParamBody = 1 << 20

// params reads a request's parameters from its query string and its body, JSON or form
// (urlencoded or multipart), as Mastodon clients send them all. Body values win over the
// query's. JSON arrays become repeated values; numbers and booleans their text; objects
// Rails-style nested keys (jsonParams).
func params(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	out := url.Values{}
	for k, vs := range r.URL.Query() {
		out[k] = vs
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return out, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxParamBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var body map[string]any
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil && !errors.Is(err, io.EOF) {
			return nil, convene.Errorf(convene.EINVALID, "the request body is not a JSON object")
		}
		for k, v := range body {
			jsonParams(out, k, v, 0)
		}
	case "application/x-www-form-urlencoded", "multipart/form-data":
		if err := r.ParseMultipartForm(maxParamBody); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, convene.Errorf(convene.EINVALID, "the request body is not a valid form")
		}
		for k, vs := range r.PostForm {
			out[k] = vs
		}
	}
	return out, nil
}

// boolParam reads a boolean as Rails does: "true", "1", "on" and the like.
func boolParam(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "on", "t", "yes":
		return true
	}
	return false
}

// jsonValues turns a JSON value into parameter values; objects are not parameters here.
func jsonValues(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case json.Number:
		return []string{v.String()}, true
	case bool:
		return []string{fmt.Sprint(v)}, true
	case []any:
		var out []string
		for _, e := range v {
			vs, ok := jsonValues(e)
			if !ok {
				return nil, false
			}
			out = append(out, vs...)
		}
		return out, true
	}
	return nil, false
}

// tokenKey is where auth puts the request's token.
type tokenKey struct{}

// TokenFrom returns the OAuth token an API request was authenticated with, nil if none: its
// ID lets a stream end when the token is revoked, its Scopes what the request may do.
func TokenFrom(ctx context.Context) *convene.OAuthToken {
	t, _ := ctx.Value(tokenKey{}).(*convene.OAuthToken)
	return t
}

// bearerToken reads an API request's access token: the Authorization header, or an
// access_token parameter in the query or a form body.
func bearerToken(w http.ResponseWriter, r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if scheme, token, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(token)
		}
		return ""
	}
	if t := r.URL.Query().Get("access_token"); t != "" {
		return t
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" && r.Method != http.MethodGet {
		r.Body = http.MaxBytesReader(w, r.Body, maxParamBody)
		return r.PostFormValue("access_token")
	}
	return ""
}

// anyScope reports whether granted allows one of the space-separated scopes in need (any
// token when need is ""): GET /api/v1/accounts/verify_credentials takes "read:accounts profile".
func anyScope(granted []string, need string) bool {
	for _, n := range strings.Fields(need) {
		if convene.HasScope(granted, n) {
			return true
		}
	}
	return need == ""
}

// optionalAuth is auth for endpoints anyone may call (public timelines, accounts): without a
// token the request is anonymous; with one, it must be valid and have scope.
func (a *API) optionalAuth(scope string, h http.HandlerFunc) http.HandlerFunc {
	authed := a.auth(scope, h)
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && r.URL.Query().Get("access_token") == "" {
			h(w, r)
			return
		}
		authed(w, r)
	}
}

// auth requires a valid access token with scope (any token when scope is ""; one of several
// when it lists them, space-separated): it puts the
// token's principal and the token itself in the request's context. A missing or unknown
// token is 401, a token without the scope 403. Any web session the request carried is
// replaced: the API acts only for the token.
// authAccount is auth for endpoints about the token's own account (its credentials and
// profile), which an app's client-credentials token, acting for nobody, cannot use.
func (a *API) authAccount(scope string, h http.HandlerFunc) http.HandlerFunc {
	return a.auth(scope, func(w http.ResponseWriter, r *http.Request) {
		if convene.PrincipalFrom(r.Context()).Account == nil {
			a.Error(w, r, convene.Errorf(convene.EFORBIDDEN, "this token acts for no account"))
			return
		}
		h(w, r)
	})
}

func (a *API) auth(scope string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := bearerToken(w, r)
		if token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="Convene"`)
			a.writeError(w, r, http.StatusUnauthorized, "The access token is invalid")
			return
		}
		p, t, err := a.svc.TokenPrincipal(r.Context(), token)
		if err != nil {
			a.Error(w, r, err)
			return
		}
		if !anyScope(t.Scopes, scope) {
			a.writeError(w, r, http.StatusForbidden, "This action is outside the authorized scopes")
			return
		}
		ctx := convene.WithPrincipal(r.Context(), p)
		ctx = context.WithValue(ctx, tokenKey{}, t)
		h(w, r.WithContext(ctx))
	}
}

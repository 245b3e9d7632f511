package mastodon

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// oauthRoutes mounts app registration, the token and revoke endpoints and the OAuth server
// metadata. The consent page, /oauth/authorize, is a web page in package handlers.
func (a *API) oauthRoutes(r *mux.Router) {
	r.HandleFunc("/api/v1/apps", a.handleCreateApp).Methods(http.MethodPost)
	r.HandleFunc("/api/v1/apps/verify_credentials", a.auth("", a.handleVerifyApp)).Methods(http.MethodGet)
	r.HandleFunc("/oauth/token", a.handleToken).Methods(http.MethodPost)
	r.HandleFunc("/oauth/revoke", a.handleRevoke).Methods(http.MethodPost)
	r.HandleFunc("/.well-known/oauth-authorization-server", a.handleServerMetadata).Methods(http.MethodGet, http.MethodHead)
}

// AppToApplication converts an app; the secret is given only when it was just made.
func AppToApplication(app *convene.OAuthApp, secret string) Application {
	out := Application{ID: app.ID, Name: app.Name, Scopes: app.Scopes, RedirectURI: strings.Join(app.RedirectURIs, "\n"),
		RedirectURIs: app.RedirectURIs, ClientID: app.ClientID, ClientSecret: secret}
	if app.Website != "" {
		out.Website = &app.Website
	}
	return out
}

// handleCreateApp registers a client app: POST /api/v1/apps, from JSON, a form or the query.
func (a *API) handleCreateApp(w http.ResponseWriter, r *http.Request) {
	p, err := params(w, r)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	app, secret, err := a.svc.RegisterApp(r.Context(), service.AppCreate{Name: p.Get("client_name"), Website: p.Get("website"),
		RedirectURIs: p["redirect_uris"], Scopes: strings.Join(p["scopes"], " ")})
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, AppToApplication(app, secret))
}

// handleVerifyApp shows the app of the request's token, without its credentials.
func (a *API) handleVerifyApp(w http.ResponseWriter, r *http.Request) {
	app, err := a.svc.TokenApp(r.Context(), TokenFrom(r.Context()))
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out := AppToApplication(app, "")
	out.ClientID = ""
	a.writeJSON(w, r, http.StatusOK, out)
}

// clientAuth reads an app's credentials: client_id and client_secret parameters, or HTTP
// Basic authentication (RFC 6749 §2.3.1).
func clientAuth(r *http.Request, p map[string][]string) service.ClientAuth {
	get := func(k string) string {
		if v := p[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	c := service.ClientAuth{ClientID: get("client_id"), ClientSecret: get("client_secret")}
	if id, secret, ok := r.BasicAuth(); ok && c.ClientID == "" {
		c = service.ClientAuth{ClientID: id, ClientSecret: secret}
	}
	return c
}

// handleToken issues tokens: POST /oauth/token with grant_type authorization_code (with
// PKCE), password or client_credentials. A scope sent with a code is ignored: the code's
// scopes were approved on the consent page.
func (a *API) handleToken(w http.ResponseWriter, r *http.Request) {
	p, err := params(w, r)
	if err != nil {
		a.oauthError(w, r, convene.OAuthErrorf("invalid_request", convene.EINVALID, "%s", convene.ErrorMessage(err)))
		return
	}
	c := clientAuth(r, p)
	var t *service.IssuedToken
	switch grant := p.Get("grant_type"); grant {
	case "authorization_code":
		t, err = a.svc.ExchangeCode(r.Context(), c, p.Get("code"), p.Get("redirect_uri"), p.Get("code_verifier"))
	case "password":
		t, err = a.svc.PasswordGrant(r.Context(), c, p.Get("username"), p.Get("password"), p.Get("scope"), a.ip(r))
	case "client_credentials":
		t, err = a.svc.ClientCredentials(r.Context(), c, p.Get("scope"))
	default:
		err = convene.OAuthErrorf("unsupported_grant_type", convene.EINVALID, "grant_type must be authorization_code, password or client_credentials")
	}
	if err != nil {
		a.oauthError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	a.writeJSON(w, r, http.StatusOK, Token{AccessToken: t.AccessToken, TokenType: "Bearer",
		Scope: strings.Join(t.Scopes, " "), CreatedAt: t.CreatedAt.Unix()})
}

// handleRevoke ends a token: POST /oauth/revoke with the app's credentials. It answers {}
// also for a token that does not exist (RFC 7009).
func (a *API) handleRevoke(w http.ResponseWriter, r *http.Request) {
	p, err := params(w, r)
	if err != nil {
		a.oauthError(w, r, convene.OAuthErrorf("invalid_request", convene.EINVALID, "%s", convene.ErrorMessage(err)))
		return
	}
	if err := a.svc.RevokeToken(r.Context(), clientAuth(r, p), p.Get("token")); err != nil {
		a.oauthError(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, struct{}{})
}

// serverMetadata is RFC 8414's OAuth authorization server metadata, as Mastodon serves it.
// Phanpy turns PKCE on only when code_challenge_methods_supported lists S256.
type serverMetadata struct {
	Issuer                            string   `json:"issuer"`
	ServiceDocumentation              string   `json:"service_documentation"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	AppRegistrationEndpoint           string   `json:"app_registration_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
}

func (a *API) handleServerMetadata(w http.ResponseWriter, r *http.Request) {
	a.writeJSON(w, r, http.StatusOK, serverMetadata{
		Issuer: a.base + "/", ServiceDocumentation: "https://docs.joinmastodon.org/",
		AuthorizationEndpoint: a.base + "/oauth/authorize", TokenEndpoint: a.base + "/oauth/token",
		AppRegistrationEndpoint: a.base + "/api/v1/apps", RevocationEndpoint: a.base + "/oauth/revoke",
		ScopesSupported: convene.Scopes, ResponseTypesSupported: []string{"code"}, ResponseModesSupported: []string{"query"},
		CodeChallengeMethodsSupported:     []string{"S256"},
		GrantTypesSupported:               []string{"authorization_code", "password", "client_credentials"},
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
	})
}

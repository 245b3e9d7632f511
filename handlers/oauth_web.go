package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// oauthRoutes mounts the OAuth consent page, where a member lets a Mastodon app use their
// account. The rest of OAuth (apps, tokens) is JSON, in package mastodon. Mastodon serves
// the page with and without a trailing slash, and apps use both.
func (s *Server) oauthRoutes(r, forms *mux.Router) {
	for _, path := range []string{"/oauth/authorize", "/oauth/authorize/"} {
		r.HandleFunc(path, s.handleOAuthAuthorizeForm).Methods(http.MethodGet, http.MethodHead)
		forms.HandleFunc(path, s.handleOAuthAuthorize).Methods(http.MethodPost)
	}
}

func authorizeRequest(v url.Values) service.AuthorizeRequest {
	return service.AuthorizeRequest{ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"),
		ResponseType: v.Get("response_type"), Scope: v.Get("scope"), CodeChallenge: v.Get("code_challenge"),
		CodeChallengeMethod: v.Get("code_challenge_method")}
}

// handleOAuthAuthorizeForm checks the app's request, then has the visitor sign in (again,
// with force_login) and asks whether the app may use the account. A request that names no
// known app or a redirect URI the app did not register gets an error page, never a redirect:
// it could send the browser anywhere.
func (s *Server) handleOAuthAuthorizeForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	az, err := s.svc.CheckAuthorization(r.Context(), authorizeRequest(q))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if q.Get("force_login") == "true" {
		// Sign out and come back without force_login, or sign-in would loop.
		if err := s.endSession(w, r); err != nil {
			s.Error(w, r, err)
			return
		}
		q.Del("force_login")
		redirectToSignIn(w, r, r.URL.Path+"?"+q.Encode())
		return
	}
	if !requireSignIn(w, r) {
		return
	}
	s.renderPage(w, r, authorizePage(s, az, q))
}

func authorizePage(s *Server, az *service.Authorization, v url.Values) *frontend.OAuthAuthorizePage {
	return &frontend.OAuthAuthorizePage{Layout: s.layoutTitled("Authorize " + az.App.Name), AppName: az.App.Name,
		Website: az.App.Website, Scopes: frontend.ScopeWords(az.Scopes), ClientID: az.App.ClientID,
		RedirectURI: az.RedirectURI, ResponseType: v.Get("response_type"), Scope: v.Get("scope"), State: v.Get("state"),
		CodeChallenge: v.Get("code_challenge"), CodeChallengeMethod: v.Get("code_challenge_method")}
}

// handleOAuthAuthorize takes the member's decision: Authorize sends the browser back to the
// app with a code (or shows the code, for OOB); Deny sends it back with access_denied.
func (s *Server) handleOAuthAuthorize(w http.ResponseWriter, r *http.Request) {
	if sessionFrom(r.Context()) == nil {
		s.renderError(w, r, http.StatusUnauthorized, "Please sign in to authorize an app.")
		return
	}
	form := r.PostForm
	req := authorizeRequest(form)
	state := form.Get("state")
	if form.Get("decision") != "approve" {
		az, err := s.svc.CheckAuthorization(r.Context(), req)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if az.RedirectURI == convene.OOBRedirectURI {
			s.renderError(w, r, http.StatusForbidden, "You did not authorize "+az.App.Name+".")
			return
		}
		redirectWith(w, az.RedirectURI, url.Values{"error": {"access_denied"},
			"error_description": {"The resource owner or authorization server denied the request."}}, state)
		return
	}
	code, az, err := s.svc.Authorize(r.Context(), req)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if az.RedirectURI == convene.OOBRedirectURI {
		page := authorizePage(s, az, form)
		page.Code = code
		s.renderPage(w, r, page)
		return
	}
	redirectWith(w, az.RedirectURI, url.Values{"code": {code}}, state)
}

// redirectWith sends the browser to an app's registered redirect URI (of any scheme: an app's
// own, like oauth2redirect://…) with params and state added to the query it already has.
// The part before the query is kept byte for byte: url.URL would print "icecubesapp://" as
// "icecubesapp:", and http.Redirect would take an opaque URI for a path.
func redirectWith(w http.ResponseWriter, uri string, params url.Values, state string) {
	base, rawQuery, _ := strings.Cut(uri, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil { // a query that does not parse is kept as it is
		q = url.Values{}
		base = uri + "&"
	} else {
		base += "?"
	}
	for k, vs := range params {
		q[k] = vs
	}
	if state != "" {
		q.Set("state", state)
	}
	w.Header().Set("Location", base+q.Encode())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

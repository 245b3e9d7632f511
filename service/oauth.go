package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/convene-social/convene"
)

// Limits on app registration, Mastodon's (app name 60 characters, URLs 2000).
const (
	maxAppName      = 60
	maxAppURL       = 2000
	maxRedirectURIs = 20
	// codeLifetime is how long an authorization code may be exchanged, as in Mastodon.
	codeLifetime = 10 * time.Minute
	// tokenTouch: last_used_at moves at most once an hour, so API calls do not each write.
	tokenTouch = time.Hour
)

// AppCreate is a client's registration: POST /api/v1/apps.
type AppCreate struct {
	Name         string
	Website      string
	RedirectURIs []string // each may itself hold several, one per line
	Scopes       string   // space-separated; "read" when empty
}

// RegisterApp registers a client application and returns it with its client secret, which
// is shown this once: the store keeps only its hash. Anyone may register an app.
func (s *Service) RegisterApp(ctx context.Context, in AppCreate) (*convene.OAuthApp, string, error) {
	app := &convene.OAuthApp{Name: strings.TrimSpace(in.Name), Website: strings.TrimSpace(in.Website)}
	if app.Name == "" || utf8.RuneCountInString(app.Name) > maxAppName {
		return nil, "", convene.Errorf(convene.EINVALID, "the app's name must have 1 to %d characters", maxAppName)
	}
	if app.Website != "" {
		if u, err := url.Parse(app.Website); err != nil || len(app.Website) > maxAppURL ||
			(u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, "", convene.Errorf(convene.EINVALID, "the app's website must be an http or https address")
		}
	}
	var err error
	if app.RedirectURIs, err = parseRedirectURIs(in.RedirectURIs); err != nil {
		return nil, "", err
	}
	if app.Scopes, err = parseScopeParam(in.Scopes, nil); err != nil {
		return nil, "", err
	}
	secret := NewSecret()
	app.ID, app.ClientID, app.SecretHash, app.CreatedAt = convene.NewID(), NewSecret(), hashToken(secret), s.timestamp()
	if err := s.store.CreateOAuthApp(ctx, app); err != nil {
		return nil, "", err
	}
	return app, secret, nil
}

// parseRedirectURIs splits and checks redirect URIs: any scheme an app can open (Tusky's
// oauth2redirect://, Ivory's com.tapbots.Ivory.10217:/request_token) or the OOB URN, never
// a scheme that runs code in the browser, and no fragment (RFC 6749 §3.1.2).
func parseRedirectURIs(in []string) ([]string, error) {
	var out []string
	for _, v := range in {
		for _, line := range strings.Split(v, "\n") {
			if line = strings.TrimSpace(line); line != "" && !slices.Contains(out, line) {
				out = append(out, line)
			}
		}
	}
	if len(out) == 0 || len(out) > maxRedirectURIs {
		return nil, convene.Errorf(convene.EINVALID, "give 1 to %d redirect URIs", maxRedirectURIs)
	}
	for _, uri := range out {
		if uri == convene.OOBRedirectURI {
			continue
		}
		u, err := url.Parse(uri)
		if err != nil || len(uri) > maxAppURL || u.Scheme == "" || u.Fragment != "" ||
			strings.ContainsFunc(uri, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
			return nil, convene.Errorf(convene.EINVALID, "redirect URI %q must be an absolute URI without a fragment", uri)
		}
		switch strings.ToLower(u.Scheme) {
		case "javascript", "data", "vbscript":
			return nil, convene.Errorf(convene.EINVALID, "redirect URI %q uses a forbidden scheme", uri)
		}
	}
	return out, nil
}

// parseScopeParam reads a scope parameter: "read" when empty, every scope known, and, when
// allowed is not nil, each within what the app registered.
func parseScopeParam(param string, allowed []string) ([]string, error) {
	scopes := convene.ParseScopes(param)
	if len(scopes) == 0 {
		scopes = []string{"read"}
	}
	for _, sc := range scopes {
		if !convene.ValidScope(sc) {
			return nil, convene.OAuthErrorf("invalid_scope", convene.EINVALID, "unknown scope %q", sc)
		}
		if allowed != nil && !convene.HasScope(allowed, sc) {
			return nil, convene.OAuthErrorf("invalid_scope", convene.EINVALID, "the app did not register the scope %q", sc)
		}
	}
	return scopes, nil
}

// AuthorizeRequest is what an app sends to /oauth/authorize.
type AuthorizeRequest struct {
	ClientID            string
	RedirectURI         string
	ResponseType        string
	Scope               string
	CodeChallenge       string
	CodeChallengeMethod string
}

// Authorization is a checked authorization request: the app and what it would get.
type Authorization struct {
	App         *convene.OAuthApp
	RedirectURI string
	Scopes      []string
	Challenge   string
}

// CheckAuthorization validates an authorization request before anyone is asked to approve
// it: a known client, one of its redirect URIs, response_type code, scopes it registered, and
// an S256 PKCE challenge if any. Nothing here redirects: errors are shown, not sent on.
func (s *Service) CheckAuthorization(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	app, err := s.store.FindOAuthAppByClientID(ctx, req.ClientID)
	if convene.ErrorCode(err) == convene.ENOTFOUND || (err == nil && req.ClientID == "") {
		return nil, convene.OAuthErrorf("invalid_client", convene.ENOTFOUND, "no app is registered with this client_id")
	}
	if err != nil {
		return nil, err
	}
	redirect := req.RedirectURI
	if redirect == "" && len(app.RedirectURIs) == 1 {
		redirect = app.RedirectURIs[0]
	}
	if !slices.Contains(app.RedirectURIs, redirect) {
		return nil, convene.OAuthErrorf("invalid_request", convene.EINVALID, "the redirect_uri is not one the app registered")
	}
	if req.ResponseType != "code" {
		return nil, convene.OAuthErrorf("unsupported_response_type", convene.EINVALID, "response_type must be code")
	}
	scopes, err := parseScopeParam(req.Scope, app.Scopes)
	if err != nil {
		return nil, err
	}
	if req.CodeChallenge != "" || req.CodeChallengeMethod != "" {
		if req.CodeChallengeMethod != "S256" {
			return nil, convene.OAuthErrorf("invalid_request", convene.EINVALID, "code_challenge_method must be S256")
		}
		if b, err := base64.RawURLEncoding.DecodeString(req.CodeChallenge); err != nil || len(b) != sha256.Size {
			return nil, convene.OAuthErrorf("invalid_request", convene.EINVALID, "code_challenge must be a base64url SHA-256")
		}
	}
	return &Authorization{App: app, RedirectURI: redirect, Scopes: scopes, Challenge: req.CodeChallenge}, nil
}

// Authorize issues an authorization code for the signed-in account that approved req.
func (s *Service) Authorize(ctx context.Context, req AuthorizeRequest) (string, *Authorization, error) {
	p := convene.PrincipalFrom(ctx)
	if p.Account == nil || p.Account.State != convene.AccountApproved {
		return "", nil, convene.Errorf(convene.EUNAUTHORIZED, "please sign in to authorize an app")
	}
	az, err := s.CheckAuthorization(ctx, req)
	if err != nil {
		return "", nil, err
	}
	code, now := NewSecret(), s.timestamp()
	err = s.store.CreateOAuthCode(ctx, &convene.OAuthCode{CodeHash: hashToken(code), AppID: az.App.ID, AccountID: p.Account.ID,
		RedirectURI: az.RedirectURI, Scopes: az.Scopes, Challenge: az.Challenge, CreatedAt: now, ExpiresAt: now.Add(codeLifetime)})
	if err != nil {
		return "", nil, err
	}
	s.log.InfoContext(ctx, "app authorized", "username", p.Account.Username, "app", az.App.Name)
	return code, az, nil
}

// IssuedToken is a new access token, shown to the app once.
type IssuedToken struct {
	AccessToken string
	Scopes      []string
	CreatedAt   time.Time
}

// ClientAuth is an app's credentials on the token and revoke endpoints.
type ClientAuth struct {
	ClientID     string
	ClientSecret string
}

// client finds the app of credentials; invalid_client if they do not match.
func (s *Service) client(ctx context.Context, c ClientAuth) (*convene.OAuthApp, error) {
	fail := convene.OAuthErrorf("invalid_client", convene.EUNAUTHORIZED, "client authentication failed")
	if c.ClientID == "" || len(c.ClientID) > 100 || len(c.ClientSecret) > 100 {
		return nil, fail
	}
	app, err := s.store.FindOAuthAppByClientID(ctx, c.ClientID)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil, fail
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(hashToken(c.ClientSecret)), []byte(app.SecretHash)) != 1 {
		return nil, fail
	}
	return app, nil
}

// ExchangeCode trades an authorization code for a token (grant_type authorization_code).
// The code is used up by the first attempt, right or wrong; the redirect URI must be the one
// it was issued for, and the PKCE verifier must match its challenge when it had one.
func (s *Service) ExchangeCode(ctx context.Context, c ClientAuth, code, redirectURI, verifier string) (*IssuedToken, error) {
	app, err := s.client(ctx, c)
	if err != nil {
		return nil, err
	}
	fail := convene.OAuthErrorf("invalid_grant", convene.EINVALID, "the authorization code is invalid, expired or used")
	if code == "" || len(code) > 100 {
		return nil, fail
	}
	ac, err := s.store.TakeOAuthCode(ctx, hashToken(code))
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil, fail
	}
	if err != nil {
		return nil, err
	}
	if ac.AppID != app.ID || !s.timestamp().Before(ac.ExpiresAt) {
		return nil, fail
	}
	if redirectURI != ac.RedirectURI {
		return nil, convene.OAuthErrorf("invalid_grant", convene.EINVALID, "the redirect_uri differs from the authorization request's")
	}
	if ac.Challenge != "" {
		sum := sha256.Sum256([]byte(verifier))
		if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(ac.Challenge)) != 1 {
			return nil, convene.OAuthErrorf("invalid_grant", convene.EINVALID, "the code_verifier does not match the code_challenge")
		}
	}
	a, err := s.store.FindAccountByID(ctx, ac.AccountID)
	if err != nil || a.State != convene.AccountApproved {
		return nil, firstErr(ignoreNotFound(err), fail)
	}
	return s.issueToken(ctx, app, ac.AccountID, ac.Scopes)
}

// PasswordGrant issues a token for a login and password (grant_type password), for
// first-party scripts. The attempts count against the web sign-in's throttles.
func (s *Service) PasswordGrant(ctx context.Context, c ClientAuth, login, password, scope, clientIP string) (*IssuedToken, error) {
	app, err := s.client(ctx, c)
	if err != nil {
		return nil, err
	}
	scopes, err := parseScopeParam(scope, app.Scopes)
	if err != nil {
		return nil, err
	}
	a, err := s.throttledAuthenticate(ctx, login, password, clientIP)
	switch convene.ErrorCode(err) {
	case "":
	case convene.EUNAUTHORIZED, convene.EFORBIDDEN:
		return nil, &convene.OAuthError{Kind: "invalid_grant", Err: convene.Errorf(convene.EINVALID, "%s", convene.ErrorMessage(err))}
	default:
		return nil, err
	}
	return s.issueToken(ctx, app, a.ID, scopes)
}

// ClientCredentials issues a token that acts for the app alone, with no account
// (grant_type client_credentials): enough to register for pushes or read public data.
func (s *Service) ClientCredentials(ctx context.Context, c ClientAuth, scope string) (*IssuedToken, error) {
	app, err := s.client(ctx, c)
	if err != nil {
		return nil, err
	}
	scopes, err := parseScopeParam(scope, app.Scopes)
	if err != nil {
		return nil, err
	}
	return s.issueToken(ctx, app, "", scopes)
}

func (s *Service) issueToken(ctx context.Context, app *convene.OAuthApp, accountID string, scopes []string) (*IssuedToken, error) {
	token, now := NewSecret(), s.timestamp()
	t := &convene.OAuthToken{ID: convene.NewID(), TokenHash: hashToken(token), AppID: app.ID, AccountID: accountID,
		Scopes: scopes, CreatedAt: now, LastUsedAt: now}
	if err := s.store.CreateOAuthToken(ctx, t); err != nil {
		return nil, err
	}
	return &IssuedToken{AccessToken: token, Scopes: scopes, CreatedAt: now}, nil
}

// RevokeToken ends a token of the app whose credentials are given. An unknown token is
// already ended (RFC 7009 §2.2); another app's token is refused.
func (s *Service) RevokeToken(ctx context.Context, c ClientAuth, token string) error {
	app, err := s.client(ctx, c)
	if err != nil {
		return err
	}
	if token == "" || len(token) > 100 {
		return nil
	}
	t, err := s.store.FindOAuthToken(ctx, hashToken(token))
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if t.AppID != app.ID {
		return convene.OAuthErrorf("unauthorized_client", convene.EFORBIDDEN, "you are not authorized to revoke this token")
	}
	if err := s.store.DeleteOAuthToken(ctx, t.ID); err != nil {
		return err
	}
	// Its open streams end too, in every process.
	return s.CloseToken(ctx, t.ID)
}

// TokenPrincipal is who an API request's bearer token acts for: the account (nil for a
// client-credentials token) and the token itself, with its scopes and id. Unknown tokens and
// tokens of accounts that may no longer sign in are EUNAUTHORIZED.
func (s *Service) TokenPrincipal(ctx context.Context, token string) (convene.Principal, *convene.OAuthToken, error) {
	fail := convene.Errorf(convene.EUNAUTHORIZED, "The access token is invalid")
	if token == "" || len(token) > 100 {
		return convene.Principal{}, nil, fail
	}
	t, err := s.store.FindOAuthToken(ctx, hashToken(token))
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return convene.Principal{}, nil, fail
	}
	if err != nil {
		return convene.Principal{}, nil, err
	}
	var p convene.Principal
	if t.AccountID != "" {
		a, err := s.store.FindAccountByID(ctx, t.AccountID)
		if err != nil || a.State != convene.AccountApproved {
			return convene.Principal{}, nil, firstErr(ignoreNotFound(err), fail)
		}
		p.Account = a
	}
	if now := s.timestamp(); now.Sub(t.LastUsedAt) >= tokenTouch {
		if err := s.store.TouchOAuthToken(ctx, t.ID, now); err != nil {
			return convene.Principal{}, nil, err
		}
		t.LastUsedAt = now
	}
	return p, t, nil
}

// TokenApp returns the app a token was issued to (GET /api/v1/apps/verify_credentials).
func (s *Service) TokenApp(ctx context.Context, t *convene.OAuthToken) (*convene.OAuthApp, error) {
	return s.store.FindOAuthApp(ctx, t.AppID)
}

package convene

import (
	"context"
	"slices"
	"strings"
	"time"
)

// OAuthApp is a client application registered for the Mastodon client API (POST
// /api/v1/apps). The store keeps only the SHA-256 of its client secret.
type OAuthApp struct {
	ID           string
	Name         string
	Website      string
	RedirectURIs []string // any scheme but javascript:, data: and vbscript:; or OOBRedirectURI
	Scopes       []string
	ClientID     string
	SecretHash   string
	CreatedAt    time.Time
}

// OAuthToken is an access token. The store keeps only the token's SHA-256 (TokenHash), as
// it does for web sessions. AccountID is "" for a client-credentials token, which acts for
// the app alone. Tokens do not expire; they end when revoked.
type OAuthToken struct {
	ID         string
	TokenHash  string
	AppID      string
	AccountID  string
	Scopes     []string
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// OAuthCode is an authorization code: issued by the consent page, exchanged once for a token.
type OAuthCode struct {
	CodeHash    string
	AppID       string
	AccountID   string
	RedirectURI string
	Scopes      []string
	// Challenge is the PKCE S256 code challenge, "" when the app sent none.
	Challenge string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// OOBRedirectURI asks the consent page to show the code for copying instead of redirecting.
const OOBRedirectURI = "urn:ietf:wg:oauth:2.0:oob"

// OAuthStore keeps OAuth apps, tokens and authorization codes.
type OAuthStore interface {
	CreateOAuthApp(ctx context.Context, app *OAuthApp) error
	// FindOAuthApp returns an app by its id; ENOTFOUND if there is none.
	FindOAuthApp(ctx context.Context, id string) (*OAuthApp, error)
	// FindOAuthAppByClientID returns an app by its client_id; ENOTFOUND if there is none.
	FindOAuthAppByClientID(ctx context.Context, clientID string) (*OAuthApp, error)
	CreateOAuthToken(ctx context.Context, t *OAuthToken) error
	// FindOAuthToken returns a token by its hash; ENOTFOUND if there is none.
	FindOAuthToken(ctx context.Context, tokenHash string) (*OAuthToken, error)
	// TouchOAuthToken records when a token was last used.
	TouchOAuthToken(ctx context.Context, id string, at time.Time) error
	DeleteOAuthToken(ctx context.Context, id string) error
	CreateOAuthCode(ctx context.Context, c *OAuthCode) error
	// TakeOAuthCode removes a code and returns it, so that it is used at most once, even by
	// two exchanges racing; ENOTFOUND if there is none (or it was taken).
	TakeOAuthCode(ctx context.Context, codeHash string) (*OAuthCode, error)
}

// Scopes are Mastodon's OAuth scopes (docs.joinmastodon.org/api/oauth-scopes), without the
// admin ones: the top-level scopes and the sub-scopes each grants.
var Scopes = []string{
	"read", "write", "follow", "push", "profile",
	"read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
	"read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
	"write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
	"write:filters", "write:follows", "write:lists", "write:media", "write:mutes", "write:notifications",
	"write:reports", "write:statuses",
}

// followGrants are the sub-scopes the deprecated "follow" scope grants, as in Mastodon.
var followGrants = []string{"read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"}

// ValidScope reports whether scope is one this server knows.
func ValidScope(scope string) bool { return slices.Contains(Scopes, scope) }

// HasScope reports whether the granted scopes allow need: "read" grants every "read:…",
// "write" every "write:…", and "follow" the relationship sub-scopes. An empty need is
// allowed to any token.
func HasScope(granted []string, need string) bool {
	if need == "" || slices.Contains(granted, need) {
		return true
	}
	top, _, sub := strings.Cut(need, ":")
	if sub && (top == "read" || top == "write") && slices.Contains(granted, top) {
		return true
	}
	return slices.Contains(followGrants, need) && slices.Contains(granted, "follow")
}

// ParseScopes splits a scope parameter (separated by spaces or, in query strings, by "+")
// into its scopes, dropping repeats.
func ParseScopes(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '+' || r == '\t' || r == '\n' }) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// OAuthError is a failure of the OAuth protocol: Kind is the RFC 6749 error code
// ("invalid_grant", "invalid_client", …) a client acts on; Err the user-safe error.
type OAuthError struct {
	Kind string
	Err  *Error
}

func (e *OAuthError) Error() string { return e.Kind + ": " + e.Err.Error() }

// Unwrap lets ErrorCode and ErrorMessage see the user-safe error.
func (e *OAuthError) Unwrap() error { return e.Err }

// OAuthErrorf returns an OAuthError of kind with an error of code and a formatted message.
func OAuthErrorf(kind, code, format string, args ...any) *OAuthError {
	return &OAuthError{Kind: kind, Err: Errorf(code, format, args...)}
}

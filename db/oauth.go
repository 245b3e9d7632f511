package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

// oauthAppRow is an oauth_apps row: lists are stored as text.
type oauthAppRow struct {
	ID           string    `db:"id"`
	Name         string    `db:"name"`
	Website      string    `db:"website"`
	RedirectURIs string    `db:"redirect_uris"`
	Scopes       string    `db:"scopes"`
	ClientID     string    `db:"client_id"`
	SecretHash   string    `db:"secret_hash"`
	CreatedAt    time.Time `db:"created_at"`
}

func (r *oauthAppRow) app() *convene.OAuthApp {
	return &convene.OAuthApp{ID: r.ID, Name: r.Name, Website: r.Website, RedirectURIs: splitList(r.RedirectURIs, "\n"),
		Scopes: splitList(r.Scopes, " "), ClientID: r.ClientID, SecretHash: r.SecretHash, CreatedAt: utc(r.CreatedAt)}
}

// splitList reads a stored list; the empty string is the empty list.
func splitList(s, sep string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, sep)
}

// CreateOAuthApp implements convene.OAuthStore.
func (s *store) CreateOAuthApp(ctx context.Context, a *convene.OAuthApp) error {
	_, err := s.execContext(ctx, `INSERT INTO oauth_apps (id, name, website, redirect_uris, scopes, client_id, secret_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.Name, a.Website, strings.Join(a.RedirectURIs, "\n"),
		strings.Join(a.Scopes, " "), a.ClientID, a.SecretHash, a.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("create oauth app: %w", err)
	}
	return nil
}

const oauthAppColumns = `id, name, website, redirect_uris, scopes, client_id, secret_hash, created_at`

// FindOAuthApp implements convene.OAuthStore.
func (s *store) FindOAuthApp(ctx context.Context, id string) (*convene.OAuthApp, error) {
	var r oauthAppRow
	if err := s.getContext(ctx, &r, `SELECT `+oauthAppColumns+` FROM oauth_apps WHERE id = ?`, id); err != nil {
		return nil, notFound(err, "app not found")
	}
	return r.app(), nil
}

// FindOAuthAppByClientID implements convene.OAuthStore.
func (s *store) FindOAuthAppByClientID(ctx context.Context, clientID string) (*convene.OAuthApp, error) {
	var r oauthAppRow
	if err := s.getContext(ctx, &r, `SELECT `+oauthAppColumns+` FROM oauth_apps WHERE client_id = ?`, clientID); err != nil {
		return nil, notFound(err, "app not found")
	}
	return r.app(), nil
}

type oauthTokenRow struct {
	ID         string    `db:"id"`
	TokenHash  string    `db:"token_hash"`
	AppID      string    `db:"app_id"`
	AccountID  string    `db:"account_id"`
	Scopes     string    `db:"scopes"`
	CreatedAt  time.Time `db:"created_at"`
	LastUsedAt time.Time `db:"last_used_at"`
}

// CreateOAuthToken implements convene.OAuthStore. A token without an account (client
// credentials) stores NULL.
func (s *store) CreateOAuthToken(ctx context.Context, t *convene.OAuthToken) error {
	_, err := s.execContext(ctx, `INSERT INTO oauth_tokens (id, token_hash, app_id, account_id, scopes, created_at, last_used_at)
		VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?)`, t.ID, t.TokenHash, t.AppID, t.AccountID, strings.Join(t.Scopes, " "),
		t.CreatedAt.UTC(), t.LastUsedAt.UTC())
	if err != nil {
		return fmt.Errorf("create oauth token: %w", err)
	}
	return nil
}

// FindOAuthToken implements convene.OAuthStore.
func (s *store) FindOAuthToken(ctx context.Context, tokenHash string) (*convene.OAuthToken, error) {
	var r oauthTokenRow
	err := s.getContext(ctx, &r, `SELECT id, token_hash, app_id, COALESCE(account_id, '') AS account_id, scopes, created_at, last_used_at
		FROM oauth_tokens WHERE token_hash = ?`, tokenHash)
	if err != nil {
		return nil, notFound(err, "token not found")
	}
	return &convene.OAuthToken{ID: r.ID, TokenHash: r.TokenHash, AppID: r.AppID, AccountID: r.AccountID,
		Scopes: splitList(r.Scopes, " "), CreatedAt: utc(r.CreatedAt), LastUsedAt: utc(r.LastUsedAt)}, nil
}

// TouchOAuthToken implements convene.OAuthStore.
func (s *store) TouchOAuthToken(ctx context.Context, id string, at time.Time) error {
	if _, err := s.execContext(ctx, `UPDATE oauth_tokens SET last_used_at = ? WHERE id = ?`, at.UTC(), id); err != nil {
		return fmt.Errorf("touch oauth token: %w", err)
	}
	return nil
}

// DeleteOAuthToken implements convene.OAuthStore.
func (s *store) DeleteOAuthToken(ctx context.Context, id string) error {
	if _, err := s.execContext(ctx, `DELETE FROM oauth_tokens WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete oauth token: %w", err)
	}
	return nil
}

type oauthCodeRow struct {
	CodeHash    string    `db:"code_hash"`
	AppID       string    `db:"app_id"`
	AccountID   string    `db:"account_id"`
	RedirectURI string    `db:"redirect_uri"`
	Scopes      string    `db:"scopes"`
	Challenge   string    `db:"challenge"`
	CreatedAt   time.Time `db:"created_at"`
	ExpiresAt   time.Time `db:"expires_at"`
}

// CreateOAuthCode implements convene.OAuthStore. Codes that expired are removed on the way,
// so that the table holds only the few minutes' worth that may still be exchanged.
func (s *store) CreateOAuthCode(ctx context.Context, c *convene.OAuthCode) error {
	return s.inTx(ctx, func(t *store) error {
		if _, err := t.execContext(ctx, `DELETE FROM oauth_codes WHERE expires_at <= ?`, c.CreatedAt.UTC()); err != nil {
			return fmt.Errorf("delete expired oauth codes: %w", err)
		}
		_, err := t.execContext(ctx, `INSERT INTO oauth_codes (code_hash, app_id, account_id, redirect_uri, scopes, challenge, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.CodeHash, c.AppID, c.AccountID, c.RedirectURI, strings.Join(c.Scopes, " "),
			c.Challenge, c.CreatedAt.UTC(), c.ExpiresAt.UTC())
		if err != nil {
			return fmt.Errorf("create oauth code: %w", err)
		}
		return nil
	})
}

// TakeOAuthCode implements convene.OAuthStore with DELETE … RETURNING: of two racing
// exchanges, only one gets the row.
func (s *store) TakeOAuthCode(ctx context.Context, codeHash string) (*convene.OAuthCode, error) {
	var r oauthCodeRow
	err := s.inTx(ctx, func(t *store) error {
		return t.getContext(ctx, &r, `DELETE FROM oauth_codes WHERE code_hash = ?
			RETURNING code_hash, app_id, account_id, redirect_uri, scopes, challenge, created_at, expires_at`, codeHash)
	})
	if err != nil {
		return nil, notFound(err, "code not found")
	}
	return &convene.OAuthCode{CodeHash: r.CodeHash, AppID: r.AppID, AccountID: r.AccountID, RedirectURI: r.RedirectURI,
		Scopes: splitList(r.Scopes, " "), Challenge: r.Challenge, CreatedAt: utc(r.CreatedAt), ExpiresAt: utc(r.ExpiresAt)}, nil
}

package db

import (
	"context"
	"fmt"
	"time"

	"github.com/convene-social/convene"
)

// CreateSession implements convene.SessionStore.
func (s *store) CreateSession(ctx context.Context, se *convene.Session) error {
	_, err := s.execContext(ctx, `INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, se.IDHash, se.AccountID, se.CSRFToken, se.CreatedAt.UTC(), se.SeenAt.UTC(), se.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// FindSession implements convene.SessionStore.
func (s *store) FindSession(ctx context.Context, idHash string) (*convene.Session, error) {
	var se convene.Session
	err := s.getContext(ctx, &se, `SELECT id_hash, account_id, csrf_token, created_at, seen_at, expires_at
		FROM sessions WHERE id_hash = ?`, idHash)
	if err != nil {
		return nil, notFound(err, "session not found")
	}
	se.CreatedAt, se.SeenAt, se.ExpiresAt = se.CreatedAt.UTC(), se.SeenAt.UTC(), se.ExpiresAt.UTC()
	return &se, nil
}

// TouchSession implements convene.SessionStore.
func (s *store) TouchSession(ctx context.Context, idHash string, seen, expires time.Time) error {
	if _, err := s.execContext(ctx, `UPDATE sessions SET seen_at = ?, expires_at = ? WHERE id_hash = ?`,
		seen.UTC(), expires.UTC(), idHash); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession implements convene.SessionStore.
func (s *store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.execContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteAccountSessions implements convene.SessionStore.
func (s *store) DeleteAccountSessions(ctx context.Context, accountID string) error {
	if _, err := s.execContext(ctx, `DELETE FROM sessions WHERE account_id = ?`, accountID); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

// DeleteOtherSessions implements convene.SessionStore.
func (s *store) DeleteOtherSessions(ctx context.Context, accountID, keepIDHash string) (int, error) {
	n, err := s.execContext(ctx, `DELETE FROM sessions WHERE account_id = ? AND id_hash <> ?`, accountID, keepIDHash)
	if err != nil {
		return 0, fmt.Errorf("delete other sessions: %w", err)
	}
	return int(n), nil
}

// DeleteExpiredSessions implements convene.SessionStore.
func (s *store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	n, err := s.execContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return int(n), nil
}

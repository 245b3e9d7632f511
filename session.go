package convene

import (
	"context"
	"time"
)

// Session is a browser signed in to an account. The browser's cookie holds a random token;
// the store keeps only the token's SHA-256 (IDHash), so a copy of the database signs nobody in.
type Session struct {
	IDHash    string `db:"id_hash"`
	AccountID string `db:"account_id"`
	// CSRFToken is the secret every form of this session must send back.
	CSRFToken string    `db:"csrf_token"`
	CreatedAt time.Time `db:"created_at"`
	SeenAt    time.Time `db:"seen_at"`
	ExpiresAt time.Time `db:"expires_at"`
}

// SessionStore keeps web sessions.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns a session by its token's hash; ENOTFOUND if there is none.
	FindSession(ctx context.Context, idHash string) (*Session, error)
	// TouchSession records activity and moves the expiry.
	TouchSession(ctx context.Context, idHash string, seen, expires time.Time) error
	DeleteSession(ctx context.Context, idHash string) error
	// DeleteAccountSessions signs an account out everywhere (a changed password).
	DeleteAccountSessions(ctx context.Context, accountID string) error
	// DeleteOtherSessions signs an account out everywhere but the session keepIDHash (the
	// browser that changed the password stays signed in) and says how many it ended.
	DeleteOtherSessions(ctx context.Context, accountID, keepIDHash string) (int, error)
	// DeleteExpiredSessions removes sessions expired by now and says how many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

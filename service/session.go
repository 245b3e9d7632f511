package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

// Sessions last a month after the last visit; the expiry moves at most once an hour, so a
// busy reader does not write on every page.
const (
	sessionLifetime = 30 * 24 * time.Hour
	sessionTouch    = time.Hour
)

// SignIn checks a login and password and opens a session; it returns the token for the
// browser's cookie. Attempts are throttled per client address and per login, whether they
// succeed or not.
func (s *Service) SignIn(ctx context.Context, login, password, clientIP string) (string, *convene.Session, error) {
	a, err := s.throttledAuthenticate(ctx, login, password, clientIP)
	if err != nil {
		return "", nil, err
	}
	return s.openSession(ctx, a)
}

// throttledAuthenticate checks a login and password under the sign-in throttles (per client
// address and per login), which count every attempt: the web form and the OAuth password
// grant share them, so neither is a way around the other's limit.
func (s *Service) throttledAuthenticate(ctx context.Context, login, password, clientIP string) (*convene.Account, error) {
	now := s.now()
	key := strings.ToLower(strings.TrimSpace(login))
	for _, check := range []struct {
		t   *throttle
		key string
	}{{s.signInByIP, clientIP}, {s.signInByLogin, key}} {
		if ok, until := check.t.allow(check.key, now); !ok {
			return nil, convene.Errorf(convene.ETOOMANY, "too many sign-in attempts: try again after %s", until.UTC().Format("15:04 UTC"))
		}
	}
	return s.Authenticate(ctx, login, password)
}

// openSession stores a new session for a and returns its cookie token.
func (s *Service) openSession(ctx context.Context, a *convene.Account) (string, *convene.Session, error) {
	token, csrf := NewSecret(), NewSecret()
	now := s.timestamp()
	se := &convene.Session{IDHash: hashToken(token), AccountID: a.ID, CSRFToken: csrf,
		CreatedAt: now, SeenAt: now, ExpiresAt: now.Add(sessionLifetime)}
	if err := s.store.CreateSession(ctx, se); err != nil {
		return "", nil, err
	}
	s.log.InfoContext(ctx, "signed in", "username", a.Username)
	return token, se, nil
}

// Session returns the session of a cookie token and its account: EUNAUTHORIZED when the
// token is unknown or expired or the account may no longer sign in.
func (s *Service) Session(ctx context.Context, token string) (*convene.Session, *convene.Account, error) {
	fail := convene.Errorf(convene.EUNAUTHORIZED, "please sign in again")
	if token == "" || len(token) > 100 {
		return nil, nil, fail
	}
	se, err := s.store.FindSession(ctx, hashToken(token))
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil, nil, fail
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.timestamp()
	if !now.Before(se.ExpiresAt) {
		return nil, nil, fail
	}
	a, err := s.store.FindAccountByID(ctx, se.AccountID)
	if err != nil || a.State != convene.AccountApproved {
		return nil, nil, firstErr(ignoreNotFound(err), fail)
	}
	if now.Sub(se.SeenAt) >= sessionTouch {
		se.SeenAt, se.ExpiresAt = now, now.Add(sessionLifetime)
		if err := s.store.TouchSession(ctx, se.IDHash, se.SeenAt, se.ExpiresAt); err != nil {
			return nil, nil, err
		}
	}
	return se, a, nil
}

// SignOut ends the session of a cookie token (an unknown one is already ended).
func (s *Service) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.store.DeleteSession(ctx, hashToken(token))
}

// DeleteExpiredSessions is the periodic clean-up of sessions nobody can use any more.
func (s *Service) DeleteExpiredSessions(ctx context.Context) (int, error) {
	return s.store.DeleteExpiredSessions(ctx, s.now())
}

// NewSecret is 32 random bytes, base64url (43 characters): session tokens and form secrets.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ignoreNotFound turns ENOTFOUND into nil: the caller's own error says it better.
func ignoreNotFound(err error) error {
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	return err
}

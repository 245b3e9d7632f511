package convene

import (
	"context"
	"time"
)

// IdempotencyStore remembers what a client's request made under its Idempotency-Key, so that
// a retry (a phone losing its connection mid-post) gets the same status, not a second one.
type IdempotencyStore interface {
	// ClaimIdempotencyKey records that account is making something under key at now, first
	// forgetting the account's claims made before since. When the key is already claimed it
	// returns claimed=false and what that claim made (empty while it is still at work).
	ClaimIdempotencyKey(ctx context.Context, accountID, key string, now, since time.Time) (claimed bool, madeID string, err error)
	// SetIdempotencyResult records what the claim made.
	SetIdempotencyResult(ctx context.Context, accountID, key, madeID string) error
	// ReleaseIdempotencyKey forgets a claim whose request failed, so a retry may try again.
	ReleaseIdempotencyKey(ctx context.Context, accountID, key string) error
}

package convene

import (
	"context"
	"time"
)

// Boost is a local account sharing a post with its followers (Mastodon's reblog).
type Boost struct {
	ID          string    `db:"id"`
	AccountID   string    `db:"account_id"`
	PostID      string    `db:"post_id"`
	ActivityIRI string    `db:"activity_iri"` // the Announce, which an unboost undoes
	CreatedAt   time.Time `db:"created_at"`
}

// BoostStore keeps boosts.
type BoostStore interface {
	// CreateBoost records a boost; the same account boosting a post twice is an ECONFLICT.
	CreateBoost(ctx context.Context, b *Boost) error
	// FindBoostByID finds a boost; ENOTFOUND if there is none.
	FindBoostByID(ctx context.Context, id string) (*Boost, error)
	// DeleteBoost removes an account's boost of a post and returns it; ENOTFOUND if none.
	DeleteBoost(ctx context.Context, accountID, postID string) (*Boost, error)
	// FindBoosters lists the accounts (ids) that boosted a post, the latest first.
	FindBoosters(ctx context.Context, postID string, limit int) ([]string, error)
	// CountBoosts counts the boosts of each of the posts (posts nobody boosted are left out).
	CountBoosts(ctx context.Context, postIDs []string) (map[string]int, error)
	// FindBoostedPostIDs says which of the posts the account boosted.
	FindBoostedPostIDs(ctx context.Context, accountID string, postIDs []string) ([]string, error)
}

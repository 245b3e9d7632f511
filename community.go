package convene

import (
	"context"
	"time"
)

// FollowPolicy says how a community answers a Follow.
type FollowPolicy string

const (
	FollowOpen     FollowPolicy = "open"     // every follow is accepted at once
	FollowApproval FollowPolicy = "approval" // owners and moderators accept or reject each one
)

// Valid reports whether p is a known policy.
func (p FollowPolicy) Valid() bool {
	return p == FollowOpen || p == FollowApproval
}

// Community is a place where people hold discussions and announce events, and the Group
// actor at /c/{slug}.
type Community struct {
	ID           string       `db:"id"`
	Slug         string       `db:"slug"` // normalized; shares the namespace of usernames
	Name         string       `db:"name"`
	Summary      string       `db:"summary"` // markdown
	Region       string       `db:"region"`  // a free label, e.g. "Surrey" or "North West"
	OwnerID      string       `db:"owner_id"`
	FollowPolicy FollowPolicy `db:"follow_policy"`
	// PostingPolicy says who may start threads.
	PostingPolicy PostingPolicy `db:"posting_policy"`
	PublicKeyPEM  string        `db:"public_key_pem"`
	Pictures
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// CommunityFilter selects communities; zero fields do not filter. Results are newest first
// and paged by ID.
type CommunityFilter struct {
	OwnerID     string
	ModeratorID string // communities this account moderates (owners included)
	BeforeID    string
	Limit       int
}

// CommunityStore persists communities and their moderators.
type CommunityStore interface {
	// CreateCommunity stores a new community and its actor keys, and makes its owner a
	// moderator. A slug already taken by a community or an account is an ECONFLICT.
	CreateCommunity(ctx context.Context, c *Community, keys KeyPair) error
	FindCommunityByID(ctx context.Context, id string) (*Community, error)
	FindCommunityBySlug(ctx context.Context, slug string) (*Community, error)
	FindCommunities(ctx context.Context, filter CommunityFilter) ([]*Community, error)
	CountCommunities(ctx context.Context, filter CommunityFilter) (int, error)
	// UpdateCommunity writes the mutable fields of c (name, summary, region, owner, policies).
	UpdateCommunity(ctx context.Context, c *Community) error

	// AddModerator is idempotent; RemoveModerator of a non-moderator is ENOTFOUND.
	AddModerator(ctx context.Context, communityID, accountID string) error
	RemoveModerator(ctx context.Context, communityID, accountID string) error
	IsModerator(ctx context.Context, communityID, accountID string) (bool, error)
	FindModerators(ctx context.Context, communityID string) ([]*Account, error)
}

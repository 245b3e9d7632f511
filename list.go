package convene

import (
	"context"
	"time"
)

// List is an account's list of people and communities it follows, read as a timeline.
type List struct {
	ID        string `db:"id"`
	AccountID string `db:"account_id"`
	Title     string `db:"title"`
	// RepliesPolicy says which replies the list's timeline shows: to anyone followed, to the
	// list's members, or none (Mastodon's followed, list, none).
	RepliesPolicy string    `db:"replies_policy"`
	Exclusive     bool      `db:"exclusive"` // its members' posts stay out of the home timeline
	CreatedAt     time.Time `db:"created_at"`
}

// ListStore keeps lists and their members (actor IRIs).
type ListStore interface {
	CreateList(ctx context.Context, l *List) error
	UpdateList(ctx context.Context, l *List) error
	DeleteList(ctx context.Context, id string) error
	FindList(ctx context.Context, id string) (*List, error)
	FindLists(ctx context.Context, accountID string) ([]*List, error)
	// FindListsWithMembers finds the lists holding any of the actors: the lists of the
	// account with ownerID, or every account's when it is "" (whose list streams a post of
	// theirs belongs in).
	FindListsWithMembers(ctx context.Context, ownerID string, actors []string) ([]*List, error)
	AddListMembers(ctx context.Context, listID string, actors []string, at time.Time) error
	RemoveListMembers(ctx context.Context, listID string, actors []string) error
	FindListMembers(ctx context.Context, listID string) ([]string, error)
}

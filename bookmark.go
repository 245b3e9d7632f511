package convene

import (
	"context"
	"time"
)

// Bookmark is a post or an event that a local account saved for later (Mastodon's
// bookmark): exactly one of PostID and EventID is set.
type Bookmark struct {
	ID        string    `db:"id"`
	AccountID string    `db:"account_id"`
	PostID    string    `db:"post_id"`
	EventID   string    `db:"event_id"`
	CreatedAt time.Time `db:"created_at"`
}

// StatusID is the id of the post or event saved.
func (b *Bookmark) StatusID() string {
	if b.PostID != "" {
		return b.PostID
	}
	return b.EventID
}

// BookmarkFilter pages an account's bookmarks by their own ids, as TimelineFilter pages a
// timeline: newest first, or with MinID the oldest newer ones, ascending.
type BookmarkFilter struct {
	AccountID             string
	MaxID, SinceID, MinID string
	Limit                 int
}

// BookmarkStore keeps bookmarks.
type BookmarkStore interface {
	// CreateBookmark saves a bookmark; saving the same post or event twice is an ECONFLICT.
	CreateBookmark(ctx context.Context, b *Bookmark) error
	// DeleteBookmark removes an account's bookmark of a post or event; ENOTFOUND if none.
	DeleteBookmark(ctx context.Context, accountID, statusID string) error
	// FindBookmarks lists an account's bookmarks.
	FindBookmarks(ctx context.Context, f BookmarkFilter) ([]Bookmark, error)
	// FindBookmarkedIDs says which of the posts and events (by id) the account saved.
	FindBookmarkedIDs(ctx context.Context, accountID string, ids []string) ([]string, error)
}

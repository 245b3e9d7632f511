package db

import (
	"context"
	"fmt"

	"github.com/convene-social/convene"
)

// CreateBookmark implements convene.BookmarkStore.
func (s *store) CreateBookmark(ctx context.Context, b *convene.Bookmark) error {
	_, err := s.execContext(ctx, `INSERT INTO bookmarks (id, account_id, post_id, event_id, created_at)
		VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''), ?)`, b.ID, b.AccountID, b.PostID, b.EventID, b.CreatedAt.UTC())
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return convene.Errorf(convene.ECONFLICT, "you saved that already")
	}
	if err != nil {
		return fmt.Errorf("create bookmark: %w", err)
	}
	return nil
}

// DeleteBookmark implements convene.BookmarkStore.
func (s *store) DeleteBookmark(ctx context.Context, accountID, statusID string) error {
	n, err := s.execContext(ctx, `DELETE FROM bookmarks WHERE account_id = ? AND (post_id = ? OR event_id = ?)`,
		accountID, statusID, statusID)
	if err != nil {
		return fmt.Errorf("delete bookmark: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "you did not save that")
	}
	return nil
}

// FindBookmarks implements convene.BookmarkStore.
func (s *store) FindBookmarks(ctx context.Context, f convene.BookmarkFilter) ([]convene.Bookmark, error) {
	w := &where{}
	w.add("account_id = ?", f.AccountID)
	var out []convene.Bookmark
	if err := s.selectContext(ctx, &out, `SELECT id, account_id, COALESCE(post_id, '') AS post_id,
		COALESCE(event_id, '') AS event_id, created_at FROM bookmarks`+idBounds(w, f.MaxID, f.SinceID, f.MinID, f.Limit),
		w.args...); err != nil {
		return nil, fmt.Errorf("find bookmarks: %w", err)
	}
	for i := range out {
		out[i].CreatedAt = out[i].CreatedAt.UTC()
	}
	return out, nil
}

// FindBookmarkedIDs implements convene.BookmarkStore: one query for a page of statuses.
func (s *store) FindBookmarkedIDs(ctx context.Context, accountID string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in := placeholders(len(ids))
	args := append(append([]any{accountID}, anys(ids)...), anys(ids)...)
	var saved []string
	if err := s.selectContext(ctx, &saved, `SELECT COALESCE(post_id, event_id) FROM bookmarks
		WHERE account_id = ? AND (post_id IN (`+in+`) OR event_id IN (`+in+`))`, args...); err != nil {
		return nil, fmt.Errorf("find bookmarked ids: %w", err)
	}
	return saved, nil
}

package service

import (
	"context"
	"slices"
	"strings"

	"github.com/convene-social/convene"
)

// BookmarkedItem is a saved post or event with the bookmark's own id, by which the list of
// bookmarks pages (a bookmark made today of an old post comes first).
type BookmarkedItem struct {
	BookmarkID string
	TimelineItem
}

// Bookmark saves a post or event the signed-in account can see. Saving it twice is an
// ECONFLICT.
func (s *Service) Bookmark(ctx context.Context, id string) error {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return err
	}
	item, err := s.FindStatus(ctx, id)
	if err != nil {
		return err
	}
	now := s.timestamp()
	b := &convene.Bookmark{ID: convene.NewIDAt(now), AccountID: me.ID, CreatedAt: now}
	if item.Post != nil {
		b.PostID = item.Post.ID
	} else {
		b.EventID = item.Event.ID
	}
	return s.store.CreateBookmark(ctx, b)
}

// Unbookmark forgets the signed-in account's bookmark of a post or event; ENOTFOUND if it
// had none.
func (s *Service) Unbookmark(ctx context.Context, id string) error {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return err
	}
	return s.store.DeleteBookmark(ctx, me.ID, id)
}

// Bookmarks lists what the signed-in account saved, newest bookmark first, paged by the
// bookmarks' ids. What it can no longer see (it left a members-only community, the event
// was withdrawn) is left out but stays saved.
func (s *Service) Bookmarks(ctx context.Context, q TimelineQuery) ([]BookmarkedItem, error) {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	marks, err := s.store.FindBookmarks(ctx, convene.BookmarkFilter{AccountID: me.ID, MaxID: q.MaxID, SinceID: q.SinceID,
		MinID: q.MinID, Limit: q.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]BookmarkedItem, 0, len(marks))
	for _, b := range marks {
		item, err := s.FindStatus(ctx, b.StatusID())
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, BookmarkedItem{BookmarkID: b.ID, TimelineItem: item})
	}
	slices.SortFunc(out, func(a, b BookmarkedItem) int { return strings.Compare(b.BookmarkID, a.BookmarkID) })
	return out, nil
}

// Bookmarked says which of the posts and events (by id) the signed-in account saved; nobody
// signed in has saved nothing.
func (s *Service) Bookmarked(ctx context.Context, ids []string) (map[string]bool, error) {
	me := convene.PrincipalFrom(ctx).Account
	if me == nil || len(ids) == 0 {
		return map[string]bool{}, nil
	}
	saved, err := s.store.FindBookmarkedIDs(ctx, me.ID, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(saved))
	for _, id := range saved {
		out[id] = true
	}
	return out, nil
}

package db

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/convene-social/convene"
)

// FindTagUses implements convene.TrendStore. Posts are stored after they are published, so
// the id bound (indexed) keeps every post published since, and a few more for published_at.
func (s *store) FindTagUses(ctx context.Context, since time.Time, limit int) ([]convene.TagUse, error) {
	var uses []convene.TagUse
	if err := s.selectContext(ctx, &uses, `SELECT t.tag, p.author_iri, p.published_at FROM post_tags t
		JOIN posts p ON p.id = t.post_id
		WHERE p.id >= ? AND p.published_at >= ? AND p.visibility = ? AND p.deleted_at IS NULL
		ORDER BY p.id DESC LIMIT `+strconv.Itoa(max(limit, 1)), convene.FirstIDAt(since), since.UTC(), convene.VisibilityPublic); err != nil {
		return nil, fmt.Errorf("find tag uses: %w", err)
	}
	for i := range uses {
		uses[i].PublishedAt = uses[i].PublishedAt.UTC()
	}
	return uses, nil
}

// FindTrendingPosts implements convene.TrendStore.
func (s *store) FindTrendingPosts(ctx context.Context, since time.Time, f convene.SearchFilter) ([]*convene.Post, error) {
	var list []*convene.Post
	if err := s.selectContext(ctx, &list, `SELECT `+postColumns+` FROM posts
		WHERE id >= ? AND published_at >= ? AND visibility = ? AND deleted_at IS NULL
		AND (like_count > 0 OR id IN (SELECT post_id FROM boosts))
		ORDER BY like_count + (SELECT COUNT(*) FROM boosts b WHERE b.post_id = posts.id) DESC, id DESC`+searchPage(f),
		convene.FirstIDAt(since), since.UTC(), convene.VisibilityPublic); err != nil {
		return nil, fmt.Errorf("find trending posts: %w", err)
	}
	for _, p := range list {
		normalizePost(p)
	}
	return list, nil
}

package convene

import (
	"context"
	"time"
)

// TagUse is one public post's use of a hashtag: what trending hashtags are counted from.
type TagUse struct {
	Tag         string    `db:"tag"`
	AuthorIRI   string    `db:"author_iri"`
	PublishedAt time.Time `db:"published_at"`
}

// TrendStore reads what has been talked about lately.
type TrendStore interface {
	// FindTagUses lists the hashtag uses of public posts published since since, newest
	// first, at most limit.
	FindTagUses(ctx context.Context, since time.Time, limit int) ([]TagUse, error)
	// FindTrendingPosts ranks public posts published since since that someone liked or
	// boosted, by likes and boosts together.
	FindTrendingPosts(ctx context.Context, since time.Time, f SearchFilter) ([]*Post, error)
}

package db

import (
	"context"
	"fmt"
	"time"

	"github.com/convene-social/convene"
)

// CountPosts implements convene.StatsStore. Each filter field maps onto an index: posts_author
// (author_iri, id) for an author or a prefix range of authors, posts_remote_community_threads
// for a community's threads.
func (s *store) CountPosts(ctx context.Context, f convene.PostCountFilter) (convene.PostCount, error) {
	w := &where{}
	w.add("deleted_at IS NULL")
	if f.AuthorIRI != "" {
		w.add("author_iri = ?", f.AuthorIRI)
	}
	if f.AuthorPrefix != "" {
		w.add("author_iri >= ? AND author_iri < ?", f.AuthorPrefix, prefixEnd(f.AuthorPrefix))
	}
	if f.CommunityIRI != "" {
		w.add("community_iri = ?", f.CommunityIRI)
	}
	if f.ThreadsOnly {
		w.add("parent_id = ''")
	}
	var c convene.PostCount
	if err := s.getContext(ctx, &c.N, `SELECT COUNT(*) FROM posts`+w.String(), w.args...); err != nil {
		return c, fmt.Errorf("count posts: %w", err)
	}
	if c.N == 0 {
		return c, nil
	}
	var latest time.Time
	if err := s.getContext(ctx, &latest, `SELECT published_at FROM posts`+w.String()+` ORDER BY id DESC LIMIT 1`, w.args...); err != nil {
		return c, fmt.Errorf("latest post: %w", err)
	}
	c.Latest = utc(latest)
	return c, nil
}

// prefixEnd is the least string greater than every string starting with prefix (its last
// byte incremented), so "x >= prefix AND x < prefixEnd" is a range an index can serve.
func prefixEnd(prefix string) string {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return "\xff" // unreachable for IRIs, which are ASCII
}

// CountRemoteDomains implements convene.StatsStore.
func (s *store) CountRemoteDomains(ctx context.Context) (int, error) {
	var n int
	if err := s.getContext(ctx, &n, `SELECT COUNT(DISTINCT domain) FROM remote_actors`); err != nil {
		return 0, fmt.Errorf("count remote domains: %w", err)
	}
	return n, nil
}

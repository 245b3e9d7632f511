package db

import (
	"context"
	"fmt"
)

// FindLikedPostIDs implements convene.PostStore. The likes primary key starts with post_id,
// so the thread's posts come from posts_thread and each is one key lookup in likes.
func (s *store) FindLikedPostIDs(ctx context.Context, actorIRI, threadID string) ([]string, error) {
	var ids []string
	err := s.selectContext(ctx, &ids, `SELECT l.post_id FROM likes l JOIN posts p ON p.id = l.post_id
		WHERE p.thread_id = ? AND l.actor_iri = ? ORDER BY l.post_id`, threadID, actorIRI)
	if err != nil {
		return nil, fmt.Errorf("find liked posts: %w", err)
	}
	return ids, nil
}

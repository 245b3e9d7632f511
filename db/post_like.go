package db

import (
	"context"
	"fmt"
	"strconv"
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

// FindLikers implements convene.PostStore: the primary key (post_id, actor_iri) finds them.
func (s *store) FindLikers(ctx context.Context, postID string, limit int) ([]string, error) {
	var actors []string
	err := s.selectContext(ctx, &actors, `SELECT actor_iri FROM likes WHERE post_id = ?
		ORDER BY created_at DESC, actor_iri LIMIT `+strconv.Itoa(pageLimit(limit)), postID)
	if err != nil {
		return nil, fmt.Errorf("find likers: %w", err)
	}
	return actors, nil
}

package db

import (
	"context"
	"fmt"

	"github.com/convene-social/convene"
)

// SetActorPicture implements convene.PictureStore.
func (s *store) SetActorPicture(ctx context.Context, actorID string, p convene.Picture, key string) (string, error) {
	column := "avatar_key"
	if p == convene.PictureHeader {
		column = "header_key"
	}
	var old string
	if err := s.getContext(ctx, &old, `SELECT `+column+` FROM actors WHERE id = ?`+s.forUpdate(), actorID); err != nil {
		return "", notFound(err, "actor not found")
	}
	if _, err := s.execContext(ctx, `UPDATE actors SET `+column+` = ? WHERE id = ?`, key, actorID); err != nil {
		return "", fmt.Errorf("set %s: %w", p, err)
	}
	return old, nil
}

// IsActorPicture implements convene.PictureStore.
func (s *store) IsActorPicture(ctx context.Context, key string) (bool, error) {
	if key == "" {
		return false, nil
	}
	// The "<> ''" terms let the partial indexes serve the lookup.
	var n int
	if err := s.getContext(ctx, &n, `SELECT COUNT(*) FROM actors
		WHERE (avatar_key = ? AND avatar_key <> '') OR (header_key = ? AND header_key <> '')`, key, key); err != nil {
		return false, fmt.Errorf("find picture: %w", err)
	}
	return n > 0, nil
}

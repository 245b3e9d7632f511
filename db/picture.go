package db

import (
	"context"
	"fmt"

	"github.com/convene-social/convene"
)

// SetActorPicture implements convene.PictureStore.
func (s *store) SetActorPicture(ctx context.Context, actorID string, p convene.Picture, key string) error {
	column := "avatar_key"
	if p == convene.PictureHeader {
		column = "header_key"
	}
	n, err := s.execContext(ctx, `UPDATE actors SET `+column+` = ? WHERE id = ?`, key, actorID)
	if err != nil {
		return fmt.Errorf("set %s: %w", p, err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "actor not found")
	}
	return nil
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

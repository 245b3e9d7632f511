package db

import (
	"context"
	"fmt"
	"strconv"

	"github.com/convene-social/convene"
)

// CreateBoost implements convene.BoostStore.
func (s *store) CreateBoost(ctx context.Context, b *convene.Boost) error {
	_, err := s.execContext(ctx, `INSERT INTO boosts (id, account_id, post_id, activity_iri, created_at) VALUES (?, ?, ?, ?, ?)`,
		b.ID, b.AccountID, b.PostID, b.ActivityIRI, b.CreatedAt.UTC())
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return convene.Errorf(convene.ECONFLICT, "you boosted that already")
	}
	if err != nil {
		return fmt.Errorf("create boost: %w", err)
	}
	return nil
}

const boostColumns = `id, account_id, post_id, activity_iri, created_at`

// FindBoostByID implements convene.BoostStore.
func (s *store) FindBoostByID(ctx context.Context, id string) (*convene.Boost, error) {
	var b convene.Boost
	if err := s.getContext(ctx, &b, `SELECT `+boostColumns+` FROM boosts WHERE id = ?`, id); err != nil {
		return nil, notFound(err, "boost not found")
	}
	b.CreatedAt = b.CreatedAt.UTC()
	return &b, nil
}

// DeleteBoost implements convene.BoostStore.
func (s *store) DeleteBoost(ctx context.Context, accountID, postID string) (*convene.Boost, error) {
	var b convene.Boost
	err := s.inTx(ctx, func(t *store) error {
		if err := t.getContext(ctx, &b, `SELECT `+boostColumns+` FROM boosts
			WHERE account_id = ? AND post_id = ?`, accountID, postID); err != nil {
			return notFound(err, "you did not boost that")
		}
		_, err := t.execContext(ctx, `DELETE FROM boosts WHERE id = ?`, b.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	b.CreatedAt = b.CreatedAt.UTC()
	return &b, nil
}

// FindBoosters implements convene.BoostStore.
func (s *store) FindBoosters(ctx context.Context, postID string, limit int) ([]string, error) {
	var ids []string
	if err := s.selectContext(ctx, &ids, `SELECT account_id FROM boosts WHERE post_id = ? ORDER BY id DESC LIMIT `+
		strconv.Itoa(pageLimit(limit)), postID); err != nil {
		return nil, fmt.Errorf("find boosters: %w", err)
	}
	return ids, nil
}

// CountBoosts implements convene.BoostStore: one query for a page of posts.
func (s *store) CountBoosts(ctx context.Context, postIDs []string) (map[string]int, error) {
	counts := map[string]int{}
	if len(postIDs) == 0 {
		return counts, nil
	}
	var rows []struct {
		PostID string `db:"post_id"`
		N      int    `db:"n"`
	}
	if err := s.selectContext(ctx, &rows, `SELECT post_id, COUNT(*) AS n FROM boosts WHERE post_id IN (`+
		placeholders(len(postIDs))+`) GROUP BY post_id`, anys(postIDs)...); err != nil {
		return nil, fmt.Errorf("count boosts: %w", err)
	}
	for _, r := range rows {
		counts[r.PostID] = r.N
	}
	return counts, nil
}

// FindBoostedPostIDs implements convene.BoostStore.
func (s *store) FindBoostedPostIDs(ctx context.Context, accountID string, postIDs []string) ([]string, error) {
	if len(postIDs) == 0 {
		return nil, nil
	}
	var ids []string
	if err := s.selectContext(ctx, &ids, `SELECT post_id FROM boosts WHERE account_id = ? AND post_id IN (`+
		placeholders(len(postIDs))+`)`, append([]any{accountID}, anys(postIDs)...)...); err != nil {
		return nil, fmt.Errorf("find boosts: %w", err)
	}
	return ids, nil
}

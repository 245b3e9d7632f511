package db

import (
	"context"
	"fmt"
	"time"

	"github.com/convene-social/convene"
)

const shareColumns = `id, object_iri, object_type, community_iri, COALESCE(community_id, '') AS community_id, shared_by,
	state, activity_iri, created_at, updated_at`

const shareInsertColumns = `id, object_iri, object_type, community_iri, community_id, shared_by,
	state, activity_iri, created_at, updated_at`

// CreateShare implements convene.EventStore.
func (s *store) CreateShare(ctx context.Context, sh *convene.Share) error {
	var communityID any // NULL when the community is elsewhere
	if sh.CommunityID != "" {
		communityID = sh.CommunityID
	}
	_, err := s.execContext(ctx, `INSERT INTO shares (`+shareInsertColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sh.ID, sh.ObjectIRI, sh.ObjectType, sh.CommunityIRI, communityID, sh.SharedBy,
		sh.State, sh.ActivityIRI, sh.CreatedAt.UTC(), sh.UpdatedAt.UTC())
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return convene.Errorf(convene.ECONFLICT, "already shared with this community")
	}
	if err != nil {
		return fmt.Errorf("create share: %w", err)
	}
	return nil
}

// FindShare implements convene.EventStore.
func (s *store) FindShare(ctx context.Context, objectIRI, communityIRI string) (*convene.Share, error) {
	return s.findShare(ctx, "object_iri = ? AND community_iri = ?", objectIRI, communityIRI)
}

// FindShareByID implements convene.EventStore.
func (s *store) FindShareByID(ctx context.Context, id string) (*convene.Share, error) {
	return s.findShare(ctx, "id = ?", id)
}

func (s *store) findShare(ctx context.Context, cond string, args ...any) (*convene.Share, error) {
	var sh convene.Share
	if err := s.getContext(ctx, &sh, `SELECT `+shareColumns+` FROM shares WHERE `+cond, args...); err != nil {
		return nil, notFound(err, "share not found")
	}
	return normalizeShare(&sh), nil
}

// UpdateShareState implements convene.EventStore. An empty activityIRI keeps the one
// recorded, so that accepting a remote Create's share does not forget that Create.
func (s *store) UpdateShareState(ctx context.Context, id string, state convene.ShareState, activityIRI string, at time.Time) error {
	n, err := s.execContext(ctx, `UPDATE shares SET state = ?, activity_iri = COALESCE(NULLIF(?, ''), activity_iri), updated_at = ?
		WHERE id = ?`, state, activityIRI, at.UTC(), id)
	if err != nil {
		return fmt.Errorf("update share: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "share not found")
	}
	return nil
}

// DeleteShare implements convene.EventStore.
func (s *store) DeleteShare(ctx context.Context, id string) error {
	n, err := s.execContext(ctx, `DELETE FROM shares WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete share: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "share not found")
	}
	return nil
}

// FindShares implements convene.EventStore.
func (s *store) FindShares(ctx context.Context, objectIRI string) ([]*convene.Share, error) {
	return s.findShares(ctx, "object_iri = ?", objectIRI)
}

// FindCommunityShares implements convene.EventStore.
func (s *store) FindCommunityShares(ctx context.Context, communityID string, state convene.ShareState) ([]*convene.Share, error) {
	return s.findShares(ctx, "community_id = ? AND state = ?", communityID, state)
}

// findShares lists shares oldest first (IDs are ULIDs, so in the order they were recorded).
func (s *store) findShares(ctx context.Context, cond string, args ...any) ([]*convene.Share, error) {
	var list []*convene.Share
	if err := s.selectContext(ctx, &list, `SELECT `+shareColumns+` FROM shares WHERE `+cond+` ORDER BY id`, args...); err != nil {
		return nil, fmt.Errorf("find shares: %w", err)
	}
	for _, sh := range list {
		normalizeShare(sh)
	}
	return list, nil
}

func normalizeShare(sh *convene.Share) *convene.Share {
	sh.CreatedAt, sh.UpdatedAt = utc(sh.CreatedAt), utc(sh.UpdatedAt)
	return sh
}

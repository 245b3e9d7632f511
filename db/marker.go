package db

import (
	"context"
	"fmt"
	"time"

	"github.com/convene-social/convene"
)

const markerColumns = `account_id, timeline, last_read_id, version, updated_at`

// FindMarkers implements convene.MarkerStore.
func (s *store) FindMarkers(ctx context.Context, accountID string, timelines []string) ([]*convene.Marker, error) {
	if len(timelines) == 0 {
		return nil, nil
	}
	args := append([]any{accountID}, anys(timelines)...)
	var list []*convene.Marker
	if err := s.selectContext(ctx, &list, `SELECT `+markerColumns+` FROM markers WHERE account_id = ? AND timeline IN (`+
		placeholders(len(timelines))+`) ORDER BY timeline`, args...); err != nil {
		return nil, fmt.Errorf("find markers: %w", err)
	}
	for _, m := range list {
		m.UpdatedAt = m.UpdatedAt.UTC()
	}
	return list, nil
}

// SaveMarker implements convene.MarkerStore: one upsert, so concurrent saves from two apps
// each count.
func (s *store) SaveMarker(ctx context.Context, accountID, timeline, lastReadID string, at time.Time) (*convene.Marker, error) {
	var m convene.Marker
	err := s.inTx(ctx, func(t *store) error {
		if _, err := t.execContext(ctx, `INSERT INTO markers (`+markerColumns+`) VALUES (?, ?, ?, 1, ?)
			ON CONFLICT (account_id, timeline) DO UPDATE SET last_read_id = excluded.last_read_id,
			version = markers.version + 1, updated_at = excluded.updated_at`, accountID, timeline, lastReadID, at.UTC()); err != nil {
			return err
		}
		return t.getContext(ctx, &m, `SELECT `+markerColumns+` FROM markers WHERE account_id = ? AND timeline = ?`, accountID, timeline)
	})
	if err != nil {
		return nil, fmt.Errorf("save marker: %w", err)
	}
	m.UpdatedAt = m.UpdatedAt.UTC()
	return &m, nil
}

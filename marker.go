package convene

import (
	"context"
	"time"
)

// Marker is where an account stopped reading a timeline ("home" or "notifications").
type Marker struct {
	AccountID  string    `db:"account_id"`
	Timeline   string    `db:"timeline"`
	LastReadID string    `db:"last_read_id"`
	Version    int       `db:"version"` // how many times it was saved
	UpdatedAt  time.Time `db:"updated_at"`
}

// MarkerStore keeps markers.
type MarkerStore interface {
	// FindMarkers returns the account's markers of the given timelines that exist.
	FindMarkers(ctx context.Context, accountID string, timelines []string) ([]*Marker, error)
	// SaveMarker moves a marker (creating it at version 1) and returns it as saved.
	SaveMarker(ctx context.Context, accountID, timeline, lastReadID string, at time.Time) (*Marker, error)
}

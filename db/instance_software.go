package db

import (
	"context"
	"fmt"
	"time"
)

// FindInstanceSoftware implements convene.FederationStore.
func (s *store) FindInstanceSoftware(ctx context.Context, host string) (string, time.Time, error) {
	var row struct {
		Software  string    `db:"software"`
		FetchedAt time.Time `db:"fetched_at"`
	}
	if err := s.getContext(ctx, &row, `SELECT software, fetched_at FROM instances WHERE host = ?`, host); err != nil {
		return "", time.Time{}, notFound(err, "instance not known")
	}
	return row.Software, utc(row.FetchedAt), nil
}

// UpsertInstanceSoftware implements convene.FederationStore.
func (s *store) UpsertInstanceSoftware(ctx context.Context, host, software, version string, at time.Time) error {
	_, err := s.execContext(ctx, `INSERT INTO instances (host, software, version, fetched_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (host) DO UPDATE SET software = excluded.software, version = excluded.version, fetched_at = excluded.fetched_at`,
		host, software, version, at)
	if err != nil {
		return fmt.Errorf("record instance software: %w", err)
	}
	return nil
}

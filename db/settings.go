package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/convene-social/convene"
)

// FindInstanceSettings implements convene.SettingsStore.
func (s *store) FindInstanceSettings(ctx context.Context) (convene.InstanceSettings, error) {
	var set convene.InstanceSettings
	err := s.getContext(ctx, &set, `SELECT name, description, registration, updated_at FROM instance_settings WHERE id = 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return convene.InstanceSettings{}, nil
	}
	if err != nil {
		return set, fmt.Errorf("find instance settings: %w", translate(err))
	}
	set.UpdatedAt = utc(set.UpdatedAt)
	return set, nil
}

// SaveInstanceSettings implements convene.SettingsStore.
func (s *store) SaveInstanceSettings(ctx context.Context, set convene.InstanceSettings) error {
	_, err := s.execContext(ctx, `INSERT INTO instance_settings (id, name, description, registration, updated_at)
		VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,
		description = excluded.description, registration = excluded.registration, updated_at = excluded.updated_at`,
		set.Name, set.Description, set.Registration, set.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("save instance settings: %w", err)
	}
	return nil
}

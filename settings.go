package convene

import (
	"context"
	"time"
)

// InstanceSettings are what an admin changes about the instance while it runs, kept in the
// database so that they survive restarts and every process sharing the database agrees.
type InstanceSettings struct {
	Name        string `db:"name"`        // display name; empty means the domain
	Description string `db:"description"` // markdown, a short introduction on the home page
	// Registration overrides the configured registration mode; empty keeps the configured one.
	Registration RegistrationMode `db:"registration"`
	UpdatedAt    time.Time        `db:"updated_at"` // zero until an admin first saves
}

// SettingsStore keeps the instance settings.
type SettingsStore interface {
	// FindInstanceSettings returns the stored settings; the zero value before the first save.
	FindInstanceSettings(ctx context.Context) (InstanceSettings, error)
	// SaveInstanceSettings replaces the stored settings.
	SaveInstanceSettings(ctx context.Context, s InstanceSettings) error
}

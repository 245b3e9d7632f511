package db

import (
	"context"
	"time"
)

// RecordSchemaVersionForTest marks the database as migrated to version, as a newer binary would.
func (d *DB) RecordSchemaVersionForTest(ctx context.Context, version int) error {
	_, err := d.execContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		version, "from_the_future.sql", time.Now().UTC().Format(time.RFC3339))
	return err
}

package db

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// migrationFiles holds the schema history per dialect: files named NNNN_what.sql, numbered
// from 1 without gaps, each applied once in its own transaction. They are forward-only: a
// shipped file is never edited; a change is a new file.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// ErrSchemaTooNew is returned when the database was migrated by a newer convene binary.
var ErrSchemaTooNew = errors.New("database schema is newer than this convene binary")

// migrationLockID is the PostgreSQL advisory lock that serializes migrations between
// processes starting at once ("conv" in ASCII). SQLite serializes them with BEGIN IMMEDIATE.
const migrationLockID = 0x636f6e76

func (d *DB) migrations() ([]migration, error) {
	dir := "migrations/" + string(d.dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var list []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		list = append(list, migration{version: version, name: e.Name(), sql: string(body)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	for i, m := range list {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return list, nil
}

// LatestVersion is the schema version this binary brings.
func (d *DB) LatestVersion() (int, error) {
	list, err := d.migrations()
	return len(list), err
}

// Migrate applies every migration the database lacks and reports how many it applied. It is
// safe to run from several processes at once and does nothing on an up-to-date database.
// A database already past this binary's latest version is refused with ErrSchemaTooNew.
func (d *DB) Migrate(ctx context.Context) (int, error) {
	list, err := d.migrations()
	if err != nil {
		return 0, err
	}
	applied := 0
	for {
		did, err := d.applyNext(ctx, list)
		if err != nil {
			return applied, err
		}
		if !did {
			return applied, nil
		}
		applied++
	}
}

// versionTable records which migrations ran. It is created under the migration lock, since
// PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin.
const versionTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`

// applyNext applies the one migration after the current version, in a transaction that
// first locks out other migrators and re-reads the version under that lock.
func (d *DB) applyNext(ctx context.Context, list []migration) (bool, error) {
	did := false
	err := d.inTx(ctx, func(s *store) error {
		if d.dialect == Postgres {
			if _, err := s.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockID); err != nil {
				return err
			}
		}
		if _, err := s.tx.ExecContext(ctx, versionTable); err != nil {
			return err
		}
		current, err := s.schemaVersion(ctx)
		if err != nil {
			return err
		}
		if current > len(list) {
			return tooNew(current, len(list))
		}
		if current == len(list) {
			return nil
		}
		m := list[current]
		if _, err := s.tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		_, err = s.tx.ExecContext(ctx, s.rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
			m.version, m.name, time.Now().UTC().Format(time.RFC3339))
		did = true
		return err
	})
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	return did, nil
}

func tooNew(current, latest int) error {
	return fmt.Errorf("%w: the database is at schema version %d but this binary knows only up to %d; run a newer convene (or restore a backup made for this version)",
		ErrSchemaTooNew, current, latest)
}

// SchemaVersion reports the version of the database's schema (0 for a new database).
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	return d.store.schemaVersion(ctx)
}

func (s *store) schemaVersion(ctx context.Context) (int, error) {
	exists, err := s.tableExists(ctx, "schema_migrations")
	if err != nil || !exists {
		return 0, err
	}
	var v int
	err = sqlx.GetContext(ctx, s.reader(), &v, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`)
	return v, err
}

func (s *store) tableExists(ctx context.Context, table string) (bool, error) {
	query := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if s.db.dialect == Postgres {
		query = `SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?`
	}
	var n int
	err := sqlx.GetContext(ctx, s.reader(), &n, s.rebind(query), table)
	return n > 0, err
}

// CheckSchema returns nil when the schema is exactly the version this binary expects, which
// is what readiness means: a server behind on migrations must not take traffic.
func (d *DB) CheckSchema(ctx context.Context) error {
	latest, err := d.LatestVersion()
	if err != nil {
		return err
	}
	current, err := d.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case current > latest:
		return tooNew(current, latest)
	case current < latest:
		return fmt.Errorf("database schema is at version %d of %d: run convene migrate", current, latest)
	}
	return nil
}

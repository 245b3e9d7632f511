// Package db stores Convene's domain in SQLite (the default, through the pure-Go
// modernc.org/sqlite) or PostgreSQL (through lib/pq), both via sqlx. SQL is written once with
// "?" placeholders and rebound per dialect; dialect branches exist only where unavoidable.
package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // registers "postgres"
	_ "modernc.org/sqlite" // registers "sqlite"

	"github.com/convene-social/convene"
)

// Dialect names the SQL database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. It implements convene.Store.
type DB struct {
	store

	dialect  Dialect
	bindType int
	// write takes every write. On SQLite it holds a single connection, so writers queue in Go
	// instead of failing with SQLITE_BUSY; on PostgreSQL it is the one shared pool.
	write *sqlx.DB
	// read serves reads outside transactions: a pool of read-only connections on SQLite
	// (WAL lets them run beside the writer), the same pool as write on PostgreSQL.
	read *sqlx.DB
	// reads keeps SQLite's read statements prepared.
	reads stmtCache

	blocks     blockCache
	inboxBatch inboxBatcher
}

var _ convene.Store = (*DB)(nil)

// Open connects to the database named by url: "sqlite:PATH" or "postgres://…"
// ("postgresql://" too). It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	var d *DB
	var err error
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		d, err = openSQLite(strings.TrimPrefix(url, "sqlite:"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		d, err = openPostgres(url)
	default:
		return nil, fmt.Errorf("open database: unsupported URL %q (want sqlite:PATH or postgres://…)", url)
	}
	if err != nil {
		return nil, err
	}
	d.store = store{db: d}
	if err := d.Ping(ctx); err == nil && d.dialect == SQLite {
		err = d.enableWAL(ctx)
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// enableWAL switches a SQLite file to write-ahead logging, so readers never block the writer.
// The mode is stored in the file; switching needs a moment alone with it, and SQLite answers
// SQLITE_BUSY at once (without its busy handler) if another process holds it, so retry.
func (d *DB) enableWAL(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		var mode string
		err := d.write.GetContext(ctx, &mode, "PRAGMA journal_mode=WAL")
		if err == nil && strings.EqualFold(mode, "wal") {
			return nil
		}
		if err == nil {
			return fmt.Errorf("open database: SQLite refused WAL mode (journal_mode=%s); is the file on a network filesystem?", mode)
		}
		if !isBusy(err) || time.Now().After(deadline) {
			return fmt.Errorf("open database: enable WAL: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func openSQLite(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: sqlite: needs a file path, e.g. sqlite:data/convene.db")
	}
	if path == ":memory:" || strings.ContainsAny(path, "?#") {
		// Each connection to :memory: is its own empty database, which a separate reader pool
		// cannot share; and "?" would be read as the start of the driver's options.
		return nil, fmt.Errorf("open database: sqlite path %q must be a plain file path", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// Pragmas on every connection: foreign keys are off in SQLite unless asked for; the busy
	// timeout covers other processes (a second convene migrate, a backup); times are written
	// in a format SQLite's own date functions read.
	common := "_foreign_keys=1&_busy_timeout=10000&_time_format=sqlite"
	write, err := sqlx.Open("sqlite", path+"?"+common+"&_synchronous=NORMAL&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)

	read, err := sqlx.Open("sqlite", path+"?"+common+"&_query_only=1")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	readers := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	return &DB{dialect: SQLite, bindType: sqlx.QUESTION, write: write, read: read}, nil
}

func openPostgres(url string) (*DB, error) {
	pool, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{dialect: Postgres, bindType: sqlx.DOLLAR, write: pool, read: pool}, nil
}

// Dialect reports which database this is.
func (d *DB) Dialect() Dialect { return d.dialect }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	if d.read != d.write {
		if err := d.read.PingContext(ctx); err != nil {
			return fmt.Errorf("ping database: %w", err)
		}
	}
	return nil
}

// Close closes every connection.
func (d *DB) Close() error {
	err := errors.Join(d.reads.close(), d.write.Close())
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// store implements convene.Store, either on the pools of a DB or inside one transaction.
type store struct {
	db *DB
	tx *sqlx.Tx // nil outside a transaction
	// onCommit runs after the transaction commits (cache invalidation must not run before,
	// or a concurrent reader could cache the old state again).
	onCommit []func()
}

// afterCommit runs fn once the current transaction commits, or now outside one.
func (s *store) afterCommit(fn func()) {
	if s.tx == nil {
		fn()
		return
	}
	s.onCommit = append(s.onCommit, fn)
}

// reader is what read queries run on: the transaction if there is one, else the read pool.
func (s *store) reader() sqlx.ExtContext {
	if s.tx != nil {
		return s.tx
	}
	return s.db.read
}

// writer is what single-statement writes run on.
func (s *store) writer() sqlx.ExtContext {
	if s.tx != nil {
		return s.tx
	}
	return s.db.write
}

// rebind turns "?" placeholders into the dialect's own.
func (s *store) rebind(query string) string {
	return sqlx.Rebind(s.db.bindType, query)
}

// InTx implements convene.Store. Inside a transaction it simply runs fn in that transaction:
// there are no nested transactions.
func (s *store) InTx(ctx context.Context, fn func(convene.Store) error) error {
	return s.inTx(ctx, func(t *store) error { return fn(t) })
}

// inTx runs fn in a transaction on the writer, or in the current one.
func (s *store) inTx(ctx context.Context, fn func(*store) error) (err error) {
	if s.tx != nil {
		return fn(s)
	}
	tx, err := s.db.write.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", translate(err))
	}
	t := &store{db: s.db, tx: tx}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
			return
		}
		if cerr := tx.Commit(); cerr != nil {
			err = fmt.Errorf("commit: %w", translate(cerr))
			return
		}
		for _, f := range t.onCommit {
			f()
		}
	}()
	return fn(t)
}

// utc makes a time read back from either driver comparable with ==: both return fixed zones.
func utc(t time.Time) time.Time {
	return t.UTC()
}

// utcPtr is utc for an optional time.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// Optimize lets SQLite refresh the statistics its query planner relies on; SQLite's
// documentation asks long-lived connections to run it now and then. PostgreSQL's autovacuum
// does the same on its own, so there it does nothing.
func (d *DB) Optimize(ctx context.Context) error {
	if d.dialect != SQLite {
		return nil
	}
	if _, err := d.write.ExecContext(ctx, "PRAGMA optimize"); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return nil
}

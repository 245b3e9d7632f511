// Package dbtest gives tests real, fresh, migrated databases on both dialects, so every store
// test runs on SQLite and on PostgreSQL.
//
// PostgreSQL comes from TEST_DATABASE_URL (a server where the user may create databases) or,
// failing that, from a throwaway cluster this package starts with the PostgreSQL server
// binaries under /usr/lib/postgresql/*/bin and stops when the tests end. Without either the
// PostgreSQL half is skipped with a message, unless CONVENE_TEST_REQUIRE names "postgres",
// which turns the skip into a failure (CI sets it). A package that uses PostgreSQL from here
// must call Main from its TestMain, so no server outlives the tests.
package dbtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convene-social/convene/db"
)

// Main runs the package's tests and then stops the PostgreSQL cluster they may have started.
func Main(m *testing.M) {
	mainCalled.Store(true)
	code := m.Run()
	stopCluster()
	os.Exit(code)
}

var mainCalled atomic.Bool

// Run runs fn once on a fresh SQLite database and once on a fresh PostgreSQL database, as
// the subtests "sqlite" and "postgres".
func Run(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

// OpenSQLite returns a migrated SQLite database in a temporary directory, closed at cleanup.
func OpenSQLite(t testing.TB) *db.DB {
	t.Helper()
	return openMigrated(t, SQLiteURL(t))
}

// SQLiteURL returns the URL of a new, empty SQLite database file in a temporary directory.
func SQLiteURL(t testing.TB) string {
	return "sqlite:" + t.TempDir() + "/convene.db"
}

// OpenPostgres returns a migrated, empty PostgreSQL database of its own, dropped at cleanup.
func OpenPostgres(t testing.TB) *db.DB {
	t.Helper()
	return openMigrated(t, PostgresURL(t))
}

// PostgresURL creates an empty PostgreSQL database for this test, dropped at cleanup, and
// returns its URL. It skips (or fails, when required) if no PostgreSQL is available.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin, err := adminURL()
	if err != nil {
		Unavailable(t, "postgres", err.Error())
	}
	name := fmt.Sprintf("convene_test_%d_%d", os.Getpid(), dbCounter.Add(1))
	adminDB := adminConn(t, admin)
	if _, err := adminDB.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		// FORCE ends connections a failed test may have left open (PostgreSQL 13+).
		if _, err := adminDB.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return withDatabase(admin, name)
}

var dbCounter atomic.Int64

// Unavailable skips t because what (e.g. "postgres", "chromium") is missing, or fails it when
// CONVENE_TEST_REQUIRE lists what.
func Unavailable(t testing.TB, what, why string) {
	t.Helper()
	if Required(what) {
		t.Fatalf("%s is required (CONVENE_TEST_REQUIRE=%s) but unavailable: %s", what, os.Getenv("CONVENE_TEST_REQUIRE"), why)
	}
	t.Skipf("SKIP: %s unavailable (%s); set CONVENE_TEST_REQUIRE=%s to make this a failure", what, why, what)
}

// Required reports whether CONVENE_TEST_REQUIRE (a comma-separated list) names what.
func Required(what string) bool {
	return slices.Contains(strings.Split(os.Getenv("CONVENE_TEST_REQUIRE"), ","), what)
}

func openMigrated(t testing.TB, url string) *db.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := db.Open(ctx, url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return d
}

// adminURL is the URL of a PostgreSQL database from which test databases are created.
func adminURL() (string, error) {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u, nil
	}
	if !mainCalled.Load() {
		return "", fmt.Errorf("the test package must call dbtest.Main from TestMain before it may start PostgreSQL")
	}
	clusterOnce.Do(func() { cluster, clusterErr = startCluster() })
	if clusterErr != nil {
		return "", clusterErr
	}
	return cluster.url, nil
}

var (
	clusterOnce sync.Once
	cluster     *pgCluster
	clusterErr  error
)

func stopCluster() {
	if cluster != nil {
		cluster.stop()
	}
}

// withDatabase returns url with its database name replaced.
func withDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	u.Path = "/" + name
	return u.String()
}

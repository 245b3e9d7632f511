package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustCreateAccount(t, d, "alice")
		for range 2 {
			n, err := d.Migrate(ctx)
			if err != nil || n != 0 {
				t.Fatalf("Migrate on an up-to-date database = %d, %v; want 0, nil", n, err)
			}
		}
		if err := d.CheckSchema(ctx); err != nil {
			t.Errorf("CheckSchema: %v", err)
		}
		if _, err := d.FindAccountByUsername(ctx, "alice"); err != nil {
			t.Errorf("data lost across migrate: %v", err)
		}
	})
}

func TestMigrateFreshDatabase(t *testing.T) {
	for name, url := range map[string]func(testing.TB) string{"sqlite": dbtest.SQLiteURL, "postgres": dbtest.PostgresURL} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			d, err := db.Open(ctx, url(t))
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if err := d.CheckSchema(ctx); err == nil {
				t.Error("CheckSchema passed before migrating")
			}
			latest, _ := d.LatestVersion()
			n, err := d.Migrate(ctx)
			if err != nil || n != latest {
				t.Fatalf("Migrate = %d, %v; want %d", n, err, latest)
			}
			if v, _ := d.SchemaVersion(ctx); v != latest {
				t.Errorf("SchemaVersion = %d, want %d", v, latest)
			}
		})
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		latest, _ := d.LatestVersion()
		// Pretend a newer binary migrated this database.
		if err := d.RecordSchemaVersionForTest(ctx, latest+1); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Migrate(ctx); !errors.Is(err, db.ErrSchemaTooNew) {
			t.Errorf("Migrate = %v, want ErrSchemaTooNew", err)
		}
		if err := d.CheckSchema(ctx); !errors.Is(err, db.ErrSchemaTooNew) {
			t.Errorf("CheckSchema = %v, want ErrSchemaTooNew", err)
		}
	})
}

func TestMigrateConcurrently(t *testing.T) {
	for name, url := range map[string]func(testing.TB) string{"sqlite": dbtest.SQLiteURL, "postgres": dbtest.PostgresURL} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			u := url(t)
			errs := make(chan error, 4)
			for range 4 {
				go func() {
					d, err := db.Open(ctx, u)
					if err == nil {
						_, err = d.Migrate(ctx)
						d.Close()
					}
					errs <- err
				}()
			}
			for range 4 {
				if err := <-errs; err != nil {
					t.Errorf("concurrent migrate: %v", err)
				}
			}
		})
	}
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	for _, url := range []string{"mysql://x", "sqlite:", "sqlite::memory:", "data.db"} {
		if _, err := db.Open(context.Background(), url); err == nil {
			t.Errorf("Open(%q) succeeded", url)
		}
	}
}

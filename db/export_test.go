package db

import (
	"context"
	"fmt"
	"time"

	"github.com/convene-social/convene"
)

// RecordSchemaVersionForTest marks the database as migrated to version, as a newer binary would.
func (d *DB) RecordSchemaVersionForTest(ctx context.Context, version int) error {
	_, err := d.execContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		version, "from_the_future.sql", time.Now().UTC().Format(time.RFC3339))
	return err
}

// SeedPostsForTest inserts n posts into a community quickly (one multi-row statement per
// batch): a thread every 10 posts, the rest replies, a tenth community-only.
func (d *DB) SeedPostsForTest(ctx context.Context, communityID string, n int) error {
	const batch = 500
	threadID := ""
	for start := 0; start < n; start += batch {
		query := `INSERT INTO posts (id, iri, community_id, community_iri, thread_id, parent_id, author_iri, content, visibility, published_at) VALUES `
		var args []any
		for i := start; i < min(n, start+batch); i++ {
			if i > start {
				query += ", "
			}
			query += "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			id := convene.NewID()
			parent, visibility := "", convene.VisibilityPublic
			if i%10 == 0 {
				threadID = id
			} else {
				parent = threadID
			}
			if i%100 == 0 {
				visibility = convene.VisibilityCommunity
			}
			args = append(args, id, "https://convene.test/p/"+id, communityID, "https://convene.test/c/x", threadID, parent,
				"https://convene.test/u/a", "<p>post</p>", visibility, time.Now().UTC())
		}
		if _, err := d.write.ExecContext(ctx, d.write.Rebind(query), args...); err != nil {
			return err
		}
	}
	// Fresh statistics, as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) would gather.
	_, err := d.write.ExecContext(ctx, "ANALYZE posts")
	return err
}

// ExplainForTest returns the query plan of a statement with "?" placeholders.
func (d *DB) ExplainForTest(ctx context.Context, query string, args ...any) (string, error) {
	prefix := "EXPLAIN QUERY PLAN "
	if d.dialect == Postgres {
		prefix = "EXPLAIN "
	}
	rows, err := d.read.QueryContext(ctx, d.read.Rebind(prefix+query), args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		plan += fmt.Sprintln(vals...)
	}
	return plan, rows.Err()
}

// EventsQueryForTest is the statement FindEvents runs for f, for benchmarks to explain.
func EventsQueryForTest(f convene.EventFilter) (string, []any) { return eventsQuery(f) }

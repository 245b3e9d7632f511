package db

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/convene-social/convene"
)

// EnqueueActivity implements convene.FederationStore.
func (s *store) EnqueueActivity(ctx context.Context, a *convene.Activity) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("enqueue activity: %w", err)
	}
	_, err = s.execContext(ctx, `INSERT INTO outbox (id, actor_iri, type, activity, created_at) VALUES (?, ?, ?, ?, ?)`,
		a.ID, a.Actor, a.Type, string(body), a.Published)
	if err != nil {
		return fmt.Errorf("enqueue activity: %w", err)
	}
	return nil
}

// FindActivity implements convene.FederationStore.
func (s *store) FindActivity(ctx context.Context, id string) (*convene.Activity, error) {
	var body string
	if err := s.getContext(ctx, &body, `SELECT activity FROM outbox WHERE id = ?`, id); err != nil {
		return nil, notFound(err, "activity not found")
	}
	return decodeActivity(body)
}

func decodeActivity(body string) (*convene.Activity, error) {
	var a convene.Activity
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		return nil, fmt.Errorf("decode activity: %w", err)
	}
	a.Published = a.Published.UTC()
	return &a, nil
}

// skipLocked lets several PostgreSQL processes claim rows without waiting on each other.
// SQLite has a single writer, so claims never overlap there.
func (s *store) skipLocked() string {
	if s.db.dialect == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// forUpdate locks the rows a PostgreSQL read finds until the transaction ends. SQLite's
// single writer serializes transactions already.
func (s *store) forUpdate() string {
	if s.db.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// claim leases up to n due rows of table by setting locked_until, and scans the given
// columns of the claimed rows into dest. A lease that runs out (a crashed worker) makes the
// row claimable again, which is what keeps at-least-once delivery across kill -9.
func (s *store) claim(ctx context.Context, dest any, table, columns, due, order string, now time.Time, n int, lease time.Duration, args ...any) error {
	query := `UPDATE ` + table + ` SET locked_until = ? WHERE id IN (
		SELECT id FROM ` + table + ` WHERE ` + due + ` AND (locked_until IS NULL OR locked_until < ?)
		ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(n) + s.skipLocked() + `) RETURNING ` + columns
	all := append([]any{leaseUntil(now, lease)}, args...)
	all = append(all, now)
	return sqlx.SelectContext(ctx, s.writer(), dest, s.rebind(query), all...)
}

// leaseUntil is the end of a lease, at the microsecond precision both databases keep, so
// that FinishDelivery can match it exactly.
func leaseUntil(now time.Time, lease time.Duration) time.Time {
	return now.Add(lease).UTC().Truncate(time.Microsecond)
}

// ClaimFanOut implements convene.QueueStore.
func (s *store) ClaimFanOut(ctx context.Context, now time.Time, n int, lease time.Duration) ([]*convene.Activity, error) {
	var rows []string
	if err := s.claim(ctx, &rows, "outbox", "activity", "fanned_out = ?", "id", now, n, lease, false); err != nil {
		return nil, fmt.Errorf("claim fan-out: %w", err)
	}
	list := make([]*convene.Activity, 0, len(rows))
	for _, body := range rows {
		a, err := decodeActivity(body)
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, nil
}

// FanOut implements convene.QueueStore. Deliveries are inserted in multi-row statements:
// an activity to a thousand servers is a handful of statements, not a thousand.
func (s *store) FanOut(ctx context.Context, activityID string, inboxes []string, now time.Time) error {
	return s.inTx(ctx, func(t *store) error {
		const batch = 200
		for start := 0; start < len(inboxes); start += batch {
			if err := t.insertDeliveries(ctx, activityID, inboxes[start:min(len(inboxes), start+batch)], now); err != nil {
				return fmt.Errorf("fan out %s: %w", activityID, err)
			}
		}
		_, err := t.execContext(ctx, `UPDATE outbox SET fanned_out = ?, locked_until = NULL WHERE id = ?`, true, activityID)
		return err
	})
}

func (s *store) insertDeliveries(ctx context.Context, activityID string, inboxes []string, now time.Time) error {
	var query strings.Builder
	query.WriteString(`INSERT INTO deliveries (id, activity_id, inbox, host, state, next_attempt_at, created_at, updated_at) VALUES `)
	args := make([]any, 0, 7*len(inboxes))
	n := 0
	for _, inbox := range inboxes {
		u, err := url.Parse(inbox)
		if err != nil {
			continue // the fetcher validated actors' inboxes; a bad one is skipped, not fatal
		}
		if n > 0 {
			query.WriteString(", ")
		}
		query.WriteString("(?, ?, ?, ?, 'pending', ?, ?, ?)")
		args = append(args, convene.NewID(), activityID, inbox, strings.ToLower(u.Host), now, now, now)
		n++
	}
	if n == 0 {
		return nil
	}
	query.WriteString(" ON CONFLICT DO NOTHING")
	_, err := s.execContext(ctx, query.String(), args...)
	return err
}

// ReleaseClaims frees every queue lease at start-up on SQLite, where one serve process owns
// the queues: whatever a killed predecessor had claimed is taken up at once instead of when
// its lease runs out. On PostgreSQL several processes share the queues, so there leases
// simply expire.
func (d *DB) ReleaseClaims(ctx context.Context) error {
	if d.dialect != SQLite {
		return nil
	}
	for _, table := range []string{"outbox", "deliveries", "inbox"} {
		if _, err := d.write.ExecContext(ctx, `UPDATE `+table+` SET locked_until = NULL WHERE locked_until IS NOT NULL`); err != nil {
			return fmt.Errorf("release %s claims: %w", table, err)
		}
	}
	return nil
}

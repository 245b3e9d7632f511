package db

import (
	"context"
	"fmt"
	"time"

	"github.com/convene-social/convene"
)

// EnqueueInbox implements convene.FederationStore. The unique activity IRI is the dedup:
// a peer retrying a delivery we already accepted gets ECONFLICT, which the inbox answers 202.
func (s *store) EnqueueInbox(ctx context.Context, item *convene.InboxItem) error {
	_, err := s.execContext(ctx, `INSERT INTO inbox (id, activity_iri, actor_iri, body, state, next_attempt_at, received_at)
		VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
		item.ID, item.ActivityIRI, item.Actor, string(item.Body), item.ReceivedAt, item.ReceivedAt)
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return convene.Errorf(convene.ECONFLICT, "activity already received")
	}
	if err != nil {
		return fmt.Errorf("enqueue inbox: %w", err)
	}
	return nil
}

// ClaimInbox implements convene.QueueStore: due items in arrival order.
func (s *store) ClaimInbox(ctx context.Context, now time.Time, n int, lease time.Duration) ([]*convene.InboxItem, error) {
	var rows []struct {
		convene.InboxItem
		Body string `db:"body"`
	}
	err := s.claim(ctx, &rows, "inbox", "id, activity_iri, actor_iri, body, attempts, received_at",
		"state = 'pending' AND next_attempt_at <= ?", "id", now, n, lease, now)
	if err != nil {
		return nil, fmt.Errorf("claim inbox: %w", err)
	}
	list := make([]*convene.InboxItem, len(rows))
	for i, r := range rows {
		item := r.InboxItem
		item.Body, item.ReceivedAt = []byte(r.Body), utc(r.ReceivedAt)
		list[i] = &item
	}
	return list, nil
}

// FinishInbox implements convene.QueueStore. A done item keeps its row (the dedup key) but
// drops its body; a failed attempt is retried at next, up to the worker's limit.
func (s *store) FinishInbox(ctx context.Context, id string, ok bool, errMsg string, next time.Time) error {
	query := `UPDATE inbox SET state = 'done', body = '', attempts = attempts + 1, last_error = ?, locked_until = NULL WHERE id = ?`
	args := []any{errMsg, id}
	if !ok {
		query = `UPDATE inbox SET state = CASE WHEN attempts >= 4 THEN 'failed' ELSE 'pending' END, attempts = attempts + 1,
			last_error = ?, next_attempt_at = ?, locked_until = NULL WHERE id = ?`
		args = []any{errMsg, next, id}
	}
	if _, err := s.execContext(ctx, query, args...); err != nil {
		return fmt.Errorf("finish inbox item: %w", err)
	}
	return nil
}

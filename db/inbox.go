package db

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/convene-social/convene"
)

const insertInbox = `INSERT INTO inbox (id, activity_iri, body_digest, actor_iri, body, state, next_attempt_at, received_at)
	VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING`

// EnqueueInbox implements convene.FederationStore. The activity IRI and body digest are the dedup:
// a peer retrying a delivery we already accepted gets ECONFLICT, which the inbox answers 202.
// Outside a transaction, concurrent calls are committed together (group commit): one
// transaction per batch instead of per activity, while each caller still returns only
// once its row is durable.
func (s *store) EnqueueInbox(ctx context.Context, item *convene.InboxItem) error {
	if s.tx != nil {
		return s.insertInbox(ctx, item)
	}
	return s.db.inboxBatch.submit(ctx, s.db, item)
}

func (s *store) insertInbox(ctx context.Context, item *convene.InboxItem) error {
	n, err := s.execContext(ctx, insertInbox,
		item.ID, item.ActivityIRI, item.BodyDigest, item.Actor, string(item.Body), item.ReceivedAt, item.ReceivedAt)
	if err != nil {
		return fmt.Errorf("enqueue inbox: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ECONFLICT, "activity already received")
	}
	return nil
}

// inboxBatcher gathers concurrent inbox inserts into one transaction.
type inboxBatcher struct {
	mu      sync.Mutex
	pending []inboxRequest
	running bool
}

type inboxRequest struct {
	item *convene.InboxItem
	done chan error
}

// maxInboxBatch bounds one transaction, so a burst does not hold the writer for long.
const maxInboxBatch = 256

func (b *inboxBatcher) submit(ctx context.Context, d *DB, item *convene.InboxItem) error {
	req := inboxRequest{item: item, done: make(chan error, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, req)
	if !b.running {
		b.running = true
		go b.drain(d)
	}
	b.mu.Unlock()
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// drain commits batches until no request is waiting. Requests that arrive while a batch
// commits form the next batch.
func (b *inboxBatcher) drain(d *DB) {
	for {
		b.mu.Lock()
		batch := b.pending[:min(len(b.pending), maxInboxBatch)]
		b.pending = b.pending[len(batch):]
		if len(batch) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		results, err := d.insertInboxBatch(batch)
		if err != nil {
			// One bad row must not fail its neighbours: retry them one by one.
			results, err = make([]error, len(batch)), nil
			for i, req := range batch {
				results[i] = d.store.insertInbox(context.Background(), req.item)
			}
		}
		for i, req := range batch {
			if err != nil {
				req.done <- err
				continue
			}
			req.done <- results[i]
		}
	}
}

// insertInboxBatch inserts a batch with one multi-row statement and reports, per request,
// nil or ECONFLICT for an activity already received (or twice in the batch).
func (d *DB) insertInboxBatch(batch []inboxRequest) ([]error, error) {
	var query strings.Builder
	query.WriteString(`INSERT INTO inbox (id, activity_iri, body_digest, actor_iri, body, state, next_attempt_at, received_at) VALUES `)
	args := make([]any, 0, 7*len(batch))
	for i, req := range batch {
		if i > 0 {
			query.WriteString(", ")
		}
		query.WriteString("(?, ?, ?, ?, ?, 'pending', ?, ?)")
		it := req.item
		args = append(args, it.ID, it.ActivityIRI, it.BodyDigest, it.Actor, string(it.Body), it.ReceivedAt, it.ReceivedAt)
	}
	query.WriteString(` ON CONFLICT DO NOTHING RETURNING id`)
	var inserted []string
	if err := sqlx.SelectContext(context.Background(), d.write, &inserted, sqlx.Rebind(d.bindType, query.String()), args...); err != nil {
		return nil, fmt.Errorf("enqueue inbox: %w", translate(err))
	}
	ok := make(map[string]bool, len(inserted))
	for _, id := range inserted {
		ok[id] = true
	}
	results := make([]error, len(batch))
	for i, req := range batch {
		if !ok[req.item.ID] {
			results[i] = convene.Errorf(convene.ECONFLICT, "activity already received")
		}
	}
	return results, nil
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

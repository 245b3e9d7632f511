package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/lib/pq"

	"github.com/convene-social/convene"
)

// streamChannel is the NOTIFY channel stream events travel on.
const streamChannel = "convene_stream"

// maxNotifyPayload keeps a NOTIFY payload under PostgreSQL's limit (8000 bytes by default).
const maxNotifyPayload = 7000

// NotifyBus is a convene.EventBus over PostgreSQL's LISTEN/NOTIFY: every process serving the
// database listens, so an event published by one reaches the subscribers of all.
type NotifyBus struct {
	d   *DB
	url string
	log *slog.Logger
}

var _ convene.EventBus = (*NotifyBus)(nil)

// NewNotifyBus returns the bus for d, a PostgreSQL database opened from url (the listener
// needs a connection of its own, outside the pool). It is an error on SQLite, where one
// process serves the database and events need no bus.
func NewNotifyBus(d *DB, url string, log *slog.Logger) (*NotifyBus, error) {
	if d.dialect != Postgres {
		return nil, fmt.Errorf("event bus: LISTEN/NOTIFY needs PostgreSQL, not %s", d.dialect)
	}
	if log == nil {
		log = slog.Default()
	}
	return &NotifyBus{d: d, url: url, log: log}, nil
}

// Publish sends ev to every listening process. An event whose audience is too long for one
// payload is split: the later parts carry only more of its accounts and lists.
func (b *NotifyBus) Publish(ctx context.Context, ev convene.StreamEvent) error {
	payloads, err := notifyPayloads(ev)
	if err != nil {
		return err
	}
	for _, p := range payloads {
		if _, err := b.d.write.ExecContext(ctx, `SELECT pg_notify($1, $2)`, streamChannel, p); err != nil {
			return fmt.Errorf("publish stream event: %w", translate(err))
		}
	}
	return nil
}

func notifyPayloads(ev convene.StreamEvent) ([]string, error) {
	whole, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("publish stream event: %w", err)
	}
	if len(whole) <= maxNotifyPayload {
		return []string{string(whole)}, nil
	}
	accounts, lists := ev.Accounts, ev.Lists
	part := ev
	part.Accounts, part.Lists = nil, nil
	var out []string
	for first := true; first || len(accounts)+len(lists) > 0; first = false {
		if !first {
			part = convene.StreamEvent{Kind: ev.Kind, PostID: ev.PostID, NotificationID: ev.NotificationID}
		}
		base, _ := json.Marshal(part)
		if len(base) > maxNotifyPayload {
			return nil, errors.New("publish stream event: too large even without its audience")
		}
		size := len(base)
		n := idsThatFit(accounts, &size)
		part.Accounts, accounts = accounts[:n], accounts[n:]
		m := idsThatFit(lists, &size)
		part.Lists, lists = lists[:m], lists[m:]
		if n+m == 0 && !first {
			return nil, errors.New("publish stream event: an account or list id is too long")
		}
		p, _ := json.Marshal(part)
		out = append(out, string(p))
	}
	return out, nil
}

// idsThatFit counts how many of ids still fit in a payload of *size bytes, as one more JSON
// array field, and adds what they take to *size.
func idsThatFit(ids []string, size *int) int {
	const field, perID = len(`,"a":[]`), 3 // quotes and a comma around each id
	if len(ids) == 0 || *size+field+len(ids[0])+perID > maxNotifyPayload {
		return 0
	}
	*size += field
	n := 0
	for n < len(ids) && *size+len(ids[n])+perID <= maxNotifyPayload {
		*size += len(ids[n]) + perID
		n++
	}
	return n
}

// Listen delivers every event published on the database until ctx ends. The listener
// reconnects by itself after a lost connection; events sent meanwhile are lost, which live
// clients survive (they reload their timelines on reconnect).
func (b *NotifyBus) Listen(ctx context.Context, deliver func(convene.StreamEvent)) error {
	l := pq.NewListener(b.url, time.Second, 30*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			b.log.Warn("stream listener", "event", int(ev), "err", err)
		}
	})
	defer l.Close()
	if err := l.Listen(streamChannel); err != nil {
		return fmt.Errorf("listen for stream events: %w", err)
	}
	ping := time.NewTicker(90 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case n := <-l.Notify:
			if n == nil {
				b.log.Warn("stream listener reconnected; events may have been missed")
				continue
			}
			var ev convene.StreamEvent
			if err := json.Unmarshal([]byte(n.Extra), &ev); err != nil {
				b.log.Error("stream listener: bad payload", "err", err)
				continue
			}
			deliver(ev)
		case <-ping.C:
			go l.Ping()
		}
	}
}

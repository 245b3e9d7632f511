package convene

import (
	"context"
	"time"
)

// Notification tells a local account that someone answered, mentioned or liked it.
type Notification struct {
	ID        string     `db:"id"`
	AccountID string     `db:"account_id"`
	Type      string     `db:"type"` // reply, mention, like, follow, event_update, event_cancel, rsvp, poll
	Actor     string     `db:"actor_iri"`
	PostID    string     `db:"post_id"`
	EventID   string     `db:"event_id"`
	CreatedAt time.Time  `db:"created_at"`
	ReadAt    *time.Time `db:"read_at"`
}

// NotificationFilter selects a page of an account's notifications by id, as TimelineFilter
// pages timelines: newest first, except with MinID (the oldest newer than it, ascending).
type NotificationFilter struct {
	AccountID    string
	ID           string   // this one only
	Types        []string // only these types; empty: all
	ExcludeTypes []string
	MaxID        string
	SinceID      string
	MinID        string
	Limit        int
}

// NotificationStore keeps notifications.
type NotificationStore interface {
	CreateNotification(ctx context.Context, n *Notification) error
	// FindNotificationsPage lists a page of an account's notifications.
	FindNotificationsPage(ctx context.Context, f NotificationFilter) ([]*Notification, error)
	// DeleteNotifications dismisses an account's notification (id) or all of them (id "").
	DeleteNotifications(ctx context.Context, accountID, id string) (int, error)
}

package convene

import (
	"context"
	"time"
)

// Notification tells a local account that someone answered, mentioned or liked it.
type Notification struct {
	ID        string     `db:"id"`
	AccountID string     `db:"account_id"`
	Type      string     `db:"type"` // reply, mention, like, follow, event_update, event_cancel, rsvp
	Actor     string     `db:"actor_iri"`
	PostID    string     `db:"post_id"`
	EventID   string     `db:"event_id"`
	CreatedAt time.Time  `db:"created_at"`
	ReadAt    *time.Time `db:"read_at"`
}

// NotificationStore keeps notifications.
type NotificationStore interface {
	CreateNotification(ctx context.Context, n *Notification) error
	// FindNotifications lists an account's notifications, newest first, paged by ID.
	FindNotifications(ctx context.Context, accountID, beforeID string, limit int) ([]*Notification, error)
}

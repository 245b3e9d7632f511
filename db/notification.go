package db

import (
	"context"
	"fmt"
	"strconv"

	"github.com/convene-social/convene"
)

// CreateNotification implements convene.NotificationStore.
func (s *store) CreateNotification(ctx context.Context, n *convene.Notification) error {
	_, err := s.execContext(ctx, `INSERT INTO notifications (id, account_id, type, actor_iri, post_id, event_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, n.ID, n.AccountID, n.Type, n.Actor, n.PostID, n.EventID, n.CreatedAt)
	if err != nil {
		return fmt.Errorf("create notification: %w", err)
	}
	return nil
}

// FindNotifications implements convene.NotificationStore.
func (s *store) FindNotifications(ctx context.Context, accountID, beforeID string, limit int) ([]*convene.Notification, error) {
	w := &where{}
	w.add("account_id = ?", accountID)
	if beforeID != "" {
		w.add("id < ?", beforeID)
	}
	var list []*convene.Notification
	err := s.selectContext(ctx, &list, `SELECT id, account_id, type, actor_iri, post_id, event_id, created_at, read_at FROM notifications`+
		w.String()+` ORDER BY id DESC LIMIT `+strconv.Itoa(pageLimit(limit)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find notifications: %w", err)
	}
	for _, n := range list {
		n.CreatedAt = utc(n.CreatedAt)
	}
	return list, nil
}

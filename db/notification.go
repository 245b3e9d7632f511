package db

import (
	"context"
	"fmt"
	"strings"

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

// FindNotificationsPage implements convene.NotificationStore.
func (s *store) FindNotificationsPage(ctx context.Context, f convene.NotificationFilter) ([]*convene.Notification, error) {
	w := &where{}
	w.add("account_id = ?", f.AccountID)
	if f.ID != "" {
		w.add("id = ?", f.ID)
	}
	if len(f.Types) > 0 {
		w.add("type IN ("+placeholders(len(f.Types))+")", anys(f.Types)...)
	}
	if len(f.ExcludeTypes) > 0 {
		w.add("type NOT IN ("+placeholders(len(f.ExcludeTypes))+")", anys(f.ExcludeTypes)...)
	}
	var list []*convene.Notification
	err := s.selectContext(ctx, &list, `SELECT id, account_id, type, actor_iri, post_id, event_id, created_at, read_at FROM notifications`+
		idBounds(w, f.MaxID, f.SinceID, f.MinID, f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find notifications: %w", err)
	}
	for _, n := range list {
		n.CreatedAt = utc(n.CreatedAt)
	}
	return list, nil
}

// DeleteNotifications implements convene.NotificationStore.
func (s *store) DeleteNotifications(ctx context.Context, accountID, id string) (int, error) {
	query, args := `DELETE FROM notifications WHERE account_id = ?`, []any{accountID}
	if id != "" {
		query, args = query+` AND id = ?`, append(args, id)
	}
	n, err := s.execContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("delete notifications: %w", err)
	}
	return int(n), nil
}

// placeholders is "?, ?, ?" for n values.
func placeholders(n int) string { return "?" + strings.Repeat(", ?", n-1) }

// anys turns strings into query arguments.
func anys(values []string) []any {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return args
}

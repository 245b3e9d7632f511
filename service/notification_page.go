package service

import (
	"context"
	"slices"

	"github.com/convene-social/convene"
)

// NotificationQuery is a page of the signed-in account's notifications: of these types only
// (none: all), without those, bounded by id as a timeline is.
type NotificationQuery struct {
	Types, ExcludeTypes   []string
	MaxID, SinceID, MinID string
	Limit                 int
}

// NotificationsPage lists a page of the signed-in account's notifications, newest first.
func (s *Service) NotificationsPage(ctx context.Context, q NotificationQuery) ([]*convene.Notification, error) {
	a, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.store.FindNotificationsPage(ctx, convene.NotificationFilter{AccountID: a.ID, Types: q.Types,
		ExcludeTypes: q.ExcludeTypes, MaxID: q.MaxID, SinceID: q.SinceID, MinID: q.MinID, Limit: q.Limit})
	if err != nil {
		return nil, err
	}
	if q.MinID != "" { // the page just above MinID comes up oldest first
		slices.Reverse(list)
	}
	return list, nil
}

// FindNotification returns one of the signed-in account's notifications.
func (s *Service) FindNotification(ctx context.Context, id string) (*convene.Notification, error) {
	a, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.store.FindNotificationsPage(ctx, convene.NotificationFilter{AccountID: a.ID, ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, convene.Errorf(convene.ENOTFOUND, "notification not found")
	}
	return list[0], nil
}

// DismissNotification removes one of the signed-in account's notifications; someone else's
// is not found.
func (s *Service) DismissNotification(ctx context.Context, id string) error {
	a, err := s.signedInAccount(ctx)
	if err != nil {
		return err
	}
	n, err := s.store.DeleteNotifications(ctx, a.ID, id)
	if err == nil && n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "notification not found")
	}
	return err
}

// ClearNotifications removes all of the signed-in account's notifications.
func (s *Service) ClearNotifications(ctx context.Context) error {
	a, err := s.signedInAccount(ctx)
	if err != nil {
		return err
	}
	_, err = s.store.DeleteNotifications(ctx, a.ID, "")
	return err
}

// signedInAccount is the principal's account, for use-cases about one's own things.
func (s *Service) signedInAccount(ctx context.Context) (*convene.Account, error) {
	if a := convene.PrincipalFrom(ctx).Account; a != nil {
		return a, nil
	}
	return nil, convene.Errorf(convene.EUNAUTHORIZED, "sign in first")
}

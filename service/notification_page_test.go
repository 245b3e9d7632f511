package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestNotificationPagesFilterAndDismiss(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		var ids []string // oldest first
		for _, typ := range []string{"follow", "reply", "like", "mention", "reply"} {
			n := &convene.Notification{ID: convene.NewID(), AccountID: x.mia.ID, Type: typ,
				Actor: "https://convene.test/u/olga", CreatedAt: time.Now().UTC()}
			if err := d.CreateNotification(ctx, n); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, n.ID)
		}
		page := func(q service.NotificationQuery) []string {
			t.Helper()
			list, err := x.svc.NotificationsPage(as(x.mia), q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range list {
				got = append(got, n.ID)
			}
			return got
		}
		if got := page(service.NotificationQuery{Types: []string{"reply", "mention"}}); !sameIDs(got, ids[4], ids[3], ids[1]) {
			t.Errorf("replies and mentions = %v", got)
		}
		if got := page(service.NotificationQuery{ExcludeTypes: []string{"reply"}, Limit: 2}); !sameIDs(got, ids[3], ids[2]) {
			t.Errorf("without replies, two = %v", got)
		}
		if got := page(service.NotificationQuery{MaxID: ids[2]}); !sameIDs(got, ids[1], ids[0]) {
			t.Errorf("older than the like = %v", got)
		}
		if got := page(service.NotificationQuery{MinID: ids[0], Limit: 2}); !sameIDs(got, ids[2], ids[1]) {
			t.Errorf("the two just above the first = %v (newest first)", got)
		}
		if err := x.svc.DismissNotification(as(x.olga), ids[0]); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("olga dismissing mia's notification: %v", err)
		}
		if err := x.svc.DismissNotification(as(x.mia), ids[0]); err != nil {
			t.Fatal(err)
		}
		if got := page(service.NotificationQuery{}); len(got) != 4 {
			t.Errorf("after dismissing one: %v", got)
		}
		if err := x.svc.ClearNotifications(as(x.mia)); err != nil {
			t.Fatal(err)
		}
		if got := page(service.NotificationQuery{}); len(got) != 0 {
			t.Errorf("after clearing: %v", got)
		}
		if _, err := x.svc.NotificationsPage(ctx, service.NotificationQuery{}); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("anonymous: %v", err)
		}
	})
}

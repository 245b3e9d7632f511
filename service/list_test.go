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

func TestListsAndTheirTimelines(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		kent, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "kent", Name: "Kent"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Join(as(x.otto), "kent"); err != nil {
			t.Fatal(err)
		}
		// mia belongs to surrey and follows olga.
		if _, err := x.svc.FollowActor(as(x.mia), x.olga.ID); err != nil {
			t.Fatal(err)
		}
		olgaKent, _ := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "kent", Title: "Kent by olga", Body: "hi"})
		ottoKent, _ := x.svc.CreateThread(as(x.otto), service.ThreadCreate{Community: "kent", Title: "Kent by otto", Body: "hi"})
		surreyThread, _ := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Surrey", Body: "hi"})
		reply, err := x.svc.Reply(as(x.mia), surreyThread.ID, "answer")
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)

		l, err := x.svc.CreateList(as(x.mia), service.ListInput{Title: "Gardeners"})
		if err != nil || l.RepliesPolicy != "list" {
			t.Fatalf("create list = %+v, %v", l, err)
		}
		surrey, _ := x.svc.FindCommunity(ctx, "surrey")
		if err := x.svc.AddToList(as(x.mia), l.ID, []string{x.olga.ID}); err != nil {
			t.Fatal(err)
		}
		if err := x.svc.AddToList(as(x.mia), l.ID, []string{x.otto.ID}); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("listing someone mia does not follow: %v", err)
		}
		if err := x.svc.AddToList(as(x.mia), l.ID, []string{kent.ID}); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("listing a community mia does not belong to: %v", err)
		}
		items, err := x.svc.ListTimeline(as(x.mia), l.ID, service.TimelineQuery{Limit: 20})
		if err != nil || !sameIDs(itemIDs(items), surreyThread.ID, olgaKent.ID) {
			t.Errorf("olga's list = %v, %v; want her surrey and kent threads, not otto's %s", itemIDs(items), err, ottoKent.ID)
		}
		// A community on a list brings its replies too; with replies_policy none, threads only.
		if err := x.svc.AddToList(as(x.mia), l.ID, []string{surrey.ID}); err != nil {
			t.Fatal(err)
		}
		if items, _ := x.svc.ListTimeline(as(x.mia), l.ID, service.TimelineQuery{Limit: 20}); !sameIDs(itemIDs(items), reply.ID, surreyThread.ID, olgaKent.ID) {
			t.Errorf("with surrey = %v", itemIDs(items))
		}
		if _, err := x.svc.UpdateList(as(x.mia), l.ID, service.ListInput{Title: "Gardeners", RepliesPolicy: "none", Exclusive: true}); err != nil {
			t.Fatal(err)
		}
		if items, _ := x.svc.ListTimeline(as(x.mia), l.ID, service.TimelineQuery{Limit: 20}); !sameIDs(itemIDs(items), surreyThread.ID, olgaKent.ID) {
			t.Errorf("replies none = %v", itemIDs(items))
		}
		// Exclusive: what the list shows leaves the home timeline (mia's own reply is in surrey, listed too).
		if home, _ := x.svc.HomeTimeline(as(x.mia), service.TimelineQuery{Limit: 20}); len(home) != 0 {
			t.Errorf("home with an exclusive list = %v; want empty", itemIDs(home))
		}
		if members, err := x.svc.ListMembers(as(x.mia), l.ID); err != nil || len(members) != 2 {
			t.Errorf("members = %v, %v", members, err)
		}
		if err := x.svc.RemoveFromList(as(x.mia), l.ID, []string{surrey.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.FindList(as(x.olga), l.ID); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("olga reading mia's list: %v", err)
		}
		if err := x.svc.DeleteList(as(x.mia), l.ID); err != nil {
			t.Fatal(err)
		}
		if lists, _ := x.svc.Lists(as(x.mia)); len(lists) != 0 {
			t.Errorf("lists after delete = %v", lists)
		}
		if _, err := x.svc.CreateList(as(x.mia), service.ListInput{Title: " "}); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("an empty title: %v", err)
		}
	})
}

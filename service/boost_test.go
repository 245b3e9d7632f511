package service_test

import (
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestBoostAndUnboost(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		p, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Seeds", Body: "Seeds? #seeds #swap"})
		if err != nil {
			t.Fatal(err)
		}
		members, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Members", Body: "Only us",
			Visibility: convene.VisibilityCommunity})
		if err != nil {
			t.Fatal(err)
		}
		x.outbox(t)
		b, _, err := x.svc.Boost(as(x.mia), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		list := x.outbox(t)
		if len(list) != 1 || list[0].Type != "Announce" || list[0].Actor != "https://convene.test/u/mia" || list[0].Object != p.IRI ||
			"https://convene.test/a/"+list[0].ID != b.ActivityIRI {
			t.Fatalf("activities = %v; want mia's Announce of the thread", activitiesBy(list))
		}
		if _, _, err := x.svc.Boost(as(x.mia), p.ID); convene.ErrorCode(err) != convene.ECONFLICT {
			t.Errorf("boosting twice: %v", err)
		}
		if _, _, err := x.svc.Boost(as(x.mia), members.ID); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("boosting a members-only thread: %v", err)
		}
		views, err := x.svc.PostViews(as(x.mia), []*convene.Post{p, members})
		if err != nil || !views[p.ID].Boosted || views[p.ID].Boosts != 1 || len(views[p.ID].Tags) != 2 ||
			views[members.ID].Boosted || views[members.ID].Boosts != 0 || len(views[members.ID].Tags) != 0 {
			t.Errorf("views = %+v, %v", views, err)
		}
		if _, err := x.svc.Unboost(as(x.mia), p.ID); err != nil {
			t.Fatal(err)
		}
		if list := x.outbox(t); len(list) != 1 || list[0].Type != "Undo" || list[0].Inner == nil || list[0].Inner.IRI != b.ActivityIRI {
			t.Errorf("activities = %v; want an Undo of the Announce", activitiesBy(list))
		}
		if _, err := x.svc.Unboost(as(x.mia), p.ID); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("unboosting twice: %v", err)
		}
	})
}

package service_test

import (
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestHomeTimelineShowsBoostsByPeopleFollowed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers) // mia joined surrey; otto did not
		thread, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Apple day", Body: "Bring a basket"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.FollowActor(as(x.otto), x.mia.ID); err != nil {
			t.Fatal(err)
		}
		boost, _, err := x.svc.Boost(as(x.mia), thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		home, err := x.svc.HomeTimeline(as(x.otto), service.TimelineQuery{Limit: 20})
		if err != nil || len(home) != 1 || home[0].Boost == nil || home[0].Boost.ID != boost.ID || home[0].Post.ID != thread.ID ||
			home[0].Booster != "https://convene.test/u/mia" || home[0].ID() != boost.ID {
			t.Fatalf("otto's home = %+v, %v; want mia's boost of the thread", home, err)
		}
		if older, _ := x.svc.HomeTimeline(as(x.otto), service.TimelineQuery{MaxID: boost.ID, Limit: 20}); len(older) != 0 {
			t.Errorf("older than the boost = %+v", older)
		}
		item, err := x.svc.FindStatus(as(x.otto), boost.ID)
		if err != nil || item.Boost == nil || item.Post.ID != thread.ID {
			t.Errorf("the boost by its id = %+v, %v", item, err)
		}
		// mia's own home shows the thread once (she is a member), not her boost of it again.
		if home, _ := x.svc.HomeTimeline(as(x.mia), service.TimelineQuery{Limit: 20}); len(home) != 1 || home[0].Boost != nil {
			t.Errorf("mia's home = %+v; want the thread alone", home)
		}
		// A deleted post's boosts go with it.
		if err := x.svc.DeletePost(as(x.olga), thread.ID); err != nil {
			t.Fatal(err)
		}
		if home, _ := x.svc.HomeTimeline(as(x.otto), service.TimelineQuery{Limit: 20}); len(home) != 0 {
			t.Errorf("otto's home after the deletion = %+v", home)
		}
	})
}

// TestHomeTimelinePagesThroughBoosts: boosts of posts the home shows anyway are left out
// before the page is cut, so paging neither shortens pages nor skips a boost.
func TestHomeTimelinePagesThroughBoosts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers) // mia joined surrey
		if _, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "kent", Name: "Kent"}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.FollowActor(as(x.mia), x.otto.ID); err != nil {
			t.Fatal(err)
		}
		thread := func(slug, title string) *convene.Post {
			p, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: slug, Title: title, Body: "B"})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		boost := func(p *convene.Post) string {
			b, _, err := x.svc.Boost(as(x.otto), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return b.ID
		}
		elsewhere := thread("kent", "X") // not in mia's home but for otto's boost
		p1, p2, p3 := thread("surrey", "P1"), thread("surrey", "P2"), thread("surrey", "P3")
		boostX := boost(elsewhere)
		p4 := thread("surrey", "P4")
		boost(p3)
		boost(p4)

		var got []string
		for maxID := ""; ; {
			page, err := x.svc.HomeTimeline(as(x.mia), service.TimelineQuery{MaxID: maxID, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, it := range page {
				got = append(got, it.ID())
			}
			maxID = page[len(page)-1].ID()
		}
		if !sameIDs(got, p4.ID, boostX, p3.ID, p2.ID, p1.ID) {
			t.Errorf("mia's home, two at a time = %v; want P4, otto's boost of X, P3, P2, P1", got)
		}
	})
}

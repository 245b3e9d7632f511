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

func itemIDs(items []service.TimelineItem) []string {
	var ids []string
	for _, i := range items {
		ids = append(ids, i.ID())
	}
	return ids
}

func sameIDs(got []string, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestTimelines(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		if _, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "kent", Name: "Kent"}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Join(as(x.otto), "kent"); err != nil {
			t.Fatal(err)
		}
		// mia belongs to surrey and follows otto (a person), who posts in kent.
		now := time.Now().UTC()
		if err := d.CreateFollow(ctx, &convene.Follow{ID: convene.NewID(), ActivityIRI: "https://convene.test/a/" + convene.NewID(),
			Follower: "https://convene.test/u/mia", Followee: "https://convene.test/u/otto", State: convene.FollowAccepted,
			CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		thread := func(who *convene.Account, slug, title string, v convene.Visibility) string {
			t.Helper()
			p, err := x.svc.CreateThread(as(who), service.ThreadCreate{Community: slug, Title: title, Body: title + " #seeds", Visibility: v})
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		surreyPublic := thread(x.olga, "surrey", "Surrey public", convene.VisibilityPublic)
		surreyMembers := thread(x.olga, "surrey", "Surrey members", convene.VisibilityCommunity)
		kentPublic := thread(x.otto, "kent", "Kent public", convene.VisibilityPublic)
		thread(x.otto, "kent", "Kent members", convene.VisibilityCommunity)
		kentOther := thread(x.olga, "kent", "Kent by olga", convene.VisibilityPublic)
		e, err := x.svc.CreateEvent(as(x.olga), meetup("surrey"))
		if err != nil {
			t.Fatal(err)
		}

		home, err := x.svc.HomeTimeline(as(x.mia), service.TimelineQuery{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if got := itemIDs(home); !sameIDs(got, e.ID, kentPublic, surreyMembers, surreyPublic) {
			t.Errorf("mia's home = %v; want the surrey event, otto's public kent thread and both surrey threads, newest first", got)
		}
		if home[0].Event == nil || home[1].Post == nil {
			t.Error("the home timeline does not say which entries are events")
		}
		// Paging: two at a time downwards, then the page above an id.
		page1, _ := x.svc.HomeTimeline(as(x.mia), service.TimelineQuery{Limit: 2})
		page2, _ := x.svc.HomeTimeline(as(x.mia), service.TimelineQuery{Limit: 2, MaxID: page1[1].ID()})
		if !sameIDs(itemIDs(page1), e.ID, kentPublic) || !sameIDs(itemIDs(page2), surreyMembers, surreyPublic) {
			t.Errorf("pages = %v then %v", itemIDs(page1), itemIDs(page2))
		}
		above, _ := x.svc.HomeTimeline(as(x.mia), service.TimelineQuery{Limit: 2, MinID: surreyPublic})
		if !sameIDs(itemIDs(above), kentPublic, surreyMembers) {
			t.Errorf("min_id page = %v; want the two just above, newest first", itemIDs(above))
		}
		since, _ := x.svc.HomeTimeline(as(x.mia), service.TimelineQuery{Limit: 2, SinceID: surreyPublic})
		if !sameIDs(itemIDs(since), e.ID, kentPublic) {
			t.Errorf("since_id page = %v; want the newest two", itemIDs(since))
		}
		if _, err := x.svc.HomeTimeline(ctx, service.TimelineQuery{}); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("anonymous home: %v", err)
		}

		public, err := x.svc.PublicTimeline(ctx, service.TimelineQuery{Limit: 20, LocalOnly: true})
		if err != nil || !sameIDs(itemIDs(public), e.ID, kentOther, kentPublic, surreyPublic) {
			t.Errorf("public timeline = %v, %v; want public threads and the event only", itemIDs(public), err)
		}
		otto, _ := x.svc.FindActorByIRI(ctx, "https://convene.test/u/otto")
		if items, err := x.svc.ActorTimeline(ctx, otto, service.TimelineQuery{Limit: 20}); err != nil || !sameIDs(itemIDs(items), kentPublic) {
			t.Errorf("otto's statuses = %v, %v; want his public thread only", itemIDs(items), err)
		}
		kentActor, _ := x.svc.FindActorByIRI(ctx, "https://convene.test/c/kent")
		if items, err := x.svc.ActorTimeline(ctx, kentActor, service.TimelineQuery{Limit: 20}); err != nil || !sameIDs(itemIDs(items), kentOther, kentPublic) {
			t.Errorf("kent's statuses = %v, %v; want its public threads", itemIDs(items), err)
		}
		surreyActor, _ := x.svc.FindActorByIRI(ctx, "https://convene.test/c/surrey")
		if items, _ := x.svc.ActorTimeline(ctx, surreyActor, service.TimelineQuery{Limit: 20}); !sameIDs(itemIDs(items), e.ID, surreyPublic) {
			t.Errorf("surrey's statuses = %v; want its event and public thread", itemIDs(items))
		}
		tagged, err := x.svc.TagTimeline(ctx, "#Seeds", service.TimelineQuery{Limit: 20})
		if err != nil || !sameIDs(itemIDs(tagged), kentOther, kentPublic, surreyPublic) {
			t.Errorf("#seeds = %v, %v", itemIDs(tagged), err)
		}
	})
}

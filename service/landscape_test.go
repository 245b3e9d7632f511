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

func TestHomeLandscape(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		if _, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "kent", Name: "Kent"}); err != nil {
			t.Fatal(err)
		}
		e, err := x.svc.CreateEvent(as(x.olga), meetup("surrey"))
		if err != nil {
			t.Fatal(err)
		}
		thread, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Seed swap", Body: "Bring seeds"})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Oops", Body: "Wrong place"})
		if err != nil {
			t.Fatal(err)
		}
		if err := x.svc.DeletePost(as(x.mia), gone.ID); err != nil {
			t.Fatal(err)
		}
		// surrey follows a community elsewhere and kent follows a person: only the first is
		// a community followed elsewhere.
		now := time.Now().UTC()
		for _, a := range []*convene.RemoteActor{
			{IRI: "https://far.example/groups/oak", Type: "Group", Username: "oak", Domain: "far.example", Name: "Oak growers", URL: "https://far.example/@oak",
				AvatarURL: "https://files.far.example/oak.png"},
			{IRI: "https://far.example/users/ann", Type: "Person", Username: "ann", Domain: "far.example"},
		} {
			a.ID, a.Inbox, a.FetchedAt, a.CreatedAt = convene.NewID(), a.IRI+"/inbox", now, now
			if err := d.UpsertRemoteActor(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		for i, f := range [][2]string{{"surrey", "https://far.example/groups/oak"}, {"kent", "https://far.example/users/ann"}} {
			if err := d.CreateFollow(ctx, &convene.Follow{ID: convene.NewID(), ActivityIRI: "https://convene.test/a/f" + string(rune('0'+i)),
				Follower: "https://convene.test/c/" + f[0], Followee: f[1], State: convene.FollowAccepted, CreatedAt: now, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
		}

		land, err := x.svc.HomeLandscape(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(land.Communities) != 2 {
			t.Errorf("communities = %d, want 2", len(land.Communities))
		}
		if len(land.Followed) != 1 || land.Followed[0].Name != "Oak growers" || land.Followed[0].URL != "https://far.example/@oak" ||
			land.Followed[0].AvatarURL != "https://files.far.example/oak.png" {
			t.Errorf("followed elsewhere = %+v, want only Oak growers, with its avatar", land.Followed)
		}
		if len(land.Events) != 1 || land.Events[0].ID != e.ID {
			t.Errorf("events = %v, want the meetup", land.Events)
		}
		if len(land.Threads) != 1 || land.Threads[0].ID != thread.ID {
			t.Errorf("threads = %v, want the seed swap and not the deleted one", land.Threads)
		}
		if n := land.Names["https://convene.test/c/surrey"]; n.Name != "Surrey" || n.Handle != "@surrey@convene.test" {
			t.Errorf("surrey is named %+v", n)
		}
	})
}

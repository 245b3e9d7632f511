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

func TestProfileListsJoinedCommunitiesAndPublicPosts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		mia := "https://convene.test/u/mia"
		// A community elsewhere that mia follows, one she waits for, and a person she follows.
		remote := &convene.RemoteActor{ID: convene.NewID(), IRI: "https://lemmy.example/c/commons", Type: "Group",
			Username: "commons", Domain: "lemmy.example", Name: "Commons", Inbox: "https://lemmy.example/c/commons/inbox",
			FetchedAt: now, CreatedAt: now}
		if err := d.UpsertRemoteActor(ctx, remote); err != nil {
			t.Fatal(err)
		}
		for i, f := range []struct {
			followee string
			state    convene.FollowState
		}{{remote.IRI, convene.FollowAccepted}, {"https://lemmy.example/c/pending", convene.FollowPending},
			{"https://convene.test/u/olga", convene.FollowAccepted}} {
			err := d.CreateFollow(ctx, &convene.Follow{ID: convene.NewID(), ActivityIRI: "https://convene.test/a/f" + string(rune('0'+i)),
				Follower: mia, Followee: f.followee, State: f.state, CreatedAt: now, UpdatedAt: now})
			if err != nil {
				t.Fatal(err)
			}
		}
		public, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Seed swap", Body: "Bring seeds"})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // ULIDs made in one millisecond need not sort
		if _, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Members only",
			Body: "Secret", Visibility: convene.VisibilityCommunity}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Olga's", Body: "Hi"}); err != nil {
			t.Fatal(err)
		}
		reply, err := x.svc.Reply(as(x.mia), public.ID, "Me too")
		if err != nil {
			t.Fatal(err)
		}

		pr, err := x.svc.Profile(ctx, "MIA")
		if err != nil {
			t.Fatal(err)
		}
		if pr.Account.ID != x.mia.ID {
			t.Errorf("profile of %q, want mia", pr.Account.Username)
		}
		names := map[string]string{}
		for _, c := range pr.Communities {
			names[c.Handle] = c.Name
		}
		want := map[string]string{"@surrey@convene.test": "Surrey", remote.Handle(): "Commons"}
		if len(names) != len(want) || names["@surrey@convene.test"] != "Surrey" || names[remote.Handle()] != "Commons" {
			t.Errorf("communities = %v, want %v", names, want)
		}
		var ids []string
		for _, p := range pr.Posts {
			ids = append(ids, p.ID)
		}
		if len(ids) != 2 || ids[0] != reply.ID || ids[1] != public.ID {
			t.Errorf("posts = %v, want the reply %s then the public thread %s", ids, reply.ID, public.ID)
		}
		if _, err := x.svc.Profile(ctx, "nobody"); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("profile of nobody: %v", err)
		}
	})
}

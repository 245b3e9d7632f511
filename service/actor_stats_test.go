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

func TestActorAndInstanceStatsCountWhatProfilesShow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers) // mia joined surrey
		ctx := context.Background()
		first, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "One", Body: "B"})
		if err != nil {
			t.Fatal(err)
		}
		second, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Two", Body: "B"})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Gone", Body: "B"})
		if err != nil {
			t.Fatal(err)
		}
		if err := x.svc.DeletePost(as(x.mia), gone.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Reply(as(x.otto), first.ID, "Reply"); err != nil {
			t.Fatal(err)
		}
		// A remote post in surrey counts for the community, not for the instance's own posts.
		remote := &convene.Post{ID: convene.NewID(), IRI: "https://remote.example/notes/1", CommunityID: first.CommunityID,
			CommunityIRI: first.CommunityIRI, AuthorIRI: "https://remote.example/users/rae", Title: "Remote",
			Visibility: convene.VisibilityPublic, PublishedAt: time.Now().UTC().Truncate(time.Millisecond)}
		remote.ThreadID = remote.ID
		if err := d.CreatePost(ctx, remote); err != nil {
			t.Fatal(err)
		}
		for _, iri := range []string{"https://remote.example/users/rae", "https://remote.example/users/ray", "https://other.example/u/o"} {
			a := &convene.RemoteActor{ID: convene.NewID(), IRI: iri, Type: "Person", Username: "x", Domain: hostOf(iri),
				Inbox: iri + "/inbox", FetchedAt: time.Now(), CreatedAt: time.Now()}
			if err := d.UpsertRemoteActor(ctx, a); err != nil {
				t.Fatal(err)
			}
		}

		mia, err := x.svc.AccountStats(ctx, x.mia)
		if err != nil {
			t.Fatal(err)
		}
		if mia.Statuses != 2 || mia.Following != 1 || mia.Followers != 0 || !mia.LastStatusAt.Equal(second.PublishedAt) {
			t.Errorf("mia's stats = %+v, want 2 posts (the tombstone not counted), following surrey, last at %v", mia, second.PublishedAt)
		}
		otto, err := x.svc.AccountStats(ctx, x.otto)
		if err != nil || otto.Statuses != 1 || otto.Following != 0 {
			t.Errorf("otto's stats = %+v, %v; want his one reply", otto, err)
		}
		olga, err := x.svc.AccountStats(ctx, x.olga)
		if err != nil || olga.Statuses != 0 || !olga.LastStatusAt.IsZero() {
			t.Errorf("olga's stats = %+v, %v; want no posts and no last post", olga, err)
		}
		c, err := x.svc.FindCommunity(ctx, "surrey")
		if err != nil {
			t.Fatal(err)
		}
		members, err := x.svc.CommunityMembership(ctx, "surrey")
		if err != nil {
			t.Fatal(err)
		}
		surrey, err := x.svc.CommunityStats(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if surrey.Statuses != 3 || surrey.Followers != members.Followers || surrey.Followers == 0 || surrey.Following != 0 {
			t.Errorf("surrey's stats = %+v, want 3 threads (2 local, 1 remote; no replies, no tombstone) and %d followers",
				surrey, members.Followers)
		}
		inst, err := x.svc.Usage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if inst.Users != 3 || inst.LocalPosts != 3 || inst.Domains != 2 {
			t.Errorf("instance stats = %+v, want 3 users, 3 local posts, 2 remote domains", inst)
		}
	})
}

func TestPendingAccountsHaveNoPublicStats(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	x := newDiscussion(t, d, convene.PostingMembers)
	pending := *x.otto
	pending.State = convene.AccountPending
	_, err := x.svc.AccountStats(context.Background(), &pending)
	wantCode(t, err, convene.ENOTFOUND)
}

func TestInstanceContactIsAnApprovedAdmin(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		_, err := x.svc.InstanceContact(context.Background())
		wantCode(t, err, convene.ENOTFOUND)
		admin := mustCreate(t, x.svc, "ada", convene.RoleAdmin)
		got, err := x.svc.InstanceContact(context.Background())
		if err != nil || got.ID != admin.ID {
			t.Errorf("contact = %v, %v; want ada", got, err)
		}
	})
}

func hostOf(iri string) string {
	const scheme = "https://"
	rest := iri[len(scheme):]
	for i := range rest {
		if rest[i] == '/' {
			return rest[:i]
		}
	}
	return rest
}

func TestFollowRequestCountCoversTheCommunitiesOneModerates(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers) // olga owns the open surrey
		if _, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "closed", Name: "Closed",
			FollowPolicy: convene.FollowApproval}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Join(as(x.otto), "closed"); err != nil {
			t.Fatal(err)
		}
		if err := x.svc.ReceiveFollow(context.Background(), "https://remote.example/follows/1",
			"https://remote.example/users/rae", "https://convene.test/c/closed"); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Join(as(x.otto), "surrey"); err != nil { // accepted at once: not a request
			t.Fatal(err)
		}
		for who, want := range map[*convene.Account]int{x.olga: 2, x.mia: 0, x.otto: 0} {
			if n, err := x.svc.FollowRequestCount(as(who)); err != nil || n != want {
				t.Errorf("%s's follow requests = %d, %v; want %d", who.Username, n, err, want)
			}
		}
		_, err := x.svc.FollowRequestCount(context.Background())
		wantCode(t, err, convene.EUNAUTHORIZED)

		// olga lists them, newest first, and decides them by who asked.
		list, err := x.svc.FollowRequests(as(x.olga), "", 10)
		if err != nil || len(list) != 2 || list[0].Follower != "https://remote.example/users/rae" {
			t.Fatalf("olga's requests = %+v, %v", list, err)
		}
		if older, _ := x.svc.FollowRequests(as(x.olga), list[0].ID, 10); len(older) != 1 || older[0].Follower != "https://convene.test/u/otto" {
			t.Errorf("older requests = %+v", older)
		}
		if list, err := x.svc.FollowRequests(as(x.mia), "", 10); err != nil || len(list) != 0 {
			t.Errorf("mia's requests = %+v, %v", list, err)
		}
		wantCode(t, x.svc.DecideFollowRequests(as(x.mia), "https://convene.test/u/otto", true), convene.ENOTFOUND)
		if err := x.svc.DecideFollowRequests(as(x.olga), "https://convene.test/u/otto", true); err != nil {
			t.Fatal(err)
		}
		if err := x.svc.DecideFollowRequests(as(x.olga), "https://remote.example/users/rae", false); err != nil {
			t.Fatal(err)
		}
		wantCode(t, x.svc.DecideFollowRequests(as(x.olga), "https://convene.test/u/otto", true), convene.ENOTFOUND)
		if n, _ := x.svc.FollowRequestCount(as(x.olga)); n != 0 {
			t.Errorf("requests left = %d", n)
		}
		closed, err := x.svc.FindCommunity(as(x.otto), "closed")
		if err != nil {
			t.Fatal(err)
		}
		if rel, err := x.svc.Relationships(as(x.otto), []string{closed.ID}); err != nil || !rel[0].Following {
			t.Errorf("otto and closed after approval = %+v, %v", rel, err)
		}
	})
}

package service_test

import (
	"context"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestThreadActionsFollowTheEditDeleteAndLikeRules(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		thread, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "T", Body: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		reply, err := x.svc.Reply(as(x.otto), thread.ID, "hi")
		if err != nil {
			t.Fatal(err)
		}
		gone, err := x.svc.Reply(as(x.otto), thread.ID, "oops")
		if err != nil {
			t.Fatal(err)
		}
		if err := x.svc.DeletePost(as(x.otto), gone.ID); err != nil {
			t.Fatal(err)
		}
		if err := x.svc.Like(as(x.mia), reply.ID); err != nil {
			t.Fatal(err)
		}
		posts, err := x.svc.Thread(as(x.mia), thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		live := service.PostActions{Reply: true, Like: true}
		for _, tc := range []struct {
			who  string
			ctx  context.Context
			want map[string]service.PostActions
		}{
			{"visitor", context.Background(), map[string]service.PostActions{}},
			{"author mia", as(x.mia), map[string]service.PostActions{
				thread.ID: {Reply: true, Like: true, Edit: true, Delete: true},
				reply.ID:  {Reply: true, Like: true, Liked: true},
				gone.ID:   {},
			}},
			{"replier otto", as(x.otto), map[string]service.PostActions{
				thread.ID: live,
				reply.ID:  {Reply: true, Like: true, Edit: true, Delete: true},
				gone.ID:   {},
			}},
			{"moderator olga", as(x.olga), map[string]service.PostActions{
				thread.ID: {Reply: true, Like: true, Delete: true},
				reply.ID:  {Reply: true, Like: true, Delete: true},
				gone.ID:   {},
			}},
		} {
			got, err := x.svc.ThreadActions(tc.ctx, posts)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Errorf("%s: %d posts with actions, want %d", tc.who, len(got), len(tc.want))
			}
			for id, want := range tc.want {
				if got[id] != want {
					t.Errorf("%s on %s: %+v, want %+v", tc.who, id, got[id], want)
				}
			}
		}
	})
}

func TestPostToEditAndPostToDeleteAdmitOnlyThoseWhoMay(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		thread, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "T", Body: "*hello*"})
		if err != nil {
			t.Fatal(err)
		}
		if p, err := x.svc.PostToEdit(as(x.mia), thread.ID); err != nil || p.Source != "*hello*" {
			t.Fatalf("author's edit = %+v, %v", p, err)
		}
		_, err = x.svc.PostToEdit(as(x.olga), thread.ID)
		wantCode(t, err, convene.EFORBIDDEN) // moderators remove, they do not rewrite
		_, err = x.svc.PostToDelete(as(x.otto), thread.ID)
		wantCode(t, err, convene.EFORBIDDEN)
		if _, err := x.svc.PostToDelete(as(x.olga), thread.ID); err != nil {
			t.Fatalf("moderator's delete: %v", err)
		}
		if err := x.svc.DeletePost(as(x.mia), thread.ID); err != nil {
			t.Fatal(err)
		}
		_, err = x.svc.PostToDelete(as(x.mia), thread.ID)
		wantCode(t, err, convene.ENOTFOUND)
		_, err = x.svc.PostToEdit(as(x.mia), thread.ID)
		wantCode(t, err, convene.EFORBIDDEN)
	})
}

func TestActorNamesNameLocalAndRemoteActors(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		remote := &convene.RemoteActor{ID: convene.NewID(), IRI: "https://masto.example/users/kim", Type: "Person",
			Username: "kim", Domain: "masto.example", Name: "Kim", Inbox: "https://masto.example/users/kim/inbox",
			URL: "https://masto.example/@kim", FetchedAt: now, CreatedAt: now}
		if err := d.UpsertRemoteActor(context.Background(), remote); err != nil {
			t.Fatal(err)
		}
		unknown := "https://far.example/people/7"
		names := x.svc.ActorNames(context.Background(), []string{"https://convene.test/u/mia", "https://convene.test/c/surrey",
			remote.IRI, unknown, remote.IRI})
		for iri, want := range map[string]service.ActorName{
			"https://convene.test/u/mia":    {Name: "mia", Handle: "@mia@convene.test", URL: "https://convene.test/u/mia"},
			"https://convene.test/c/surrey": {Name: "Surrey", Handle: "@surrey@convene.test", URL: "https://convene.test/c/surrey"},
			remote.IRI:                      {Name: "Kim", Handle: "@kim@masto.example", URL: "https://masto.example/@kim"},
			unknown:                         {Name: "far.example/people/7", URL: unknown},
		} {
			if names[iri] != want {
				t.Errorf("%s named %+v, want %+v", iri, names[iri], want)
			}
		}
	})
}

// TestLikeRefusesDeletedPosts: ThreadActions offers no Like on a deleted post, and Like itself
// refuses one (a crafted form would otherwise send a Like of a tombstone to every follower);
// withdrawing a like given before stays possible.
func TestLikeRefusesDeletedPosts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		thread, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "T", Body: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		reply, err := x.svc.Reply(as(x.otto), thread.ID, "oops")
		if err != nil {
			t.Fatal(err)
		}
		if err := x.svc.Like(as(x.mia), reply.ID); err != nil {
			t.Fatal(err)
		}
		if err := x.svc.DeletePost(as(x.otto), reply.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, x.svc.Like(as(x.olga), reply.ID), convene.EINVALID)
		if err := x.svc.Unlike(as(x.mia), reply.ID); err != nil {
			t.Errorf("withdrawing a like of a deleted post: %v", err)
		}
	})
}

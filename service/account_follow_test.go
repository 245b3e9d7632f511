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

func TestFollowingActorsByAPIIDAndRelationships(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		kent, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "kent", Name: "Kent", FollowPolicy: convene.FollowApproval})
		if err != nil {
			t.Fatal(err)
		}
		surrey, _ := x.svc.FindCommunity(ctx, "surrey")
		now := time.Now().UTC()
		ann := &convene.RemoteActor{ID: convene.NewID(), IRI: "https://far.example/users/ann", Type: "Person", Username: "Ann",
			Domain: "far.example", Inbox: "https://far.example/users/ann/inbox", FetchedAt: now, CreatedAt: now}
		if err := d.UpsertRemoteActor(ctx, ann); err != nil {
			t.Fatal(err)
		}
		stored, _ := d.FindRemoteActor(ctx, ann.IRI)

		// Lookups by acct: ours by name (with or without our domain), elsewhere by handle.
		for acct, want := range map[string]string{"olga": "https://convene.test/u/olga", "@surrey@convene.test": "https://convene.test/c/surrey",
			"ann@FAR.example": ann.IRI} {
			if a, err := x.svc.FindActorByAcct(ctx, acct); err != nil || x.svc.ActorIRI(a) != want {
				t.Errorf("ActorByAcct(%s) = %+v, %v; want %s", acct, a, err, want)
			}
		}
		if _, err := x.svc.FindActorByAcct(ctx, "nobody@far.example"); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("unknown acct: %v", err)
		}

		rel := func(r service.Relationship, err error) service.Relationship {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if r := rel(x.svc.FollowActor(as(x.mia), x.olga.ID)); !r.Following || r.Requested {
			t.Errorf("following olga = %+v", r)
		}
		if r := rel(x.svc.FollowActor(as(x.mia), surrey.ID)); !r.Following { // already a member: unchanged
			t.Errorf("following surrey again = %+v", r)
		}
		if r := rel(x.svc.FollowActor(as(x.mia), kent.ID)); r.Following || !r.Requested {
			t.Errorf("following an approval community = %+v; want requested", r)
		}
		if r := rel(x.svc.FollowActor(as(x.mia), stored.ID)); r.Following || !r.Requested {
			t.Errorf("following ann elsewhere = %+v; want requested", r)
		}
		if list := x.outbox(t); len(list) != 1 || list[0].Type != "Follow" || list[0].Object != ann.IRI {
			t.Errorf("activities = %v; want one Follow to ann", activitiesBy(list))
		}
		rels, err := x.svc.Relationships(as(x.olga), []string{x.mia.ID, "01J0000000000000000000UNKN", x.otto.ID})
		if err != nil || len(rels) != 2 || !rels[0].FollowedBy || rels[0].Following || rels[1].FollowedBy {
			t.Errorf("olga's relationships = %+v, %v; want mia following her, otto not, the unknown id left out", rels, err)
		}
		if r := rel(x.svc.UnfollowActor(as(x.mia), stored.ID)); r.Following || r.Requested {
			t.Errorf("after unfollowing ann = %+v", r)
		}
		if list := x.outbox(t); len(list) != 1 || list[0].Type != "Undo" {
			t.Errorf("activities = %v; want an Undo to ann", activitiesBy(list))
		}
		if r := rel(x.svc.UnfollowActor(as(x.mia), stored.ID)); r.Following { // again: no error
			t.Errorf("unfollowing twice = %+v", r)
		}
		if _, err := x.svc.FollowActor(as(x.mia), x.mia.ID); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("following oneself: %v", err)
		}
		if _, err := x.svc.FollowActor(ctx, x.olga.ID); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("anonymous follow: %v", err)
		}
	})
}

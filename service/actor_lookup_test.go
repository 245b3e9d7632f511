package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/service"
)

func TestActorsAreFoundByAccountIDAndByIRI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		surrey, err := x.svc.FindCommunity(ctx, "surrey")
		if err != nil {
			t.Fatal(err)
		}
		rae := &convene.RemoteActor{ID: convene.NewID(), IRI: "https://mastodon.example/users/rae", Type: "Person", Username: "rae",
			Domain: "mastodon.example", Inbox: "https://mastodon.example/users/rae/inbox", FetchedAt: time.Now(), CreatedAt: time.Now()}
		if err := d.UpsertRemoteActor(ctx, rae); err != nil {
			t.Fatal(err)
		}
		check := func(how string, got service.Actor, err error, want string) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", how, err)
			}
			var id string
			switch {
			case got.Account != nil:
				id = got.Account.ID
			case got.Community != nil:
				id = got.Community.ID
			case got.Remote != nil:
				id = got.Remote.ID
			}
			if id != want {
				t.Errorf("%s found %+v, want id %s", how, got, want)
			}
		}
		for _, want := range []string{x.mia.ID, surrey.ID, rae.ID} {
			a, err := x.svc.FindActorByID(ctx, want)
			check("by id", a, err, want)
			b, err := x.svc.FindActorByIRI(ctx, x.svc.ActorIRI(a))
			check("by IRI "+x.svc.ActorIRI(a), b, err, want)
		}
		if iri := x.svc.ActorIRI(service.Actor{Account: x.mia}); iri != "https://convene.test/u/mia" {
			t.Errorf("mia's IRI = %s", iri)
		}
		for _, id := range []string{"01ARZ3NDEKTSV4RRFFQ69G5FAV", ""} {
			_, err := x.svc.FindActorByID(ctx, id)
			wantCode(t, err, convene.ENOTFOUND)
		}
		for _, iri := range []string{"https://convene.test/actor", "https://convene.test/u/nobody", "https://elsewhere.example/u/x"} {
			_, err := x.svc.FindActorByIRI(ctx, iri)
			wantCode(t, err, convene.ENOTFOUND)
		}

		st, err := x.svc.ActorStats(ctx, service.Actor{Community: surrey})
		if err != nil || st.Followers == 0 {
			t.Errorf("surrey's stats = %+v, %v; want its members", st, err)
		}
		if st, err := x.svc.ActorStats(ctx, service.Actor{Remote: rae}); err != nil || st != (service.ActorStats{}) {
			t.Errorf("a remote actor's stats = %+v, %v; want zero (unknown)", st, err)
		}
	})
}

func TestPendingAccountsAreNotFoundByIDOrIRI(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	svc := service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"),
		Registration: convene.RegistrationApproval, NewKeyPair: sharedKeys})
	mustCreate(t, svc, "ada", convene.RoleAdmin)
	pat, err := svc.SignUp(context.Background(), service.AccountCreate{Username: "pat", Email: "pat@example.org",
		Password: "correct horse battery"})
	if err != nil || pat.State != convene.AccountPending {
		t.Fatalf("sign-up = %+v, %v", pat, err)
	}
	_, err = svc.FindActorByID(context.Background(), pat.ID)
	wantCode(t, err, convene.ENOTFOUND)
	_, err = svc.FindActorByIRI(context.Background(), "https://convene.test/u/pat")
	wantCode(t, err, convene.ENOTFOUND)
}

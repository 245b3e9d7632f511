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

func TestSearchFindsAccountsHashtagsAndText(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers) // olga, mia, otto; surrey
		ctx := context.Background()
		mira := &convene.RemoteActor{ID: convene.NewID(), IRI: "https://far.example/users/mira", Type: "Person", Username: "Mira",
			Name: "Mira Olsen", Domain: "far.example", Inbox: "https://far.example/inbox", FetchedAt: time.Now(), CreatedAt: time.Now()}
		if err := d.UpsertRemoteActor(ctx, mira); err != nil {
			t.Fatal(err)
		}
		name := "Olga Surrey-Smith"
		if _, err := x.svc.UpdateProfile(as(x.olga), "olga", service.ProfileUpdate{DisplayName: &name}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Seed swap",
			Body: "Bring #seeds and #seedlings, 100% organic_ish"}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Members", Body: "secret seed #seedvault",
			Visibility: convene.VisibilityCommunity}); err != nil {
			t.Fatal(err)
		}

		names := func(found *service.SearchResults) []string {
			var out []string
			for _, a := range found.Actors {
				out = append(out, x.svc.ActorIRI(a))
			}
			return out
		}
		search := func(who *convene.Account, q service.SearchQuery) *service.SearchResults {
			t.Helper()
			found, err := x.svc.Search(as(who), q)
			if err != nil {
				t.Fatal(err)
			}
			return found
		}
		// "mi": mia's handle, then Mira elsewhere; "surrey": the community by its handle, then
		// olga by her name.
		if got := names(search(x.otto, service.SearchQuery{Q: "mi", Type: "accounts"})); !sameIDs(got,
			"https://convene.test/u/mia", "https://far.example/users/mira") {
			t.Errorf(`accounts "mi" = %v`, got)
		}
		if got := names(search(x.otto, service.SearchQuery{Q: "@Surrey"})); !sameIDs(got,
			"https://convene.test/c/surrey", "https://convene.test/u/olga") {
			t.Errorf(`accounts "@Surrey" = %v`, got)
		}
		if got := names(search(x.otto, service.SearchQuery{Q: "surrey", Type: "accounts", Limit: 1, Offset: 1})); !sameIDs(got,
			"https://convene.test/u/olga") {
			t.Errorf(`the second "surrey" = %v`, got)
		}
		// Hashtags of public posts, exact first; never those only members-only posts carry.
		if got := search(nil, service.SearchQuery{Q: "#seed", Type: "hashtags"}).Hashtags; !sameIDs(got, "seedlings", "seeds") {
			t.Errorf(`hashtags "#seed" = %v`, got)
		}
		if got := search(nil, service.SearchQuery{Q: "seeds", Type: "hashtags"}).Hashtags; len(got) == 0 || got[0] != "seeds" {
			t.Errorf(`hashtags "seeds" = %v`, got)
		}
		// Text: every word, public posts only, for signed-in people only; LIKE's wildcards
		// match themselves.
		if got := search(x.otto, service.SearchQuery{Q: "SWAP organic", Type: "statuses"}).Posts; len(got) != 1 || got[0].Title != "Seed swap" {
			t.Errorf(`statuses "SWAP organic" = %+v`, got)
		}
		for _, q := range []string{"secret", "swap members", "100%_organic", "seed%vault"} {
			if got := search(x.mia, service.SearchQuery{Q: q, Type: "statuses"}).Posts; len(got) != 0 {
				t.Errorf("statuses %q = %+v, want none", q, got)
			}
		}
		if got := search(nil, service.SearchQuery{Q: "swap", Type: "statuses"}).Posts; len(got) != 0 {
			t.Errorf("an anonymous text search found %+v", got)
		}
	})
}

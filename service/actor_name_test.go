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

// TestActorNamesLinkOnlyToHTTP: an actor stored with a javascript: profile url (before the
// parser dropped them) is linked by its IRI, on every page that names actors.
func TestActorNamesLinkOnlyToHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		iri := "https://evil.example/u/mallory"
		err := d.UpsertRemoteActor(ctx, &convene.RemoteActor{ID: convene.NewID(), IRI: iri, Type: "Person", Username: "mallory",
			Domain: "evil.example", Inbox: iri + "/inbox", URL: "javascript:alert(document.cookie)", FetchedAt: now, CreatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		svc := service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"), Now: time.Now, NewKeyPair: sharedKeys})
		if n := svc.ActorName(ctx, iri); n.URL != iri {
			t.Errorf("ActorName links to %q, want %q", n.URL, iri)
		}
		if r := svc.DescribeActor(ctx, iri); r.URL != iri {
			t.Errorf("DescribeActor links to %q, want %q", r.URL, iri)
		}
	})
}

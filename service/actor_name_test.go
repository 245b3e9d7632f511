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

// TestRemoteActorNamesCarryOnlyHTTPSAvatars: pages show an actor elsewhere beside its avatar,
// but load other servers' images over https only (their Content-Security-Policy), so an
// avatar on http is left out rather than shown as a broken picture.
func TestRemoteActorNamesCarryOnlyHTTPSAvatars(t *testing.T) {
	for avatar, want := range map[string]string{
		"https://files.far.example/oak.png": "https://files.far.example/oak.png",
		"http://files.far.example/oak.png":  "",
		"":                                  "",
	} {
		a := &convene.RemoteActor{IRI: "https://far.example/groups/oak", Username: "oak", Domain: "far.example", AvatarURL: avatar}
		if got := service.RemoteActorName(a).AvatarURL; got != want {
			t.Errorf("avatar %q is named with %q, want %q", avatar, got, want)
		}
	}
}

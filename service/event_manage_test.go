package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestOnlyTheOrganiserAndModeratorsMayManageAnEvent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers) // olga owns surrey, mia is a member
		e, err := x.svc.CreateEvent(as(x.mia), meetup("surrey"))
		if err != nil {
			t.Fatal(err)
		}
		for who, want := range map[string]bool{"mia": true, "olga": true, "otto": false, "": false} {
			ctx := context.Background()
			switch who {
			case "mia":
				ctx = as(x.mia)
			case "olga":
				ctx = as(x.olga)
			case "otto":
				ctx = as(x.otto)
			}
			if may, err := x.svc.CanManageEvent(ctx, e); err != nil || may != want {
				t.Errorf("%q may manage: %v, %v; want %v", who, may, err, want)
			}
			_, err := x.svc.EditEvent(ctx, e.ID, service.EventInputOf(e))
			if (err == nil) != want {
				t.Errorf("%q editing: %v, but CanManageEvent says %v", who, err, want)
			}
		}
		if err := x.svc.DeleteEvent(as(x.mia), e.ID); err != nil {
			t.Fatal(err)
		}
		e, _ = x.svc.FindEvent(as(x.mia), e.ID)
		if may, err := x.svc.CanManageEvent(as(x.mia), e); err != nil || may {
			t.Errorf("a deleted event may be managed: %v, %v", may, err)
		}

		c, err := x.svc.FindCommunity(context.Background(), "surrey")
		if err != nil {
			t.Fatal(err)
		}
		for who, want := range map[*convene.Account]bool{x.mia: true, x.olga: true, x.otto: false} {
			if may, err := x.svc.CanCreateEvent(as(who), c); err != nil || may != want {
				t.Errorf("%s may create events in surrey: %v, %v; want %v", who.Username, may, err, want)
			}
		}
		if may, err := x.svc.CanCreateEvent(context.Background(), c); err != nil || may {
			t.Errorf("a visitor may create events: %v, %v", may, err)
		}
	})
}

func TestEventInputOfGivesBackTheWallClockInTheEventsZone(t *testing.T) {
	x := newDiscussion(t, dbtest.OpenSQLite(t), convene.PostingMembers)
	in := meetup("surrey")
	in.Timezone, in.Start, in.End = "America/New_York", "2030-03-10T09:00", "2030-03-10T11:30" // the day clocks change there
	in.Capacity, in.JoinMode, in.Category = 12, convene.JoinRestricted, "LEARNING"
	e, err := x.svc.CreateEvent(as(x.mia), in)
	if err != nil {
		t.Fatal(err)
	}
	got := service.EventInputOf(e)
	if got.Start != in.Start || got.End != in.End || got.Timezone != in.Timezone || got.Title != in.Title ||
		got.Description != in.Description || got.Place != in.Place || got.Capacity != 12 ||
		got.JoinMode != convene.JoinRestricted || got.Category != "LEARNING" || got.Status != convene.EventScheduled {
		t.Errorf("EventInputOf = %+v, want what made it: %+v", got, in)
	}
	again, err := x.svc.EditEvent(as(x.mia), e.ID, got)
	if err != nil || !again.StartsAt.Equal(e.StartsAt) || !again.EndsAt.Equal(*e.EndsAt) {
		t.Errorf("saving the input unchanged moved the event: %v, %v", again, err)
	}
}

func TestCrossPostChoicesAreOtherLocalCommunitiesAndThoseFollowedElsewhere(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		for _, slug := range []string{"kent", "woking"} {
			if _, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: slug, Name: "The " + slug + " commons"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := x.svc.Join(as(x.mia), "kent"); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		remote := &convene.RemoteActor{ID: convene.NewID(), IRI: "https://lemmy.example/c/gardens", Type: "Group",
			Username: "gardens", Domain: "lemmy.example", Name: "Community gardens", Inbox: "https://lemmy.example/c/gardens/inbox",
			FetchedAt: time.Now(), CreatedAt: time.Now()}
		person := &convene.RemoteActor{ID: convene.NewID(), IRI: "https://mastodon.example/users/ann", Type: "Person",
			Username: "ann", Domain: "mastodon.example", Inbox: "https://mastodon.example/users/ann/inbox",
			FetchedAt: time.Now(), CreatedAt: time.Now()}
		for _, a := range []*convene.RemoteActor{remote, person} {
			if err := d.UpsertRemoteActor(ctx, a); err != nil {
				t.Fatal(err)
			}
			f, err := x.svc.FollowRemote(as(x.olga), "surrey", a)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.svc.ReceiveAccept(ctx, f.ActivityIRI, a.IRI); err != nil {
				t.Fatal(err)
			}
		}

		choices, err := x.svc.CrossPostChoices(as(x.mia), "surrey")
		if err != nil {
			t.Fatal(err)
		}
		want := []service.CrossPostChoice{
			{IRI: "https://convene.test/c/kent", Name: "The kent commons", Handle: "@kent@convene.test", Local: true},
			{IRI: "https://convene.test/c/woking", Name: "The woking commons", Handle: "@woking@convene.test", Local: true, NeedsApproval: true},
			{IRI: "https://lemmy.example/c/gardens", Name: "Community gardens", Handle: "@gardens@lemmy.example"},
		}
		if len(choices) != len(want) {
			t.Fatalf("choices = %+v, want %+v", choices, want)
		}
		for i := range want {
			if choices[i] != want[i] {
				t.Errorf("choice %d = %+v, want %+v", i, choices[i], want[i])
			}
		}

		for iri, want := range map[string]string{
			"https://convene.test/u/mia":         "mia",
			"https://convene.test/c/kent":        "The kent commons",
			"https://lemmy.example/c/gardens":    "Community gardens",
			"https://mastodon.example/users/ann": "@ann@mastodon.example",
			"https://unknown.example/u/x":        "unknown.example/u/x",
		} {
			if got := x.svc.ActorName(ctx, iri).Name; got != want {
				t.Errorf("ActorName(%s) = %q, want %q", iri, got, want)
			}
		}
	})
}

// TestCrossPostChoicesFollowThePostingRule checks that the picker, which reads everyone's
// rights at once, says what starting a thread would: for members, moderators and staff, in
// communities of every posting policy.
func TestCrossPostChoicesFollowThePostingRule(t *testing.T) {
	x := newDiscussion(t, dbtest.OpenSQLite(t), convene.PostingMembers) // olga owns surrey, mia joined it
	admin := mustCreate(t, x.svc, "ada", convene.RoleAdmin)
	for _, c := range []service.CommunityCreate{
		{Slug: "open", Name: "Open", PostingPolicy: convene.PostingMembers},
		{Slug: "followers", Name: "Followers", PostingPolicy: convene.PostingFollowers},
		{Slug: "news", Name: "News", PostingPolicy: convene.PostingModerators},
	} {
		if _, err := x.svc.CreateCommunity(as(x.olga), c); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Join(as(x.mia), c.Slug); err != nil {
			t.Fatal(err)
		}
	}
	for _, who := range []*convene.Account{x.olga, x.mia, x.otto, admin} {
		choices, err := x.svc.CrossPostChoices(as(who), "surrey")
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range choices {
			slug := ch.Handle[1:strings.Index(ch.Handle, "@convene.test")]
			_, err := x.svc.CreateThread(as(who), service.ThreadCreate{Community: slug, Title: "T", Body: "B"})
			if mayPost := err == nil; mayPost == ch.NeedsApproval {
				t.Errorf("%s in %s: picker says needs approval %v, starting a thread gave %v", who.Username, slug, ch.NeedsApproval, err)
			}
		}
	}
}

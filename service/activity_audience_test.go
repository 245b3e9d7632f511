package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

// Activities are served by id only to their audience: a members-only post's Create and
// Announce must not be readable by anyone who learns or guesses their ids.
func TestActivitiesAreServedToTheirAudience(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		const rita, sam = "https://elsewhere.example/u/rita", "https://elsewhere.example/u/sam"
		if err := x.svc.ReceiveFollow(context.Background(), "https://elsewhere.example/f/1", rita, "https://convene.test/c/surrey"); err != nil {
			t.Fatal(err)
		}
		accept := x.outbox(t)
		if _, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Open", Body: "All welcome"}); err != nil {
			t.Fatal(err)
		}
		public := x.outbox(t)
		if _, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Inside", Body: "Psst",
			Visibility: convene.VisibilityCommunity}); err != nil {
			t.Fatal(err)
		}
		members := x.outbox(t)
		if len(accept) != 1 || accept[0].Type != "Accept" || len(public) == 0 || len(members) == 0 {
			t.Fatalf("outbox: accept %v, public %v, members %v", activitiesBy(accept), activitiesBy(public), activitiesBy(members))
		}
		mia := "https://convene.test/u/mia"
		for _, c := range []struct {
			what  string
			list  []*convene.Activity
			actor string
			found bool
		}{
			{"a public thread's, unsigned", public, "", true},
			{"a public thread's, to a stranger", public, sam, true},
			{"a members-only thread's, unsigned", members, "", false},
			{"a members-only thread's, to a stranger", members, sam, false},
			{"a members-only thread's, to a remote member", members, rita, true},
			{"a members-only thread's, to a member here", members, mia, true},
			{"the Accept, to whom it accepts", accept, rita, true},
			{"the Accept, to a stranger", accept, sam, false},
			{"the Accept, unsigned", accept, "", false},
		} {
			for _, a := range c.list {
				got, err := x.svc.FindActivityForActor(context.Background(), a.ID, c.actor)
				if c.found && (err != nil || got.ID != a.ID) {
					t.Errorf("%s %s: %v, want it served", c.what, a.Type, err)
				}
				if !c.found && convene.ErrorCode(err) != convene.ENOTFOUND {
					t.Errorf("%s %s: %v, want not found", c.what, a.Type, err)
				}
			}
		}
		if _, err := x.svc.FindActivityForActor(context.Background(), convene.NewID(), rita); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("an unknown id: %v", err)
		}

		// A members-only thread that mentions kent, a community here that follows surrey, is
		// kent's to read, not that of everyone who follows kent.
		if _, err := x.svc.CreateCommunity(as(x.otto), service.CommunityCreate{Slug: "kent", Name: "Kent"}); err != nil {
			t.Fatal(err)
		}
		const eve = "https://elsewhere.example/u/eve"
		for follower, followee := range map[string]string{"https://convene.test/c/kent": "https://convene.test/c/surrey",
			eve: "https://convene.test/c/kent"} {
			if err := x.svc.ReceiveFollow(context.Background(), follower+"/f/"+convene.NewID(), follower, followee); err != nil {
				t.Fatal(err)
			}
		}
		x.outbox(t)
		if _, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Inside", Body: "Psst @kent",
			Visibility: convene.VisibilityCommunity}); err != nil {
			t.Fatal(err)
		}
		mentioned := x.outbox(t)
		if !slices.ContainsFunc(mentioned, func(a *convene.Activity) bool { return slices.Contains(a.Cc, "https://convene.test/c/kent") }) {
			t.Fatalf("kent is not addressed: %v", activitiesBy(mentioned))
		}
		for _, a := range mentioned {
			if _, err := x.svc.FindActivityForActor(context.Background(), a.ID, eve); convene.ErrorCode(err) != convene.ENOTFOUND {
				t.Errorf("a follower of a mentioned community got the %s of a members-only thread: %v", a.Type, err)
			}
		}
	})
}

// A members-only reply is addressed to whom it answers only while they are a member: who
// left no longer receives the thread's replies.
func TestMembersOnlyRepliesSkipParentsWhoLeft(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		thread, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Inside", Body: "Psst",
			Visibility: convene.VisibilityCommunity})
		if err != nil {
			t.Fatal(err)
		}
		mia := "https://convene.test/u/mia"
		for _, stays := range []bool{true, false} {
			if !stays {
				if err := x.svc.Leave(as(x.mia), "surrey"); err != nil {
					t.Fatal(err)
				}
			}
			x.outbox(t)
			if _, err := x.svc.Reply(as(x.olga), thread.ID, "Noted"); err != nil {
				t.Fatal(err)
			}
			addressed := false
			for _, a := range x.outbox(t) {
				addressed = addressed || slices.Contains(a.To, mia) || slices.Contains(a.Cc, mia)
			}
			if addressed != stays {
				t.Errorf("mia a member: %v; the reply addressed to her: %v", stays, addressed)
			}
		}
		// Nor is she told of edits to a members-only post that mentioned her before she left.
		mentioning, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Plans", Body: "Ask @otto",
			Visibility: convene.VisibilityCommunity})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Join(as(x.otto), "surrey"); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.EditPost(as(x.olga), mentioning.ID, service.PostEdit{Body: new("Ask @otto please")}); err != nil {
			t.Fatal(err)
		}
		if err := x.svc.Leave(as(x.otto), "surrey"); err != nil {
			t.Fatal(err)
		}
		x.outbox(t)
		if _, err := x.svc.EditPost(as(x.olga), mentioning.ID, service.PostEdit{Title: new("Plans, again")}); err != nil {
			t.Fatal(err)
		}
		for _, a := range x.outbox(t) {
			if slices.Contains(a.Cc, "https://convene.test/u/otto") || slices.Contains(a.To, "https://convene.test/u/otto") {
				t.Errorf("otto, who left, is told of an edit: %s to %v cc %v", a.Type, a.To, a.Cc)
			}
		}
	})
}

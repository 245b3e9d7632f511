package service_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

// mobilizonEvent is a public event of a Mobilizon group, as federation hands it over.
func mobilizonEvent(slug, title string) *convene.Event {
	return &convene.Event{IRI: "https://mobilizon.example/events/" + slug, OrganizerIRI: "https://mobilizon.example/@bob",
		CommunityIRI: "https://mobilizon.example/@hikers", Title: title, Content: "<p>" + title + "</p>",
		StartsAt: time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second), Timezone: "Europe/London", Public: true}
}

func agendaIDs(t *testing.T, svc *service.Service) []string {
	t.Helper()
	list, err := svc.UpcomingEvents(context.Background(), "", 50)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range list {
		ids = append(ids, e.IRI)
	}
	return ids
}

func TestRemoteCrossPostStaysOffTheAgendaUntilAModeratorApproves(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		surrey := "https://convene.test/c/surrey"
		refused := mobilizonEvent("1", "Ridge walk")
		stored, err := x.svc.ReceiveEvent(ctx, service.RemoteEvent{Event: refused, Groups: []string{surrey}})
		if err != nil || stored == nil {
			t.Fatalf("cross-post not stored: %v", err)
		}
		if got := agendaIDs(t, x.svc); len(got) != 0 {
			t.Errorf("a pending cross-post is on the instance's agenda: %v", got)
		}
		if _, err := x.svc.FindEvent(ctx, stored.ID); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("a visitor sees a pending cross-post: %v", err)
		}
		if _, err := x.svc.FindEvent(as(x.otto), stored.ID); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("a non-moderator sees a pending cross-post: %v", err)
		}
		if _, err := x.svc.FindEvent(as(x.olga), stored.ID); err != nil {
			t.Errorf("surrey's moderator cannot review the cross-post: %v", err)
		}

		pending, err := x.svc.PendingShares(as(x.olga), "surrey")
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending = %v, %v", pending, err)
		}
		if err := x.svc.DecideShare(as(x.olga), "surrey", pending[0].ID, false); err != nil {
			t.Fatal(err)
		}
		// The organiser sends it again: still refused, nothing waits, nothing is listed.
		if _, err := x.svc.ReceiveEvent(ctx, service.RemoteEvent{Event: refused, Groups: []string{surrey}}); err != nil {
			t.Fatal(err)
		}
		if again, _ := x.svc.PendingShares(as(x.olga), "surrey"); len(again) != 0 {
			t.Errorf("a refused cross-post waits again: %v", again)
		}
		if got := agendaIDs(t, x.svc); len(got) != 0 {
			t.Errorf("a refused cross-post is on the agenda: %v", got)
		}
		if list := x.outbox(t); len(list) != 0 {
			t.Errorf("refusing queued %v", activitiesBy(list))
		}

		approved := mobilizonEvent("2", "Lake swim")
		if _, err := x.svc.ReceiveEvent(ctx, service.RemoteEvent{Event: approved, Groups: []string{surrey}}); err != nil {
			t.Fatal(err)
		}
		pending, _ = x.svc.PendingShares(as(x.olga), "surrey")
		if len(pending) != 1 {
			t.Fatalf("pending = %v", pending)
		}
		if err := x.svc.DecideShare(as(x.olga), "surrey", pending[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if got := agendaIDs(t, x.svc); !slices.Equal(got, []string{approved.IRI}) {
			t.Errorf("agenda after approval = %v, want the approved event", got)
		}
		e, err := x.svc.FindEventByIRI(ctx, approved.IRI)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.FindEvent(ctx, e.ID); err != nil {
			t.Errorf("a visitor cannot see an approved cross-post: %v", err)
		}
	})
}

func TestNonPublicCrossPostCannotBeApprovedOrSeen(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		private := mobilizonEvent("3", "Members' supper")
		private.Public = false
		stored, err := x.svc.ReceiveEvent(ctx, service.RemoteEvent{Event: private, Groups: []string{"https://convene.test/c/surrey"}})
		if err != nil || stored == nil {
			t.Fatalf("stored = %v, %v", stored, err)
		}
		pending, err := x.svc.PendingShares(as(x.olga), "surrey")
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending = %v, %v", pending, err)
		}
		if err := x.svc.DecideShare(as(x.olga), "surrey", pending[0].ID, true); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("approving a non-public event: %v", err)
		}
		if _, err := x.svc.FindEvent(as(x.olga), stored.ID); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("a non-public event is visible: %v", err)
		}
		if _, err := x.svc.JoinEvent(as(x.mia), stored.ID, ""); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("joining an event one cannot see: %v", err)
		}
	})
}

func TestKnownEventIsCrossPostedOnlyByItsOrganiser(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingFollowers) // an accepted follower may post at once
		ctx := context.Background()
		e := mobilizonEvent("4", "Seed swap") // announced by a group someone here follows
		if _, err := x.svc.ReceiveEvent(ctx, service.RemoteEvent{Event: e, Via: e.CommunityIRI}); err != nil {
			t.Fatal(err)
		}
		if err := x.svc.ReceiveFollow(ctx, "https://mobilizon.example/follows/1", "https://mobilizon.example/@mallory", "https://convene.test/c/surrey"); err != nil {
			t.Fatal(err)
		}
		x.outbox(t)
		// mallory, on the same server, claims the event and cross-posts it with her own text.
		forged := *e
		forged.OrganizerIRI, forged.CommunityIRI, forged.Title = "https://mobilizon.example/@mallory", "", "Free beer"
		got, err := x.svc.ReceiveEvent(ctx, service.RemoteEvent{Event: &forged, Groups: []string{"https://convene.test/c/surrey"},
			Activity: []byte(`{"type":"Create","actor":"https://mobilizon.example/@mallory"}`)})
		if err != nil || got != nil {
			t.Errorf("a forged cross-post of a known event = %v, %v", got, err)
		}
		if list := x.outbox(t); len(list) != 0 {
			t.Errorf("a forged cross-post was announced: %v", activitiesBy(list))
		}
		if stored, _ := x.svc.FindEventByIRI(ctx, e.IRI); stored.Title != "Seed swap" || stored.OrganizerIRI != e.OrganizerIRI {
			t.Errorf("stored = %+v", stored)
		}
	})
}

func TestEventChangesReachRemoteAttendeesOutOfPublicView(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		e, err := x.svc.CreateEvent(as(x.mia), meetup("surrey"))
		if err != nil {
			t.Fatal(err)
		}
		ann := "https://mobilizon.example/@ann"
		if err := x.svc.ReceiveJoin(ctx, ann+"/join/1", ann, e.IRI, ""); err != nil {
			t.Fatal(err)
		}
		x.outbox(t)
		in := meetup("surrey")
		in.Title = "Reading group (moved)"
		if _, err := x.svc.EditEvent(as(x.mia), e.ID, in); err != nil {
			t.Fatal(err)
		}
		var public, private []*convene.Activity
		for _, a := range x.outbox(t) {
			if a.Type != "Update" {
				continue
			}
			if slices.Contains(a.To, convene.PublicIRI) {
				public = append(public, a)
			} else {
				private = append(private, a)
			}
		}
		if len(public) != 1 || slices.Contains(public[0].Cc, ann) || slices.Contains(public[0].To, ann) {
			t.Errorf("public Updates = %+v: want one, without the attendee", public)
		}
		if len(private) != 1 || !slices.Equal(private[0].To, []string{ann}) || len(private[0].Cc) != 0 ||
			private[0].Actor != "https://convene.test/u/mia" || private[0].Object != e.IRI {
			t.Errorf("attendee Updates = %+v: want one, to the attendee alone", private)
		}
	})
}

func TestEventTimesOutsideTheStorableYearsAreRefused(t *testing.T) {
	x := newDiscussion(t, dbtest.OpenSQLite(t), convene.PostingMembers)
	in := meetup("surrey")
	// 23:00 in New York on the last day of 9999 is already year 10000 in UTC.
	in.Start, in.End, in.Timezone = "9999-12-31T23:00", "", "America/New_York"
	if _, err := x.svc.CreateEvent(as(x.mia), in); convene.ErrorCode(err) != convene.EINVALID {
		t.Errorf("start in UTC year 10000: %v", err)
	}
	in.Start = "9998-06-01T10:00"
	if _, err := x.svc.CreateEvent(as(x.mia), in); err != nil {
		t.Errorf("start in 9998: %v", err)
	}
}

func TestLandscapeLeavesOutTheCommunitysOwnEvents(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		if _, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "kent", Name: "Kent"}); err != nil {
			t.Fatal(err)
		}
		ours, err := x.svc.CreateEvent(as(x.mia), meetup("surrey"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Reshare(as(x.olga), "kent", ours.IRI); err != nil { // kent shares surrey's event
			t.Fatal(err)
		}
		if err := x.svc.ReceiveFollow(ctx, "https://convene.test/a/f2", "https://convene.test/c/surrey", "https://convene.test/c/kent"); err != nil {
			t.Fatal(err)
		}
		land, err := x.svc.CommunityLandscape(ctx, "surrey", 10)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(land.Communities, []string{"https://convene.test/c/kent"}) || len(land.Events) != 0 {
			t.Errorf("surrey's landscape = %v communities, %d events; want kent and none of surrey's own", land.Communities, len(land.Events))
		}
	})
}

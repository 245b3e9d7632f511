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

func meetup(community string) service.EventInput {
	return service.EventInput{Community: community, Title: "Reading group", Description: "We read *Ostrom*.",
		Start: "2030-02-05T18:30", End: "2030-02-05T20:00", Timezone: "Europe/London",
		Place: convene.Place{Name: "Guildford Library", Locality: "Guildford", Country: "UK"}}
}

// activitiesBy lists "Type by actor" of each activity.
func activitiesBy(list []*convene.Activity) []string {
	var types []string
	for _, a := range list {
		types = append(types, a.Type+" by "+a.Actor)
	}
	return types
}

func TestCreateEventStoresWallClockTimeAndFederates(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		e, err := x.svc.CreateEvent(as(x.mia), meetup("surrey"))
		if err != nil {
			t.Fatal(err)
		}
		london, _ := time.LoadLocation("Europe/London")
		if want := time.Date(2030, 2, 5, 18, 30, 0, 0, london); !e.StartsAt.Equal(want) || e.EndsAt == nil || e.EndsAt.Sub(e.StartsAt) != 90*time.Minute {
			t.Errorf("times = %v–%v, want %v for 90 min", e.StartsAt, e.EndsAt, want)
		}
		if e.Status != convene.EventScheduled || e.JoinMode != convene.JoinFree || !e.Public || e.Content == "" {
			t.Errorf("event = %+v", e)
		}
		got := activitiesBy(x.outbox(t))
		want := []string{"Create by https://convene.test/u/mia", "Announce by https://convene.test/c/surrey", "Announce by https://convene.test/c/surrey"}
		if !slices.Equal(got, want) {
			t.Errorf("outbox = %v, want %v", got, want)
		}
	})
}

func TestEventValidation(t *testing.T) {
	x := newDiscussion(t, dbtest.OpenSQLite(t), convene.PostingMembers)
	lat, lon := 91.0, 0.0
	for name, edit := range map[string]func(*service.EventInput){
		"no title":           func(in *service.EventInput) { in.Title = " " },
		"end before start":   func(in *service.EventInput) { in.End = "2030-02-05T18:00" },
		"end equals start":   func(in *service.EventInput) { in.End = in.Start },
		"bad zone":           func(in *service.EventInput) { in.Timezone = "Mars/Olympus" },
		"bad time":           func(in *service.EventInput) { in.Start = "5 Feb 2030" },
		"skipped by DST":     func(in *service.EventInput) { in.Start, in.End = "2030-03-31T01:30", "" },
		"negative capacity":  func(in *service.EventInput) { in.Capacity = -1 },
		"bad join mode":      func(in *service.EventInput) { in.JoinMode = "maybe" },
		"external, no link":  func(in *service.EventInput) { in.JoinMode = convene.JoinExternal },
		"javascript link":    func(in *service.EventInput) { in.OnlineURL = "javascript:alert(1)" },
		"bad category":       func(in *service.EventInput) { in.Category = "PICNICS" },
		"latitude only":      func(in *service.EventInput) { in.Place.Latitude = &lat },
		"latitude too large": func(in *service.EventInput) { in.Place.Latitude, in.Place.Longitude = &lat, &lon },
		"bad status":         func(in *service.EventInput) { in.Status = "maybe" },
	} {
		in := meetup("surrey")
		edit(&in)
		if _, err := x.svc.CreateEvent(as(x.mia), in); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	if _, err := x.svc.CreateEvent(as(x.otto), meetup("surrey")); convene.ErrorCode(err) != convene.EFORBIDDEN {
		t.Errorf("a non-member announcing: %v, want EFORBIDDEN", err)
	}
	in := meetup("surrey")
	in.End, in.Timezone = "", ""
	e, err := x.svc.CreateEvent(as(x.mia), in)
	if err != nil || e.EndsAt != nil || e.Timezone != "UTC" {
		t.Errorf("open end in the organiser's zone: %+v, %v", e, err)
	}
}

func TestEditAndCancelNotifyAttendees(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		e, err := x.svc.CreateEvent(as(x.mia), meetup("surrey"))
		if err != nil {
			t.Fatal(err)
		}
		if p, err := x.svc.JoinEvent(as(x.otto), e.ID, "See you"); err != nil || p.State != convene.ParticipationAccepted {
			t.Fatalf("otto's RSVP: %+v, %v", p, err)
		}
		in := meetup("")
		in.Title = "Reading group (new room)"
		if _, err := x.svc.EditEvent(as(x.otto), e.ID, in); convene.ErrorCode(err) != convene.EFORBIDDEN {
			t.Errorf("an attendee editing: %v", err)
		}
		edited, err := x.svc.EditEvent(as(x.olga), e.ID, in) // a moderator may
		if err != nil || edited.Title != in.Title || edited.Sequence != 1 {
			t.Fatalf("edit: %+v, %v", edited, err)
		}
		cancelled, err := x.svc.CancelEvent(as(x.mia), e.ID)
		if err != nil || cancelled.Status != convene.EventCancelled {
			t.Fatalf("cancel: %+v, %v", cancelled, err)
		}
		notes, err := x.svc.Notifications(as(x.otto), "", 10)
		if err != nil || len(notes) != 2 || notes[0].Type != "event_cancel" || notes[1].Type != "event_update" || notes[0].EventID != e.ID {
			t.Errorf("otto's notifications = %+v, %v", notes, err)
		}
		if notes, _ := x.svc.Notifications(as(x.mia), "", 10); len(notes) != 1 || notes[0].Type != "rsvp" {
			t.Errorf("the organiser's notifications = %+v", notes)
		}
		if _, err := x.svc.JoinEvent(as(x.olga), e.ID, ""); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("joining a cancelled event: %v", err)
		}
	})
}

func TestRSVPByJoinMode(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		in := meetup("surrey")
		in.Capacity, in.JoinMode = 1, convene.JoinRestricted
		e, err := x.svc.CreateEvent(as(x.mia), in)
		if err != nil {
			t.Fatal(err)
		}
		p, err := x.svc.JoinEvent(as(x.otto), e.ID, "")
		if err != nil || p.State != convene.ParticipationPending {
			t.Fatalf("restricted RSVP: %+v, %v", p, err)
		}
		if _, err := x.svc.JoinEvent(as(x.otto), e.ID, ""); convene.ErrorCode(err) != convene.ECONFLICT {
			t.Errorf("a second RSVP: %v", err)
		}
		if err := x.svc.DecideParticipation(as(x.otto), e.ID, p.ActorIRI, true); convene.ErrorCode(err) != convene.EFORBIDDEN {
			t.Errorf("deciding one's own RSVP: %v", err)
		}
		if err := x.svc.DecideParticipation(as(x.mia), e.ID, p.ActorIRI, true); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.JoinEvent(as(x.olga), e.ID, ""); err != nil {
			t.Fatal(err)
		}
		err = x.svc.DecideParticipation(as(x.mia), e.ID, "https://convene.test/u/olga", true)
		if convene.ErrorCode(err) != convene.ECONFLICT {
			t.Errorf("accepting into a full event: %v", err)
		}
		got, _ := x.svc.FindEvent(context.Background(), e.ID)
		if got.AttendeeCount != 1 {
			t.Errorf("attendees = %d, want 1", got.AttendeeCount)
		}
		if err := x.svc.LeaveEvent(as(x.otto), e.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := x.svc.FindEvent(context.Background(), e.ID); got.AttendeeCount != 0 {
			t.Errorf("attendees after leaving = %d, want 0", got.AttendeeCount)
		}
		for mode, want := range map[convene.JoinMode]string{convene.JoinNone: convene.EINVALID, convene.JoinExternal: convene.EINVALID} {
			in := meetup("surrey")
			in.JoinMode, in.ExternalURL = mode, "https://tickets.example/reading"
			e, err := x.svc.CreateEvent(as(x.mia), in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := x.svc.JoinEvent(as(x.otto), e.ID, ""); convene.ErrorCode(err) != want {
				t.Errorf("RSVP to a %s event: %v", mode, err)
			}
		}
	})
}

func TestRemoteJoinIsAnsweredByTheCommunity(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		in := meetup("surrey")
		in.Capacity = 1
		e, err := x.svc.CreateEvent(as(x.mia), in)
		if err != nil {
			t.Fatal(err)
		}
		x.outbox(t)
		ctx := context.Background()
		for i, who := range []string{"https://mobilizon.example/@ann", "https://mobilizon.example/@ben"} {
			join := who + "/join/1"
			if err := x.svc.ReceiveJoin(ctx, join, who, e.IRI, "Hello"); err != nil {
				t.Fatal(err)
			}
			if err := x.svc.ReceiveJoin(ctx, join, who, e.IRI, "Hello"); err != nil { // a redelivery
				t.Fatal(err)
			}
			list := x.outbox(t)
			want := []string{"Accept", "Reject"}[i]
			if len(list) != 1 || list[0].Type != want || list[0].Actor != "https://convene.test/c/surrey" ||
				list[0].Inner == nil || list[0].Inner.IRI != join || !slices.Equal(list[0].To, []string{who}) {
				t.Errorf("answer to %s = %+v, want one %s", who, list, want)
			}
		}
		if got, _ := x.svc.FindEvent(ctx, e.ID); got.AttendeeCount != 1 {
			t.Errorf("attendees = %d, want 1", got.AttendeeCount)
		}
		if err := x.svc.ReceiveLeave(ctx, "https://mobilizon.example/@ann", e.IRI); err != nil {
			t.Fatal(err)
		}
		if got, _ := x.svc.FindEvent(ctx, e.ID); got.AttendeeCount != 0 {
			t.Errorf("attendees after Leave = %d, want 0", got.AttendeeCount)
		}
	})
}

func TestCrossPostToLocalCommunities(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		// kent lets mia post (she joins it); sussex does not: its moderator decides.
		for _, slug := range []string{"kent", "sussex"} {
			if _, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: slug, Name: slug}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := x.svc.Join(as(x.mia), "kent"); err != nil {
			t.Fatal(err)
		}
		in := meetup("surrey")
		in.CrossPost = []string{"kent", "@sussex", "surrey"}
		e, err := x.svc.CreateEvent(as(x.mia), in)
		if err != nil {
			t.Fatal(err)
		}
		announcers := map[string]int{}
		for _, a := range x.outbox(t) {
			if a.Type == "Announce" {
				announcers[a.Actor]++
			}
		}
		if announcers["https://convene.test/c/surrey"] != 2 || announcers["https://convene.test/c/kent"] != 2 || announcers["https://convene.test/c/sussex"] != 0 {
			t.Errorf("announces = %v", announcers)
		}
		pending, err := x.svc.PendingShares(as(x.olga), "sussex")
		if err != nil || len(pending) != 1 || pending[0].ObjectIRI != e.IRI {
			t.Fatalf("pending in sussex = %+v, %v", pending, err)
		}
		if err := x.svc.DecideShare(as(x.mia), "sussex", pending[0].ID, true); convene.ErrorCode(err) != convene.EFORBIDDEN {
			t.Errorf("a non-moderator approving: %v", err)
		}
		if err := x.svc.DecideShare(as(x.olga), "sussex", pending[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if list := x.outbox(t); len(list) != 1 || list[0].Actor != "https://convene.test/c/sussex" || list[0].Object != e.IRI {
			t.Errorf("after approval = %v", activitiesBy(list))
		}
		shares, _ := x.svc.EventShares(context.Background(), e)
		if len(shares) != 2 {
			t.Errorf("shared in %d communities, want 2", len(shares))
		}
		for _, slug := range []string{"kent", "sussex"} {
			list, err := x.svc.UpcomingEvents(context.Background(), "https://convene.test/c/"+slug, 10)
			if err != nil || len(list) != 1 || list[0].ID != e.ID {
				t.Errorf("%s's upcoming events = %v, %v", slug, list, err)
			}
		}
	})
}

func TestReshareAndLandscape(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		if _, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "kent", Name: "Kent"}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Join(as(x.mia), "kent"); err != nil {
			t.Fatal(err)
		}
		e, err := x.svc.CreateEvent(as(x.mia), meetup("kent"))
		if err != nil {
			t.Fatal(err)
		}
		thread, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "kent", Title: "Seeds swap", Body: "Bring seeds"})
		if err != nil {
			t.Fatal(err)
		}
		// surrey follows kent (a community following a community, FEP-d36d).
		ctx := context.Background()
		if err := x.svc.ReceiveFollow(ctx, "https://convene.test/a/f1", "https://convene.test/c/surrey", "https://convene.test/c/kent"); err != nil {
			t.Fatal(err)
		}
		land, err := x.svc.CommunityLandscape(ctx, "surrey", 10)
		if err != nil || len(land.Events) != 1 || len(land.Threads) != 1 || land.Threads[0].ID != thread.ID {
			t.Fatalf("landscape = %+v, %v", land, err)
		}
		x.outbox(t)
		if _, err := x.svc.Reshare(as(x.mia), "surrey", e.IRI); convene.ErrorCode(err) != convene.EFORBIDDEN {
			t.Errorf("a non-moderator re-sharing: %v", err)
		}
		if _, err := x.svc.Reshare(as(x.olga), "surrey", e.IRI); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Reshare(as(x.olga), "surrey", thread.IRI); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Reshare(as(x.olga), "surrey", e.IRI); convene.ErrorCode(err) != convene.ECONFLICT {
			t.Errorf("re-sharing twice: %v", err)
		}
		if list := x.outbox(t); len(list) != 2 || list[0].Type != "Announce" || list[0].Actor != "https://convene.test/c/surrey" {
			t.Errorf("re-share activities = %v", activitiesBy(list))
		}
		if list, _ := x.svc.CalendarEvents(ctx, "https://convene.test/c/surrey"); len(list) != 1 || list[0].ID != e.ID {
			t.Errorf("surrey's calendar = %v", list)
		}
	})
}

// TestLandscapeShowsOnlyPublicThreads: a community's page lists the threads of the
// communities it follows as public news, whoever looks; a community-only thread there stays
// on its own community's page, even for a viewer who is a member of it.
func TestLandscapeShowsOnlyPublicThreads(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		if _, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "kent", Name: "Kent"}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Join(as(x.mia), "kent"); err != nil {
			t.Fatal(err)
		}
		open, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "kent", Title: "Seeds swap", Body: "Bring seeds"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "kent", Title: "Members only",
			Body: "Just us", Visibility: convene.VisibilityCommunity}); err != nil {
			t.Fatal(err)
		}
		if err := x.svc.ReceiveFollow(context.Background(), "https://convene.test/a/f1", "https://convene.test/c/surrey", "https://convene.test/c/kent"); err != nil {
			t.Fatal(err)
		}
		for who, ctx := range map[string]context.Context{"visitor": context.Background(), "kent member mia": as(x.mia)} {
			land, err := x.svc.CommunityLandscape(ctx, "surrey", 10)
			if err != nil || len(land.Threads) != 1 || land.Threads[0].ID != open.ID {
				t.Errorf("%s: surrey's landscape threads = %v, %v; want only the public one", who, land.Threads, err)
			}
		}
	})
}

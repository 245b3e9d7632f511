package db_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

const surreyIRI = "https://convene.test/c/surrey"

// eventSetup makes alice and her community surrey, which owns the events of newEvent.
func eventSetup(t *testing.T, d *db.DB) (*convene.Account, *convene.Community) {
	t.Helper()
	alice := mustCreateAccount(t, d, "alice")
	c := newCommunity("surrey", alice.ID)
	if err := d.CreateCommunity(context.Background(), c, testKeys("surrey")); err != nil {
		t.Fatal(err)
	}
	return alice, c
}

// newEvent is a public local event of community c starting at start and lasting hours
// (open-ended when 0).
func newEvent(alice *convene.Account, c *convene.Community, title string, start time.Time, hours int) *convene.Event {
	id := convene.NewID()
	e := &convene.Event{
		ID: id, IRI: "https://convene.test/e/" + id, URL: "https://convene.test/e/" + id,
		CommunityID: c.ID, CommunityIRI: surreyIRI, OrganizerIRI: "https://convene.test/u/alice", AccountID: alice.ID,
		Title: title, Content: "<p>" + title + "</p>", Source: title, StartsAt: start, Timezone: "Europe/London",
		JoinMode: convene.JoinFree, Status: convene.EventScheduled, Public: true, Listed: true, PublishedAt: at, UpdatedAt: at,
	}
	if hours > 0 {
		end := start.Add(time.Duration(hours) * time.Hour)
		e.EndsAt = &end
	}
	return e
}

// remoteEvent is an event made on another server, owned by a Group there.
func remoteEvent(title string, start time.Time) *convene.Event {
	id := convene.NewID()
	return &convene.Event{
		ID: id, IRI: "https://mobilizon.example/events/" + id, URL: "https://mobilizon.example/events/" + id,
		CommunityIRI: "https://mobilizon.example/@hikers", OrganizerIRI: "https://mobilizon.example/@bob",
		Title: title, StartsAt: start, JoinMode: convene.JoinFree, Status: convene.EventScheduled, Public: true,
		PublishedAt: at, UpdatedAt: at,
	}
}

func mustCreateEvent(t *testing.T, s convene.Store, e *convene.Event) *convene.Event {
	t.Helper()
	if err := s.CreateEvent(context.Background(), e); err != nil {
		t.Fatalf("create event %s: %v", e.Title, err)
	}
	return e
}

func newParticipation(eventID, actor string) *convene.Participation {
	id := convene.NewID()
	return &convene.Participation{
		ID: id, EventID: eventID, ActorIRI: actor, ActivityIRI: actor + "/join/" + id,
		State: convene.ParticipationPending, CreatedAt: at, UpdatedAt: at,
	}
}

func mustCreateParticipation(t *testing.T, s convene.Store, eventID, actor string) *convene.Participation {
	t.Helper()
	p := newParticipation(eventID, actor)
	if err := s.CreateParticipation(context.Background(), p); err != nil {
		t.Fatalf("create participation of %s: %v", actor, err)
	}
	return p
}

func attendeeCount(t *testing.T, d *db.DB, eventID string) int {
	t.Helper()
	e, err := d.FindEventByID(context.Background(), eventID)
	if err != nil {
		t.Fatal(err)
	}
	return e.AttendeeCount
}

func TestEventRoundTrip(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, c := eventSetup(t, d)
		lat, lon := 51.2362, -0.5704
		paris, _ := time.LoadLocation("Europe/Paris")
		e := newEvent(alice, c, "Walk", at.Add(48*time.Hour).In(paris), 3) // stored and read back in UTC
		e.Place = convene.Place{Name: "The Green", Street: "1 High St", PostalCode: "GU1 3AA", Locality: "Guildford",
			Region: "Surrey", Country: "GB", Latitude: &lat, Longitude: &lon}
		e.OnlineURL, e.Capacity, e.Category, e.Sequence = "https://meet.example/walk", 12, "OUTDOORS_ADVENTURE", 2
		mustCreateEvent(t, d, e)
		end := e.EndsAt.UTC()
		e.StartsAt, e.EndsAt = e.StartsAt.UTC(), &end

		for _, find := range []func() (*convene.Event, error){
			func() (*convene.Event, error) { return d.FindEventByID(ctx, e.ID) },
			func() (*convene.Event, error) { return d.FindEventByIRI(ctx, e.IRI) },
		} {
			got, err := find()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, e) {
				t.Errorf("found %+v\nwant %+v", got, e)
			}
		}
		remote := mustCreateEvent(t, d, remoteEvent("Hike", at))
		if got, err := d.FindEventByIRI(ctx, remote.IRI); err != nil || got.CommunityID != "" || got.EndsAt != nil || got.Latitude != nil {
			t.Errorf("remote event = %+v, %v; want no local community, end or coordinates", got, err)
		}

		again := newEvent(alice, c, "Walk again", at, 1)
		again.IRI = e.IRI
		wantCode(t, d.CreateEvent(ctx, again), convene.ECONFLICT)
		_, err := d.FindEventByID(ctx, convene.NewID())
		wantCode(t, err, convene.ENOTFOUND)
		bad := newEvent(alice, c, "Odd", at, 1)
		bad.Status = "maybe"
		wantCode(t, d.CreateEvent(ctx, bad), convene.EINVALID)
	})
}

func TestUpdateEventBumpsSequenceAndKeepsIdentityAndCount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, c := eventSetup(t, d)
		e := mustCreateEvent(t, d, newEvent(alice, c, "Walk", at.Add(time.Hour), 2))
		p := mustCreateParticipation(t, d, e.ID, "https://x.example/u/bob")
		if err := d.AcceptParticipation(ctx, p.ID, at); err != nil {
			t.Fatal(err)
		}

		changed := *e
		changed.Title, changed.Status, changed.EndsAt, changed.Capacity = "Long walk", convene.EventPostponed, nil, 30
		changed.OrganizerIRI, changed.AttendeeCount, changed.Sequence = "https://evil.example/u/mallory", 99, 40
		changed.UpdatedAt = at.Add(time.Minute)
		for want := 1; want <= 2; want++ {
			if err := d.UpdateEvent(ctx, &changed); err != nil {
				t.Fatal(err)
			}
			if changed.Sequence != want {
				t.Errorf("Sequence after update %d = %d", want, changed.Sequence)
			}
		}
		got, err := d.FindEventByID(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Long walk" || got.Status != convene.EventPostponed || got.EndsAt != nil || got.Capacity != 30 ||
			!got.UpdatedAt.Equal(changed.UpdatedAt) || got.Sequence != 2 {
			t.Errorf("after update = %+v", got)
		}
		if got.OrganizerIRI != e.OrganizerIRI || got.AttendeeCount != 1 {
			t.Errorf("update changed organiser %q or attendee count %d", got.OrganizerIRI, got.AttendeeCount)
		}
		ghost := newEvent(alice, c, "Ghost", at, 1)
		wantCode(t, d.UpdateEvent(ctx, ghost), convene.ENOTFOUND)
	})
}

func TestTombstoneEvent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, c := eventSetup(t, d)
		e := mustCreateEvent(t, d, newEvent(alice, c, "Walk", at.Add(time.Hour), 2))
		gone := at.Add(time.Minute)
		for range 2 { // deleting twice is harmless
			if err := d.TombstoneEvent(ctx, e.ID, gone); err != nil {
				t.Fatal(err)
			}
		}
		got, err := d.FindEventByIRI(ctx, e.IRI)
		if err != nil {
			t.Fatal(err)
		}
		if got.Content != "" || got.Source != "" || got.DeletedAt == nil || !got.DeletedAt.Equal(gone) || got.Sequence != 1 {
			t.Errorf("tombstone = %+v", got)
		}
		if list, _ := d.FindEvents(ctx, convene.EventFilter{}); len(list) != 0 {
			t.Errorf("deleted event listed: %v", titles(list))
		}
		wantCode(t, d.UpdateEvent(ctx, e), convene.ENOTFOUND)
		wantCode(t, d.TombstoneEvent(ctx, convene.NewID(), gone), convene.ENOTFOUND)
	})
}

func TestFindEventsFilters(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, c := eventSetup(t, d)
		now := at
		mk := func(title string, start time.Duration, hours int) *convene.Event {
			return mustCreateEvent(t, d, newEvent(alice, c, title, now.Add(start), hours))
		}
		mk("long ago", -72*time.Hour, 2)
		mk("yesterday", -24*time.Hour, 2)
		mk("ongoing", -time.Hour, 3)
		mk("ended just now", -2*time.Hour, 2) // ends exactly at now: over
		mk("open-ended past", -3*time.Hour, 0)
		mk("open-ended soon", 2*time.Hour, 0)
		mk("tomorrow", 24*time.Hour, 2)
		private := newEvent(alice, c, "private", now.Add(30*time.Hour), 1)
		private.Public = false
		mustCreateEvent(t, d, private)
		deleted := mk("deleted", 26*time.Hour, 1)
		if err := d.TombstoneEvent(ctx, deleted.ID, now); err != nil {
			t.Fatal(err)
		}
		listed := func(e *convene.Event) *convene.Event { e.Listed = true; return e }
		shared := mustCreateEvent(t, d, listed(remoteEvent("shared hike", now.Add(25*time.Hour))))
		pending := mustCreateEvent(t, d, remoteEvent("pending hike", now.Add(27*time.Hour))) // not on our agenda yet
		mustCreateEvent(t, d, listed(remoteEvent("elsewhere", now.Add(28*time.Hour))))
		for ev, state := range map[*convene.Event]convene.ShareState{shared: convene.ShareAccepted, pending: convene.SharePending} {
			if err := d.CreateShare(ctx, newShare(ev.IRI, surreyIRI, c.ID, state)); err != nil {
				t.Fatal(err)
			}
		}

		tests := []struct {
			name   string
			filter convene.EventFilter
			want   []string
		}{
			{"upcoming here", convene.EventFilter{CommunityIRI: surreyIRI, EndsAfter: now},
				[]string{"ongoing", "open-ended soon", "tomorrow", "shared hike", "private"}},
			{"upcoming public here", convene.EventFilter{CommunityIRI: surreyIRI, EndsAfter: now, PublicOnly: true},
				[]string{"ongoing", "open-ended soon", "tomorrow", "shared hike"}},
			{"past here", convene.EventFilter{CommunityIRI: surreyIRI, EndsBefore: now},
				[]string{"ended just now", "open-ended past", "yesterday", "long ago"}},
			{"past wins over upcoming", convene.EventFilter{EndsBefore: now, EndsAfter: now, Limit: 2},
				[]string{"ended just now", "open-ended past"}},
			{"upcoming on our agenda", convene.EventFilter{EndsAfter: now, PublicOnly: true},
				[]string{"ongoing", "open-ended soon", "tomorrow", "shared hike", "elsewhere"}},
			{"all public here", convene.EventFilter{CommunityIRI: surreyIRI, PublicOnly: true, Limit: 3},
				[]string{"long ago", "yesterday", "open-ended past"}},
			{"upcoming elsewhere", convene.EventFilter{CommunityIRI: "https://mobilizon.example/@hikers", EndsAfter: now, Limit: 1},
				[]string{"shared hike"}},
		}
		for _, tt := range tests {
			list, err := d.FindEvents(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := titles(list); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s = %q\nwant %q", tt.name, got, tt.want)
			}
			for _, e := range list { // read whole, whichever way the query went
				if byID, _ := d.FindEventByID(ctx, e.ID); !reflect.DeepEqual(e, byID) {
					t.Errorf("%s: listed %+v\nby id  %+v", tt.name, e, byID)
				}
			}
		}

		if err := d.ListEvent(ctx, pending.ID); err != nil {
			t.Fatal(err)
		}
		list, err := d.FindEvents(ctx, convene.EventFilter{EndsAfter: now.Add(26 * time.Hour), PublicOnly: true})
		if got, want := titles(list), []string{"pending hike", "elsewhere"}; err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("after ListEvent: %q, %v; want %q", got, err, want)
		}
		wantCode(t, d.ListEvent(ctx, convene.NewID()), convene.ENOTFOUND)
	})
}

func TestFindEventsLimits(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, c := eventSetup(t, d)
		err := d.InTx(ctx, func(s convene.Store) error {
			for i := range 510 {
				mustCreateEvent(t, s, newEvent(alice, c, "Meet", at.Add(time.Duration(i)*time.Hour), 1))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for asked, want := range map[int]int{0: 50, 300: 300, 1000: 500} { // a calendar feed takes up to 500
			if list, err := d.FindEvents(ctx, convene.EventFilter{EndsAfter: at, Limit: asked}); err != nil || len(list) != want {
				t.Errorf("FindEvents with Limit %d = %d events, %v; want %d", asked, len(list), err, want)
			}
		}
	})
}

func TestParticipations(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, c := eventSetup(t, d)
		e := newEvent(alice, c, "Walk", at.Add(time.Hour), 2)
		e.Capacity = 2
		mustCreateEvent(t, d, e)
		bob := mustCreateParticipation(t, d, e.ID, "https://x.example/u/bob")
		carol := mustCreateParticipation(t, d, e.ID, "https://x.example/u/carol")
		dave := mustCreateParticipation(t, d, e.ID, "https://x.example/u/dave")

		wantCode(t, d.CreateParticipation(ctx, newParticipation(e.ID, bob.ActorIRI)), convene.ECONFLICT)
		accepted := newParticipation(e.ID, "https://x.example/u/eve")
		accepted.State = convene.ParticipationAccepted
		wantCode(t, d.CreateParticipation(ctx, accepted), convene.EINVALID)
		wantCode(t, d.CreateParticipation(ctx, newParticipation(convene.NewID(), "https://x.example/u/eve")), convene.EINVALID)

		if got, err := d.FindParticipationByActivity(ctx, carol.ActivityIRI); err != nil || !reflect.DeepEqual(got, carol) {
			t.Errorf("by activity = %+v, %v; want %+v", got, err, carol)
		}
		_, err := d.FindParticipationByActivity(ctx, "")
		wantCode(t, err, convene.ENOTFOUND)
		_, err = d.FindParticipation(ctx, e.ID, "https://x.example/u/nobody")
		wantCode(t, err, convene.ENOTFOUND)

		for _, p := range []*convene.Participation{bob, bob, carol} { // bob twice: counted once
			if err := d.AcceptParticipation(ctx, p.ID, at.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if n := attendeeCount(t, d, e.ID); n != 2 {
			t.Errorf("attendees = %d, want 2", n)
		}
		wantCode(t, d.AcceptParticipation(ctx, dave.ID, at), convene.ECONFLICT)
		if got, _ := d.FindParticipation(ctx, e.ID, dave.ActorIRI); got.State != convene.ParticipationPending || !got.UpdatedAt.Equal(at) {
			t.Errorf("refused RSVP changed: %+v", got)
		}
		if got, _ := d.FindParticipation(ctx, e.ID, bob.ActorIRI); got.State != convene.ParticipationAccepted || !got.UpdatedAt.Equal(at.Add(time.Minute)) {
			t.Errorf("accepted RSVP = %+v", got)
		}

		list, err := d.FindParticipations(ctx, e.ID, convene.ParticipationAccepted, "", 0)
		if err != nil || len(list) != 2 || list[0].ID != bob.ID || list[1].ID != carol.ID {
			t.Errorf("accepted = %v, %v", list, err)
		}
		if page, _ := d.FindParticipations(ctx, e.ID, "", bob.ID, 1); len(page) != 1 || page[0].ID != carol.ID {
			t.Errorf("page after bob = %v", page)
		}

		for range 2 { // rejecting a rejected RSVP uncounts nothing more
			if err := d.RejectParticipation(ctx, bob.ID, at); err != nil {
				t.Fatal(err)
			}
		}
		if n := attendeeCount(t, d, e.ID); n != 1 {
			t.Errorf("attendees after reject = %d, want 1", n)
		}
		if err := d.AcceptParticipation(ctx, dave.ID, at); err != nil {
			t.Fatalf("a place freed by a rejection: %v", err)
		}
		for _, p := range []*convene.Participation{carol, dave, bob} {
			if err := d.DeleteParticipation(ctx, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n := attendeeCount(t, d, e.ID); n != 0 {
			t.Errorf("attendees after withdrawals = %d, want 0", n)
		}
		wantCode(t, d.DeleteParticipation(ctx, bob.ID), convene.ENOTFOUND)
		wantCode(t, d.AcceptParticipation(ctx, bob.ID, at), convene.ENOTFOUND)
	})
}

func TestRemoteEventParticipationsAreNotCounted(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := remoteEvent("Hike", at)
		e.Capacity = 1
		mustCreateEvent(t, d, e)
		if err := d.SetAttendeeCount(ctx, e.ID, 1); err != nil { // full, as its server says
			t.Fatal(err)
		}
		p := mustCreateParticipation(t, d, e.ID, "https://convene.test/u/alice")
		if err := d.AcceptParticipation(ctx, p.ID, at); err != nil {
			t.Fatalf("the event's server accepted: %v", err)
		}
		if got, _ := d.FindParticipation(ctx, e.ID, p.ActorIRI); got.State != convene.ParticipationAccepted {
			t.Errorf("state = %s", got.State)
		}
		if err := d.DeleteParticipation(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if n := attendeeCount(t, d, e.ID); n != 1 {
			t.Errorf("attendees = %d, want the server's 1", n)
		}
		wantCode(t, d.SetAttendeeCount(ctx, convene.NewID(), 3), convene.ENOTFOUND)
	})
}

// A service that catches "full" and commits must not find the RSVP half accepted.
func TestAcceptParticipationChangesNothingWhenFullInsideATransaction(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, c := eventSetup(t, d)
		e := newEvent(alice, c, "Walk", at, 1)
		e.Capacity = 1
		mustCreateEvent(t, d, e)
		first := mustCreateParticipation(t, d, e.ID, "https://x.example/u/bob")
		if err := d.AcceptParticipation(ctx, first.ID, at); err != nil {
			t.Fatal(err)
		}
		var p *convene.Participation
		err := d.InTx(ctx, func(s convene.Store) error {
			p = mustCreateParticipation(t, s, e.ID, "https://x.example/u/carol")
			wantCode(t, s.AcceptParticipation(ctx, p.ID, at.Add(time.Hour)), convene.ECONFLICT)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := d.FindParticipation(ctx, e.ID, p.ActorIRI); got.State != convene.ParticipationPending || !got.UpdatedAt.Equal(at) {
			t.Errorf("RSVP refused for a full event = %+v", got)
		}
		if n := attendeeCount(t, d, e.ID); n != 1 {
			t.Errorf("attendees = %d, want 1", n)
		}
	})
}

// Fifty people join a ten-place event at once, each in the transaction the service would use:
// exactly ten get in.
func TestAcceptParticipationNeverOverbooks(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, c := eventSetup(t, d)
		e := newEvent(alice, c, "Walk", at, 1)
		e.Capacity = 10
		mustCreateEvent(t, d, e)

		const people = 50
		errs := make(chan error, people)
		var wg sync.WaitGroup
		for i := range people {
			wg.Go(func() {
				errs <- d.InTx(ctx, func(s convene.Store) error {
					p := newParticipation(e.ID, "https://x.example/u/"+string(rune('a'+i/26))+string(rune('a'+i%26)))
					if err := s.CreateParticipation(ctx, p); err != nil {
						return err
					}
					return s.AcceptParticipation(ctx, p.ID, at)
				})
			})
		}
		wg.Wait()
		close(errs)
		accepted, full := 0, 0
		for err := range errs {
			switch convene.ErrorCode(err) {
			case "":
				accepted++
			case convene.ECONFLICT:
				full++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if accepted != 10 || full != 40 {
			t.Errorf("accepted %d and refused %d of %d; want 10 and 40", accepted, full, people)
		}
		if n := attendeeCount(t, d, e.ID); n != 10 {
			t.Errorf("attendee count = %d, want 10", n)
		}
		list, err := d.FindParticipations(ctx, e.ID, convene.ParticipationAccepted, "", 100)
		if err != nil || len(list) != 10 {
			t.Errorf("accepted RSVPs = %d, %v; want 10", len(list), err)
		}
	})
}

func newShare(objectIRI, communityIRI, communityID string, state convene.ShareState) *convene.Share {
	return &convene.Share{
		ID: convene.NewID(), ObjectIRI: objectIRI, ObjectType: "Event", CommunityIRI: communityIRI, CommunityID: communityID,
		SharedBy: "https://mobilizon.example/@bob", State: state, ActivityIRI: "https://mobilizon.example/activities/1",
		CreatedAt: at, UpdatedAt: at,
	}
}

func TestShares(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		_, c := eventSetup(t, d)
		object := "https://mobilizon.example/events/1"
		here := newShare(object, surreyIRI, c.ID, convene.SharePending)
		there := newShare(object, "https://lemmy.example/c/hiking", "", convene.ShareAccepted)
		other := newShare("https://mobilizon.example/events/2", surreyIRI, c.ID, convene.SharePending)
		for _, sh := range []*convene.Share{here, there, other} {
			if err := d.CreateShare(ctx, sh); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, d.CreateShare(ctx, newShare(object, surreyIRI, c.ID, convene.ShareAccepted)), convene.ECONFLICT)

		if got, err := d.FindShare(ctx, object, "https://lemmy.example/c/hiking"); err != nil || !reflect.DeepEqual(got, there) {
			t.Errorf("FindShare = %+v, %v; want %+v", got, err, there)
		}
		_, err := d.FindShare(ctx, object, "https://lemmy.example/c/other")
		wantCode(t, err, convene.ENOTFOUND)
		if got, _ := d.FindShares(ctx, object); len(got) != 2 || got[0].ID != here.ID || got[1].ID != there.ID {
			t.Errorf("FindShares = %v", got)
		}
		if got, _ := d.FindCommunityShares(ctx, c.ID, convene.SharePending); len(got) != 2 || got[0].ID != here.ID || got[1].ID != other.ID {
			t.Errorf("pending shares = %v", got)
		}

		later := at.Add(time.Hour)
		if err := d.UpdateShareState(ctx, here.ID, convene.ShareAccepted, "https://convene.test/a/announce", later); err != nil {
			t.Fatal(err)
		}
		if err := d.UpdateShareState(ctx, other.ID, convene.ShareAccepted, "", later); err != nil {
			t.Fatal(err)
		}
		got, err := d.FindShareByID(ctx, here.ID)
		if err != nil || got.State != convene.ShareAccepted || got.ActivityIRI != "https://convene.test/a/announce" || !got.UpdatedAt.Equal(later) {
			t.Errorf("after accept = %+v, %v", got, err)
		}
		if got, _ := d.FindShareByID(ctx, other.ID); got.ActivityIRI != other.ActivityIRI {
			t.Errorf("an empty activity IRI replaced %q by %q", other.ActivityIRI, got.ActivityIRI)
		}
		if got, _ := d.FindCommunityShares(ctx, c.ID, convene.SharePending); len(got) != 0 {
			t.Errorf("pending shares after accepting = %v", got)
		}
		wantCode(t, d.UpdateShareState(ctx, here.ID, "maybe", "", later), convene.EINVALID)
		wantCode(t, d.UpdateShareState(ctx, convene.NewID(), convene.ShareAccepted, "", later), convene.ENOTFOUND)

		if err := d.DeleteShare(ctx, here.ID); err != nil {
			t.Fatal(err)
		}
		_, err = d.FindShareByID(ctx, here.ID)
		wantCode(t, err, convene.ENOTFOUND)
		wantCode(t, d.DeleteShare(ctx, here.ID), convene.ENOTFOUND)
	})
}

func TestNotificationsCarryTheirEvent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, c := eventSetup(t, d)
		e := mustCreateEvent(t, d, newEvent(alice, c, "Walk", at, 1))
		var want []*convene.Notification
		for _, typ := range []string{"event_update", "event_cancel", "rsvp", "reply"} {
			n := &convene.Notification{ID: convene.NewID(), AccountID: alice.ID, Type: typ, Actor: "https://x.example/u/bob",
				EventID: e.ID, CreatedAt: at}
			if typ == "reply" {
				n.EventID, n.PostID = "", convene.NewID()
			}
			if err := d.CreateNotification(ctx, n); err != nil {
				t.Fatalf("create %s notification: %v", typ, err)
			}
			want = append([]*convene.Notification{n}, want...)
		}
		got, err := d.FindNotificationsPage(ctx, convene.NotificationFilter{AccountID: alice.ID})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("notifications = %+v, %v\nwant %+v", got, err, want)
		}
		bad := &convene.Notification{ID: convene.NewID(), AccountID: alice.ID, Type: "poke", Actor: "x", CreatedAt: at}
		wantCode(t, d.CreateNotification(ctx, bad), convene.EINVALID)
	})
}

func titles(list []*convene.Event) []string {
	out := []string{}
	for _, e := range list {
		out = append(out, e.Title)
	}
	return out
}

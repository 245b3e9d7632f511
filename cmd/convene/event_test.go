package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// microblogFollower is a Mastodon-shaped follower in the test process: no NodeInfo (so not
// group-aware), an inbox that keeps what it is sent.
type microblogFollower struct {
	srv      *httptest.Server
	mu       sync.Mutex
	received []map[string]any
}

func newMicroblogFollower(t *testing.T) *microblogFollower {
	f := &microblogFollower{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/users/mo/inbox" {
			http.NotFound(w, r)
			return
		}
		var activity map[string]any
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&activity); err == nil {
			f.mu.Lock()
			f.received = append(f.received, activity)
			f.mu.Unlock()
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *microblogFollower) IRI() string { return f.srv.URL + "/users/mo" }

// follow records f as an accepted follower of actor in the instance's database, as if it
// had followed (the fake cannot sign).
func (f *microblogFollower) follow(t *testing.T, in *instance, actor string) {
	t.Helper()
	d := openTestDB(t, in.Env)
	ctx := context.Background()
	now := time.Now().UTC()
	host := strings.TrimPrefix(f.srv.URL, "http://")
	err := d.UpsertRemoteActor(ctx, &convene.RemoteActor{ID: convene.NewID(), IRI: f.IRI(), Type: "Person", Username: "mo",
		Domain: host, Inbox: f.IRI() + "/inbox", KeyID: f.IRI() + "#main-key", FetchedAt: now, CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	err = d.CreateFollow(ctx, &convene.Follow{ID: convene.NewID(), ActivityIRI: f.IRI() + "#follow", Follower: f.IRI(),
		Followee: actor, State: convene.FollowAccepted, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
}

// boosted returns the object IRI of an Announce by actor it received whose object is a bare
// IRI (Mastodon's boost), or "".
func (f *microblogFollower) boosted(actor string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.received {
		if object, ok := a["object"].(string); ok && a["type"] == "Announce" && a["actor"] == actor {
			return object
		}
	}
	return ""
}

func fetchAS2(t *testing.T, iri string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, iri, nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatalf("GET %s: %d: %v", iri, resp.StatusCode, err)
	}
	return doc
}

func TestAnEventCrossPostedBetweenTwoInstances(t *testing.T) {
	a, b := newInstance(t, nil), newInstance(t, nil)
	a.CLI("correct horse battery\n", "user", "create", "alice", "--email", "alice@example.org", "--admin")
	a.CLI("", "community", "create", "surrey", "--name", "Surrey conveners")
	b.CLI("correct horse battery\n", "user", "create", "bob", "--email", "bob@example.org", "--admin")
	b.CLI("", "community", "create", "kent", "--name", "Kent conveners")
	a.Start()
	b.Start()
	defer a.Stop()
	defer b.Stop()
	kent := b.URL("/c/kent")

	// kent follows surrey (FEP-d36d): it trusts surrey's cross-posts. mo, on a microblog
	// server, follows kent.
	b.CLI("", "follow", "kent", "@surrey@"+a.Domain)
	listsEventually(t, a.URL("/c/surrey/followers"), kent)
	mo := newMicroblogFollower(t)
	mo.follow(t, b, kent)

	// alice announces an event in surrey and cross-posts it to kent on B.
	svcA, asAlice := a.actAs(t, "alice")
	if _, err := svcA.Join(asAlice, "surrey"); err != nil {
		t.Fatal(err)
	}
	event, err := svcA.CreateEvent(asAlice, service.EventInput{Community: "surrey", Title: "Repair café",
		Description: "Bring something broken.", Start: "2031-02-04T18:30", End: "2031-02-04T20:00", Timezone: "Europe/London",
		Place:     convene.Place{Name: "Guildford Library", Street: "77 North Street", Locality: "Guildford", Country: "UK"},
		CrossPost: []string{kent}})
	if err != nil {
		t.Fatal(err)
	}

	// B files it under kent, and kent boosts it to its followers.
	svcB, asBob := b.actAs(t, "bob")
	var onB *convene.Event
	eventually(t, 20*time.Second, "the event on B", func() bool {
		onB, err = svcB.FindEventByIRI(context.Background(), event.IRI)
		return err == nil
	})
	eventually(t, 20*time.Second, "kent sharing it", func() bool {
		shares, err := svcB.EventShares(context.Background(), onB)
		return err == nil && len(shares) == 1 && shares[0].CommunityIRI == kent
	})
	if onB.Title != "Repair café" || !onB.StartsAt.Equal(event.StartsAt) || onB.Timezone != "Europe/London" ||
		onB.Place.Name != "Guildford Library" || onB.OrganizerIRI != a.URL("/u/alice") || onB.CommunityIRI != a.URL("/c/surrey") {
		t.Errorf("event on B = %+v", onB)
	}
	eventually(t, 20*time.Second, "kent's boost at mo's inbox", func() bool { return mo.boosted(kent) == event.IRI })
	// What mo's Mastodon shows of the boost: name and the summary line, with date and place.
	doc := fetchAS2(t, event.IRI)
	if summary, _ := doc["summary"].(string); doc["name"] != "Repair café" ||
		!strings.Contains(summary, "Tue 4 Feb 2031, 18:30–20:00 Europe/London") || !strings.Contains(summary, "Guildford Library") {
		t.Errorf("the boosted event reads name %q, summary %q", doc["name"], summary)
	}

	// bob, a member on B, RSVPs: A counts him, and B learns A's answer.
	if p, err := svcB.JoinEvent(asBob, onB.ID, "Count me in"); err != nil || p.State != convene.ParticipationPending {
		t.Fatalf("bob's RSVP: %+v, %v", p, err)
	}
	eventually(t, 20*time.Second, "A counting bob", func() bool {
		e, err := svcA.FindEvent(context.Background(), event.ID)
		return err == nil && e.AttendeeCount == 1
	})
	eventually(t, 20*time.Second, "B learning A accepted bob", func() bool {
		p, err := svcB.MyParticipation(asBob, onB.ID)
		return err == nil && p.State == convene.ParticipationAccepted
	})

	// alice cancels on A: B shows it cancelled and tells bob.
	if _, err := svcA.CancelEvent(asAlice, event.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the cancellation on B", func() bool {
		e, err := svcB.FindEvent(context.Background(), onB.ID)
		return err == nil && e.Status == convene.EventCancelled
	})
	notes, err := svcB.Notifications(asBob, "", 10)
	if err != nil || len(notes) == 0 || notes[0].Type != "event_cancel" || notes[0].EventID != onB.ID {
		t.Errorf("bob's notifications = %+v, %v", notes, err)
	}
	// kent's calendar on B carries the shared event, cancelled.
	resp, err := http.Get(b.URL("/c/kent/events.ics"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if ics := string(body); !strings.Contains(ics, "UID:"+event.IRI) || !strings.Contains(ics, "STATUS:CANCELLED") {
		t.Errorf("kent's calendar:\n%s", ics)
	}
}

func TestAnInstanceFollowBringsEveryPublicEvent(t *testing.T) {
	a, b := newInstance(t, nil), newInstance(t, nil)
	a.CLI("correct horse battery\n", "user", "create", "alice", "--email", "alice@example.org", "--admin")
	b.CLI("correct horse battery\n", "user", "create", "bob", "--email", "bob@example.org", "--admin")
	b.CLI("", "community", "create", "kent", "--name", "Kent conveners")
	a.Start()
	b.Start()
	defer a.Stop()
	defer b.Stop()

	// A's admin makes A's instance actor follow B's, found through NodeInfo (FEP-2677), as
	// one would follow a Mobilizon or Gancio instance.
	out := a.CLI("", "instance", "follow", b.Domain)
	if !strings.Contains(out, b.URL("/actor")) {
		t.Fatalf("instance follow said %q", out)
	}
	listsEventually(t, b.URL("/actor/followers"), a.URL("/actor"))
	listsEventually(t, a.URL("/actor/following"), b.URL("/actor"))

	// Nobody on A follows kent or bob, yet kent's public event reaches A's calendar.
	svcB, asBob := b.actAs(t, "bob")
	if _, err := svcB.Join(asBob, "kent"); err != nil {
		t.Fatal(err)
	}
	event, err := svcB.CreateEvent(asBob, service.EventInput{Community: "kent", Title: "Seed swap",
		Start: "2031-03-09T10:00", Timezone: "Europe/London", OnlineURL: "https://meet.example/seeds"})
	if err != nil {
		t.Fatal(err)
	}
	svcA, _ := a.actAs(t, "alice")
	eventually(t, 20*time.Second, "the event on A", func() bool {
		e, err := svcA.FindEventByIRI(context.Background(), event.IRI)
		return err == nil && e.OnlineURL == "https://meet.example/seeds" && e.EndsAt == nil
	})
	resp, err := http.Get(a.URL("/events.ics"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "UID:"+event.IRI) {
		t.Errorf("A's calendar lacks B's event:\n%s", body)
	}
}

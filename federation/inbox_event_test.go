package federation

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

// What the recorded Mobilizon payloads (testdata/peers/mobilizon) name.
const (
	recordedEventUUID = "b81c0531-a57c-497d-93ba-af0f8b255498"
	recordedJoinedIRI = "https://convene.test/e/01JEVENT0000000000000000000" // the local event join.json RSVPs to
	recordedOurJoin   = "https://convene.test/a/01JJOINFROMCONVENE00000000"  // alice's Join accept_join.json accepts
)

// mobilizonPeer serves the actors of the recorded Mobilizon payloads: the event's organiser
// @emorrp1 and its group @devon_caledonian_society (testdata has no documents of theirs:
// renamed copies of the recorded person and group stand in), and @sanof44, who RSVPs.
type mobilizonPeer struct {
	*peer
	organiser, group, person map[string]any
}

func newMobilizonPeer(t *testing.T) *mobilizonPeer {
	t.Helper()
	p := newPeer(t, "mobilizon")
	m := &mobilizonPeer{peer: p, person: p.addActor("person.json")}
	m.organiser = serveRenamedActor(p, m.person, "sanof44", "emorrp1")
	m.group = serveRenamedActor(p, p.addActor("group.json"), "contribateliers", "devon_caledonian_society")
	return m
}

// serveRenamedActor serves a copy of a served actor document with its name replaced.
func serveRenamedActor(p *peer, doc map[string]any, from, to string) map[string]any {
	p.t.Helper()
	raw, _ := json.Marshal(doc)
	var renamed map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(raw), from, to)), &renamed); err != nil {
		p.t.Fatal(err)
	}
	body, _ := json.Marshal(renamed)
	p.serveDoc(pathOf(renamed["id"].(string)), body)
	return renamed
}

// create is the recorded Create{Event} for an event of the given uuid (the recorded event
// itself with recordedEventUUID).
func (m *mobilizonPeer) create(uuid string) map[string]any {
	m.t.Helper()
	return recorded(m.t, "mobilizon/create_event.json", recordedEventUUID, uuid, m.host, m.srv.URL)
}

// eventIRI is where the peer's event of the given uuid lives.
func (m *mobilizonPeer) eventIRI(uuid string) string { return m.srv.URL + "/events/" + uuid }

// update is the organiser's Update of event uuid: the event re-rendered with set applied,
// as Mobilizon's make_update_data wraps it — under its Create's id, "<event>/activity", as
// Mobilizon gives every Update of an event.
func (m *mobilizonPeer) update(uuid string, set map[string]any) map[string]any {
	u := m.create(uuid)
	u["type"] = "Update"
	delete(u, "published")
	object := u["object"].(map[string]any)
	for k, v := range set {
		object[k] = v
	}
	return u
}

// join is the recorded Join, to event, with suffix appended to its id.
func (m *mobilizonPeer) join(event, suffix string) map[string]any {
	m.t.Helper()
	j := recorded(m.t, "mobilizon/join.json", recordedJoinedIRI, event, m.host, m.srv.URL)
	j["id"] = j["id"].(string) + suffix
	return j
}

// receiveEvent delivers the organiser's Create of event uuid, surrey following its group,
// and returns the stored copy. The peer serves the event at its id from then on.
func (m *mobilizonPeer) receiveEvent(t *testing.T, env *testEnv, uuid string) *convene.Event {
	t.Helper()
	if _, err := env.store.FindFollow(context.Background(), env.iris.Group("surrey"), idOf(m.group)); err != nil {
		followAccepted(t, env, env.iris.Group("surrey"), idOf(m.group))
	}
	create := m.create(uuid)
	m.serveEvent(uuid, create["object"].(map[string]any))
	deliverSigned(t, env, m.peer, m.organiser, create)
	return storedEvent(t, env, m.eventIRI(uuid))
}

// serveEvent has the peer serve an event document at the event's id.
func (m *mobilizonPeer) serveEvent(uuid string, event map[string]any) {
	m.t.Helper()
	body, err := json.Marshal(event)
	if err != nil {
		m.t.Fatal(err)
	}
	m.serveDoc(pathOf(m.eventIRI(uuid)), body)
}

// serveGancioRelay serves the one Application actor a Gancio instance federates as, shaped
// as lesion/gancio server/federation/users.js renders it (testdata has no recording of it).
func serveGancioRelay(t *testing.T, p *peer) map[string]any {
	t.Helper()
	iri := p.IRI("https://gancio.example/federation/u/relay")
	der, err := x509.MarshalPKIXPublicKey(&p.key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]any{
		"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":       iri, "type": "Application", "name": "relay", "preferredUsername": "relay",
		"inbox": iri + "/inbox", "outbox": iri + "/outbox", "manuallyApprovesFollowers": false,
		"endpoints": map[string]any{"sharedInbox": iri + "/inbox"}, "discoverable": true, "url": p.srv.URL,
		"publicKey": map[string]any{"id": iri + "#main-key", "owner": iri,
			"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))},
	}
	body, _ := json.Marshal(doc)
	p.serveDoc(pathOf(iri), body)
	return doc
}

func idOf(doc map[string]any) string { return doc["id"].(string) }

// deliverSigned posts an activity to our inbox signed by signer and applies the queue, which
// must succeed: what the tests expect ignored is ignored on purpose, not by a failure.
func deliverSigned(t *testing.T, env *testEnv, p *peer, signer, activity map[string]any) {
	t.Helper()
	if err := p.post(env, activity, keyIDOf(signer)); err != nil {
		t.Fatalf("Receive %s %s: %v", activity["type"], activity["id"], err)
	}
	env.applyAll()
	if st, err := env.store.QueueStats(context.Background()); err != nil || st.InboxPending+st.InboxFailed != 0 {
		t.Fatalf("applying %s %s failed: %+v, %v", activity["type"], activity["id"], st, err)
	}
}

// followAccepted records an accepted follow, as if its Accept had arrived.
func followAccepted(t *testing.T, env *testEnv, follower, followee string) {
	t.Helper()
	now, id := time.Now().UTC(), convene.NewID()
	err := env.store.CreateFollow(context.Background(), &convene.Follow{ID: id, ActivityIRI: env.iris.Activity(id),
		Follower: follower, Followee: followee, State: convene.FollowAccepted, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
}

func aliceContext(t *testing.T, env *testEnv) context.Context {
	t.Helper()
	alice, err := env.svc.FindAccount(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	return convene.WithPrincipal(context.Background(), convene.Principal{Account: alice})
}

func storedEvent(t *testing.T, env *testEnv, iri string) *convene.Event {
	t.Helper()
	e, err := env.store.FindEventByIRI(context.Background(), iri)
	if err != nil {
		t.Fatalf("event %s: %v", iri, err)
	}
	return e
}

func wantNoEvent(t *testing.T, env *testEnv, iri, why string) {
	t.Helper()
	if _, err := env.store.FindEventByIRI(context.Background(), iri); convene.ErrorCode(err) != convene.ENOTFOUND {
		t.Errorf("%s: event %s stored (%v)", why, iri, err)
	}
}

func participation(t *testing.T, env *testEnv, eventID, actor string) *convene.Participation {
	t.Helper()
	p, err := env.store.FindParticipation(context.Background(), eventID, actor)
	if err != nil {
		t.Fatalf("RSVP of %s: %v", actor, err)
	}
	return p
}

// takeOutbox returns what was queued since it was last called and marks it fanned out.
func takeOutbox(t *testing.T, env *testEnv) []*convene.Activity {
	t.Helper()
	list, err := env.store.ClaimFanOut(context.Background(), time.Now().Add(time.Hour), 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if err := env.store.FanOut(context.Background(), a.ID, nil, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return list
}

func describeActivities(list []*convene.Activity) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Type+" by "+a.Actor+" of "+a.Object+" to "+strings.Join(a.To, " "))
	}
	return out
}

func renderedActivity(t *testing.T, env *testEnv, a *convene.Activity) map[string]any {
	t.Helper()
	body, err := NewRenderer(env.iris, env.store).Activity(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// wantJoinAnswer checks that the outbox holds one answer (Accept, Reject, Ignore) by surrey,
// addressed to the joining actor and rendered with the Join embedded by its id, as Mobilizon
// matches on it.
func wantJoinAnswer(t *testing.T, env *testEnv, typ string, join map[string]any) {
	t.Helper()
	list := takeOutbox(t, env)
	if len(list) != 1 || list[0].Type != typ || list[0].Actor != env.iris.Group("surrey") ||
		!slices.Equal(list[0].To, []string{join["actor"].(string)}) {
		t.Fatalf("outbox = %v, want one %s by surrey to %s", describeActivities(list), typ, join["actor"])
	}
	doc := renderedActivity(t, env, list[0])
	inner, _ := doc["object"].(map[string]any)
	if doc["type"] != typ || doc["actor"] != env.iris.Group("surrey") || inner["id"] != join["id"] ||
		inner["type"] != "Join" || inner["actor"] != join["actor"] || inner["object"] != join["object"] {
		t.Errorf("%s renders as %v", typ, doc)
	}
}

func createLocalEvent(t *testing.T, env *testEnv, as context.Context, mode convene.JoinMode, capacity int) *convene.Event {
	t.Helper()
	e, err := env.svc.CreateEvent(as, service.EventInput{Community: "surrey", Title: "Repair café",
		Description: "Bring what is broken.", Start: "2030-03-14T10:00", End: "2030-03-14T13:00",
		Timezone: "Europe/London", Place: convene.Place{Name: "Woking Library", Locality: "Woking", Country: "UK"},
		JoinMode: mode, Capacity: capacity})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestMobilizonCreateEventIsStoredWhenItsGroupIsFollowed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		m := newMobilizonPeer(t)
		// Nobody here follows the organiser or the group, nor the instance, and the event
		// addresses no community of ours: it is ignored.
		unfollowed := "3b0c6a52-0000-4000-8000-000000000001"
		deliverSigned(t, env, m.peer, m.organiser, m.create(unfollowed))
		wantNoEvent(t, env, m.eventIRI(unfollowed), "nobody here follows its organiser or group")

		followAccepted(t, env, env.iris.Group("surrey"), idOf(m.group))
		deliverSigned(t, env, m.peer, m.organiser, m.create(recordedEventUUID))
		iri := m.eventIRI(recordedEventUUID)
		e := storedEvent(t, env, iri)
		lat, lon := 50.66881615, -3.537739788359949
		end := time.Date(2022, 12, 11, 21, 0, 0, 0, time.UTC)
		want := convene.Event{ID: e.ID, IRI: iri, URL: iri, CommunityIRI: idOf(m.group), OrganizerIRI: idOf(m.organiser),
			Title: "Caledonian scottish dance class", Content: e.Content,
			StartsAt: time.Date(2022, 12, 11, 19, 0, 0, 0, time.UTC), EndsAt: &end, Timezone: "Europe/London",
			Place: convene.Place{Name: "The Kenn Centre", Street: "Devon Expressway", PostalCode: "EX6 7TW",
				Locality: "Teignbridge", Region: "England", Country: "United Kingdom", Latitude: &lat, Longitude: &lon},
			Capacity: 0, JoinMode: convene.JoinFree, Status: convene.EventScheduled, Category: "SPORTS", Public: true, Listed: true,
			PublishedAt: time.Date(2022, 9, 27, 14, 33, 14, 0, time.UTC), UpdatedAt: e.UpdatedAt}
		if !reflect.DeepEqual(*e, want) {
			t.Errorf("stored\n %+v\nwant %+v", *e, want)
		}
		if e.StartsAt.Location() != time.UTC || e.Location().String() != "Europe/London" {
			t.Errorf("starts at %v, shown in %v", e.StartsAt, e.Location())
		}
		if !strings.HasPrefix(e.Content, "<p>£6 each.</p>") || strings.Contains(e.Content, "ugc") ||
			!strings.Contains(e.Content, `<a href="https://www.exeterceilidhs.net/" rel="nofollow noopener noreferrer"`) {
			t.Errorf("content not sanitized: %s", e.Content)
		}
		// The organiser and the group were fetched: our RSVPs are addressed to them.
		for _, actor := range []string{e.OrganizerIRI, e.CommunityIRI} {
			if _, err := env.store.FindRemoteActor(context.Background(), actor); err != nil {
				t.Errorf("%s not fetched: %v", actor, err)
			}
		}
	})
}

// FEP-2677: our instance actor follows the Mobilizon instance's relay; that server's public
// events are welcome though nobody here follows their organisers, its non-public ones not.
func TestMobilizonPublicEventArrivesThroughAnInstanceFollow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		m := newMobilizonPeer(t)
		relay := m.addActor("application.json")
		followAccepted(t, env, env.iris.InstanceActor(), idOf(relay))
		deliverSigned(t, env, m.peer, m.organiser, m.create(recordedEventUUID))
		if e := storedEvent(t, env, m.eventIRI(recordedEventUUID)); e.OrganizerIRI != idOf(m.organiser) || !e.Public {
			t.Errorf("stored %+v", e)
		}
		private := "3b0c6a52-0000-4000-8000-000000000002"
		create := m.create(private)
		for _, doc := range []map[string]any{create, create["object"].(map[string]any)} {
			doc["to"], doc["cc"] = []any{idOf(m.organiser) + "/followers"}, []any{}
		}
		deliverSigned(t, env, m.peer, m.organiser, create)
		wantNoEvent(t, env, m.eventIRI(private), "a followers-only event through an instance follow")
	})
}

func TestGancioCreateEventIsStoredWhenTheInstanceFollowsItsRelay(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		p := newPeer(t, "gancio")
		relay := serveGancioRelay(t, p)
		iri := p.IRI("https://gancio.example/federation/m/6777")
		other := recorded(t, "gancio/create_event.json", p.host, p.srv.URL, "/federation/m/6777", "/federation/m/6776")
		deliverSigned(t, env, p, relay, other)
		wantNoEvent(t, env, p.IRI("https://gancio.example/federation/m/6776"), "the relay is not followed")

		followAccepted(t, env, env.iris.InstanceActor(), idOf(relay))
		deliverSigned(t, env, p, relay, p.load("create_event.json"))
		e := storedEvent(t, env, iri)
		lat, lon := 45.02343145, 7.65609886065984
		end := time.Date(2026, 11, 21, 22, 30, 0, 0, time.UTC)
		want := convene.Event{ID: e.ID, IRI: iri, URL: p.IRI("https://gancio.example/event/stanze-fredde-fest-3"),
			OrganizerIRI: idOf(relay), Title: "Stanze Fredde Fest 3",
			Content:  "<p>Stanze Fredde è un&#39;etichetta indipendente: tre gruppi, una sera.</p>",
			StartsAt: time.Date(2026, 11, 21, 16, 0, 0, 0, time.UTC), EndsAt: &end,
			Place:     convene.Place{Name: "El Paso Occupato", Street: "Via Passo Buole, 47, Torino", Latitude: &lat, Longitude: &lon},
			OnlineURL: "https://stream.gancio.example/stanze-fredde", JoinMode: convene.JoinFree, Status: convene.EventScheduled,
			Public: true, Listed: true, PublishedAt: time.Date(2026, 5, 12, 20, 1, 23, 951_000_000, time.UTC), UpdatedAt: e.UpdatedAt}
		if !reflect.DeepEqual(*e, want) {
			t.Errorf("stored\n %+v\nwant %+v", *e, want)
		}
	})
}

func TestMobilizonJoinOfALocalEventIsAcceptedByTheCommunity(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		m := newMobilizonPeer(t)
		alice := aliceContext(t, env)
		e := createLocalEvent(t, env, alice, convene.JoinFree, 0)
		takeOutbox(t, env) // the event's own Create and Announces
		person := idOf(m.person)

		join := m.join(e.IRI, "")
		deliverSigned(t, env, m.peer, m.person, join)
		if got := storedEvent(t, env, e.IRI); got.AttendeeCount != 1 {
			t.Errorf("attendees = %d after the Join, want 1", got.AttendeeCount)
		}
		p := participation(t, env, e.ID, person)
		if p.State != convene.ParticipationAccepted || p.ActivityIRI != join["id"] || p.AccountID != "" ||
			p.Message != "I run the Woking repair café and would like to bring two volunteers." {
			t.Errorf("RSVP = %+v", p)
		}
		wantJoinAnswer(t, env, "Accept", join)

		// Redelivered: dropped as a duplicate. Sent again under another id (their server lost
		// our answer): the answer is repeated, and still one place is taken.
		deliverSigned(t, env, m.peer, m.person, join)
		if list := takeOutbox(t, env); len(list) != 0 {
			t.Errorf("a redelivered Join queued %v", describeActivities(list))
		}
		again := m.join(e.IRI, "-again")
		deliverSigned(t, env, m.peer, m.person, again)
		if got := storedEvent(t, env, e.IRI); got.AttendeeCount != 1 {
			t.Errorf("attendees = %d after a repeated Join, want 1", got.AttendeeCount)
		}
		wantJoinAnswer(t, env, "Accept", again)

		leave := recorded(t, "mobilizon/leave.json", recordedJoinedIRI, e.IRI, m.host, m.srv.URL)
		deliverSigned(t, env, m.peer, m.person, leave)
		if got := storedEvent(t, env, e.IRI); got.AttendeeCount != 0 {
			t.Errorf("attendees = %d after the Leave, want 0", got.AttendeeCount)
		}
		if _, err := env.store.FindParticipation(context.Background(), e.ID, person); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("RSVP after the Leave: %v", err)
		}
	})
}

func TestMobilizonJoinIsAnsweredByTheJoinMode(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		m := newMobilizonPeer(t)
		alice := aliceContext(t, env)
		person := idOf(m.person)

		// Restricted: the RSVP waits for the organiser; only her decision answers it.
		restricted := createLocalEvent(t, env, alice, convene.JoinRestricted, 0)
		takeOutbox(t, env)
		join := m.join(restricted.IRI, "-restricted")
		deliverSigned(t, env, m.peer, m.person, join)
		if p := participation(t, env, restricted.ID, person); p.State != convene.ParticipationPending {
			t.Errorf("RSVP to a restricted event = %s, want pending", p.State)
		}
		if list := takeOutbox(t, env); len(list) != 0 {
			t.Errorf("answered before the organiser decided: %v", describeActivities(list))
		}
		if notes, err := env.svc.Notifications(alice, "", 10); err != nil || len(notes) != 1 || notes[0].Type != "rsvp" ||
			notes[0].Actor != person || notes[0].EventID != restricted.ID {
			t.Errorf("the organiser's notifications = %+v, %v", notes, err)
		}
		if err := env.svc.DecideParticipation(alice, restricted.ID, person, true); err != nil {
			t.Fatal(err)
		}
		if got := storedEvent(t, env, restricted.IRI); got.AttendeeCount != 1 {
			t.Errorf("attendees = %d once accepted, want 1", got.AttendeeCount)
		}
		wantJoinAnswer(t, env, "Accept", join)

		// Full: alice took the only place; the Join is rejected and stays uncounted.
		full := createLocalEvent(t, env, alice, convene.JoinFree, 1)
		if _, err := env.svc.JoinEvent(alice, full.ID, ""); err != nil {
			t.Fatal(err)
		}
		takeOutbox(t, env)
		join = m.join(full.IRI, "-full")
		deliverSigned(t, env, m.peer, m.person, join)
		if p := participation(t, env, full.ID, person); p.State != convene.ParticipationRejected {
			t.Errorf("RSVP to a full event = %s, want rejected", p.State)
		}
		if got := storedEvent(t, env, full.IRI); got.AttendeeCount != 1 {
			t.Errorf("attendees of the full event = %d, want 1", got.AttendeeCount)
		}
		wantJoinAnswer(t, env, "Reject", join)

		// Once alice gives her place up, a new Join is decided afresh and accepted.
		if err := env.svc.LeaveEvent(alice, full.ID); err != nil {
			t.Fatal(err)
		}
		join = m.join(full.IRI, "-full-again")
		deliverSigned(t, env, m.peer, m.person, join)
		if p := participation(t, env, full.ID, person); p.State != convene.ParticipationAccepted {
			t.Errorf("RSVP once a place is free = %s, want accepted", p.State)
		}
		wantJoinAnswer(t, env, "Accept", join)

		// No sign-ups: the Join is ignored (FEP-8a8e) and nothing is kept.
		none := createLocalEvent(t, env, alice, convene.JoinNone, 0)
		takeOutbox(t, env)
		join = m.join(none.IRI, "-none")
		deliverSigned(t, env, m.peer, m.person, join)
		if _, err := env.store.FindParticipation(context.Background(), none.ID, person); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("RSVP to an event without sign-ups: %v", err)
		}
		wantJoinAnswer(t, env, "Ignore", join)
	})
}

func TestMobilizonAcceptOfOurJoinAcceptsTheRSVP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		m := newMobilizonPeer(t)
		e := m.receiveEvent(t, env, recordedEventUUID)
		alice := aliceContext(t, env)
		takeOutbox(t, env)

		p, err := env.svc.JoinEvent(alice, e.ID, "")
		if err != nil || p.State != convene.ParticipationPending {
			t.Fatalf("RSVP = %+v, %v; want pending", p, err)
		}
		list := takeOutbox(t, env)
		if len(list) != 1 || list[0].Type != "Join" || list[0].Actor != "https://convene.test/u/alice" || list[0].Object != e.IRI ||
			!slices.Equal(list[0].To, []string{idOf(m.organiser), idOf(m.group)}) || env.iris.Activity(list[0].ID) != p.ActivityIRI {
			t.Fatalf("outbox = %v, want alice's Join to the organiser and the group", describeActivities(list))
		}
		if doc := renderedActivity(t, env, list[0]); doc["type"] != "Join" || doc["id"] != p.ActivityIRI || doc["object"] != e.IRI {
			t.Errorf("Join renders as %v", doc)
		}

		// The same answer from an actor of another server changes nothing.
		accept := recorded(t, "mobilizon/accept_join.json", recordedOurJoin, p.ActivityIRI, m.host, m.srv.URL)
		other := newPeer(t, "mastodon")
		bob := other.addActor("person.json")
		forged := recorded(t, "mobilizon/accept_join.json", recordedOurJoin, p.ActivityIRI, m.host, m.srv.URL)
		forged["id"], forged["actor"] = idOf(bob)+"#accepts/join/1", idOf(bob)
		deliverSigned(t, env, other, bob, forged)
		if got := participation(t, env, e.ID, p.ActorIRI); got.State != convene.ParticipationPending {
			t.Errorf("RSVP = %s after an Accept from another server, want pending", got.State)
		}

		deliverSigned(t, env, m.peer, m.organiser, accept)
		if got := participation(t, env, e.ID, p.ActorIRI); got.State != convene.ParticipationAccepted {
			t.Errorf("RSVP = %s after the organiser's Accept, want accepted", got.State)
		}
		if got := storedEvent(t, env, e.IRI); got.AttendeeCount != 0 {
			t.Errorf("attendees = %d: a remote event's count mirrors its server's participantCount", got.AttendeeCount)
		}

		// A moderator of the group (Mobilizon answers as the one who decided) changes her mind.
		reject := recorded(t, "mobilizon/accept_join.json", recordedOurJoin, p.ActivityIRI, m.host, m.srv.URL)
		reject["type"], reject["id"], reject["actor"] = "Reject", idOf(m.person)+"#rejects/join/1", idOf(m.person)
		deliverSigned(t, env, m.peer, m.person, reject)
		if got := participation(t, env, e.ID, p.ActorIRI); got.State != convene.ParticipationRejected {
			t.Errorf("RSVP = %s after a moderator's Reject, want rejected", got.State)
		}
	})
}

func TestEventUpdateAndDeleteApplyOnlyFromTheOrganiser(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		m := newMobilizonPeer(t)
		alice := aliceContext(t, env)
		other := newPeer(t, "mastodon")
		bob := other.addActor("person.json")
		statuses := []struct {
			name string
			set  map[string]any
		}{
			{"ical:status", map[string]any{"ical:status": "CANCELLED"}},                         // Mobilizon before 4.x
			{"eventStatus", map[string]any{"eventStatus": "https://schema.org/EventCancelled"}}, // FEP-8a8e
		}
		for i, status := range statuses {
			t.Run(status.name, func(t *testing.T) {
				uuid := fmt.Sprintf("3b0c6a52-0000-4000-8000-00000000001%d", i)
				e := m.receiveEvent(t, env, uuid)
				if _, err := env.svc.JoinEvent(alice, e.ID, ""); err != nil { // a local participant, to be told
					t.Fatal(err)
				}
				hijack := map[string]any{"name": "Hijacked", "ical:status": "CANCELLED", "eventStatus": "EventCancelled"}
				// Someone else on the same server, first leaving the event's owners as they are,
				// then claiming to organise it himself; then someone on another server.
				forged := m.update(uuid, hijack)
				forged["actor"] = idOf(m.person)
				deliverSigned(t, env, m.peer, m.person, forged)
				forged = m.update(uuid, hijack)
				forged["actor"], forged["object"].(map[string]any)["actor"] = idOf(m.person), idOf(m.person)
				deliverSigned(t, env, m.peer, m.person, forged)
				forged = m.update(uuid, hijack)
				forged["id"], forged["actor"] = idOf(bob)+"#updates/1", idOf(bob)
				deliverSigned(t, env, other, bob, forged)
				if got := storedEvent(t, env, e.IRI); got.Title != e.Title || got.Status != convene.EventScheduled || got.Sequence != e.Sequence {
					t.Errorf("a third party's Update changed the event: %+v", got)
				}

				set := map[string]any{"name": "Caledonian dance class (cancelled)", "participantCount": 7, "maximumAttendeeCapacity": 30}
				for k, v := range status.set {
					set[k] = v
				}
				deliverSigned(t, env, m.peer, m.organiser, m.update(uuid, set))
				got := storedEvent(t, env, e.IRI)
				if got.Status != convene.EventCancelled || got.Title != "Caledonian dance class (cancelled)" || got.AttendeeCount != 7 ||
					got.Capacity != 30 || got.Sequence != e.Sequence+1 {
					t.Errorf("after the organiser's Update: %+v", got)
				}
				if got.IRI != e.IRI || got.OrganizerIRI != e.OrganizerIRI || got.CommunityIRI != e.CommunityIRI ||
					!got.PublishedAt.Equal(e.PublishedAt) || !got.Public {
					t.Errorf("the Update changed the event's identity: %+v", got)
				}
				notes, err := env.svc.Notifications(alice, "", 10)
				if err != nil || len(notes) == 0 || notes[0].Type != "event_cancel" || notes[0].EventID != e.ID {
					t.Errorf("alice's notifications = %+v, %v; want the cancellation", notes, err)
				}
			})
		}

		uuid := "3b0c6a52-0000-4000-8000-000000000020"
		e := m.receiveEvent(t, env, uuid)
		deleteBy := func(p *peer, actor map[string]any, id string) {
			object := m.create(uuid)["object"] // Mobilizon's Delete carries the event whole
			deliverSigned(t, env, p, actor, map[string]any{"id": id, "type": "Delete", "actor": idOf(actor),
				"object": object, "to": []any{idOf(actor) + "/followers", convene.PublicIRI}})
		}
		deleteBy(m.peer, m.person, e.IRI+"/delete-by-someone-else")
		deleteBy(other, bob, idOf(bob)+"#delete")
		if got := storedEvent(t, env, e.IRI); got.DeletedAt != nil || got.Content == "" {
			t.Fatalf("a third party's Delete removed the event")
		}
		deleteBy(m.peer, m.organiser, e.IRI+"/delete")
		got := storedEvent(t, env, e.IRI)
		if got.DeletedAt == nil || got.Content != "" {
			t.Fatalf("after the organiser's Delete: deleted %v, content %q", got.DeletedAt, got.Content)
		}
		deliverSigned(t, env, m.peer, m.organiser, m.update(uuid, map[string]any{"name": "Back again"}))
		if got := storedEvent(t, env, e.IRI); got.DeletedAt == nil || got.Title == "Back again" {
			t.Errorf("an Update revived a deleted event: %+v", got)
		}
	})
}

// A Mobilizon group's moderators edit and delete its events as themselves: their Update or
// Delete makes us re-read the event from its origin, and the origin's word counts.
func TestModeratorsChangeOfAnEventCountsAsItsOriginHasIt(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		m := newMobilizonPeer(t)
		moderator := m.person
		uuid := "3b0c6a52-0000-4000-8000-000000000030"
		e := m.receiveEvent(t, env, uuid)

		edited := m.update(uuid, map[string]any{"name": "Dance class (new hall)"})
		edited["actor"] = idOf(moderator)
		m.serveEvent(uuid, edited["object"].(map[string]any))
		claimed := m.update(uuid, map[string]any{"name": "Not what the origin says"})
		claimed["actor"] = idOf(moderator)
		deliverSigned(t, env, m.peer, moderator, claimed) // the origin has the edit, not this
		got := storedEvent(t, env, e.IRI)
		if got.Title != "Dance class (new hall)" || got.OrganizerIRI != e.OrganizerIRI || got.Sequence != e.Sequence+1 {
			t.Errorf("after a moderator's Update: %q by %s, sequence %d", got.Title, got.OrganizerIRI, got.Sequence)
		}

		m.setGone(pathOf(e.IRI))
		deliverSigned(t, env, m.peer, moderator, map[string]any{"id": e.IRI + "/delete", "type": "Delete",
			"actor": idOf(moderator), "object": e.IRI, "to": []any{convene.PublicIRI}})
		if got := storedEvent(t, env, e.IRI); got.DeletedAt == nil {
			t.Errorf("a moderator's Delete, confirmed by the origin's 410, left the event")
		}
	})
}

func TestForgedCreateEventIsNotStored(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		m := newMobilizonPeer(t)
		other := newPeer(t, "mastodon")
		bob := other.addActor("person.json")
		surrey := env.iris.Group("surrey")
		// Every sender is followed and every event is cross-posted to surrey: only the checks
		// of who may create what keep these out.
		for _, actor := range []map[string]any{m.organiser, m.group, m.person, bob} {
			followAccepted(t, env, surrey, idOf(actor))
		}
		cases := []struct {
			name   string
			peer   *peer
			signer map[string]any
			forge  func(create, event map[string]any)
		}{
			{"an event on another host than its sender", other, bob, func(create, event map[string]any) {
				create["id"], create["actor"] = idOf(bob)+"/statuses/1/activity", idOf(bob)
				event["actor"], event["attributedTo"] = idOf(bob), idOf(bob)
			}},
			{"an event someone else organises", m.peer, m.person, func(create, event map[string]any) {
				create["actor"] = idOf(m.person)
			}},
			{"an event owned by a community here", m.peer, m.person, func(create, event map[string]any) {
				create["actor"], event["actor"], event["attributedTo"] = idOf(m.person), idOf(m.person), surrey
			}},
			{"a group's event organised on another host", m.peer, m.group, func(create, event map[string]any) {
				create["actor"], event["actor"] = idOf(m.group), idOf(bob)
			}},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				uuid := fmt.Sprintf("3b0c6a52-0000-4000-8000-00000000003%d", i)
				create := m.create(uuid)
				event := create["object"].(map[string]any)
				event["cc"] = append(event["cc"].([]any), surrey)
				tc.forge(create, event)
				deliverSigned(t, env, tc.peer, tc.signer, create)
				wantNoEvent(t, env, m.eventIRI(uuid), tc.name)
			})
		}
		// An activity whose own id is on another host than its signer is refused at the door.
		create := m.create("3b0c6a52-0000-4000-8000-000000000039")
		create["id"] = other.srv.URL + "/events/3b0c6a52-0000-4000-8000-000000000039/activity"
		wantRejection(t, m.post(env, create, keyIDOf(m.organiser)), 403)
		// The genuine Create of the same shape is stored.
		deliverSigned(t, env, m.peer, m.organiser, m.create(recordedEventUUID))
		storedEvent(t, env, m.eventIRI(recordedEventUUID))
	})
}

func TestCrossPostedEventWaitsForAModeratorUnlessSurreyTrustsIt(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		m := newMobilizonPeer(t)
		alice := aliceContext(t, env)
		surrey := env.iris.Group("surrey")
		takeOutbox(t, env)
		crossPost := func(uuid string, organiser, group map[string]any) map[string]any {
			create := m.create(uuid)
			event := create["object"].(map[string]any)
			create["actor"], event["actor"] = idOf(organiser), idOf(organiser)
			create["attributedTo"], event["attributedTo"] = idOf(group), idOf(group)
			for _, doc := range []map[string]any{create, event} {
				doc["cc"] = append(doc["cc"].([]any), surrey)
			}
			deliverSigned(t, env, m.peer, organiser, create)
			return create
		}

		// sanof44 organises on his own and addresses surrey, where he may not post.
		untrusted := "3b0c6a52-0000-4000-8000-000000000041"
		crossPost(untrusted, m.person, m.person)
		e := storedEvent(t, env, m.eventIRI(untrusted))
		if e.OrganizerIRI != idOf(m.person) || e.CommunityIRI != "" {
			t.Errorf("stored %+v", e)
		}
		pending, err := env.svc.PendingShares(alice, "surrey")
		if err != nil || len(pending) != 1 || pending[0].ObjectIRI != e.IRI || pending[0].SharedBy != idOf(m.person) ||
			pending[0].ObjectType != "Event" || pending[0].State != convene.SharePending {
			t.Fatalf("pending shares = %+v, %v", pending, err)
		}
		if list := takeOutbox(t, env); len(list) != 0 {
			t.Errorf("surrey announced an unapproved cross-post: %v", describeActivities(list))
		}

		// surrey follows the group that owns the next one: it is shown and announced at once.
		followAccepted(t, env, surrey, idOf(m.group))
		trusted := "3b0c6a52-0000-4000-8000-000000000042"
		create := crossPost(trusted, m.organiser, m.group)
		e = storedEvent(t, env, m.eventIRI(trusted))
		if sh, err := env.store.FindShare(context.Background(), e.IRI, surrey); err != nil || sh.State != convene.ShareAccepted {
			t.Errorf("share = %+v, %v; want accepted", sh, err)
		}
		if pending, _ := env.svc.PendingShares(alice, "surrey"); len(pending) != 1 {
			t.Errorf("%d pending shares, want the first one only", len(pending))
		}
		list := takeOutbox(t, env)
		var wrapped, boost *convene.Activity
		for _, a := range list {
			switch {
			case a.Type != "Announce" || a.Actor != surrey:
			case a.EmbedRaw != "":
				wrapped = a
			case a.Object == e.IRI:
				boost = a
			}
		}
		if len(list) != 2 || wrapped == nil || boost == nil {
			t.Fatalf("outbox = %v, want surrey's Announce of the Create and of the event", describeActivities(list))
		}
		inner, _ := renderedActivity(t, env, wrapped)["object"].(map[string]any)
		if inner["id"] != create["id"] || inner["type"] != "Create" || inner["actor"] != idOf(m.organiser) {
			t.Errorf("Announce carries %v, want the organiser's Create as sent", inner)
		}
		past, err := env.svc.PastEvents(context.Background(), surrey, 10)
		if err != nil || len(past) != 1 || past[0].ID != e.ID {
			t.Errorf("surrey's past events = %v, %v; want the accepted cross-post only", past, err)
		}
	})
}

package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/handlers"
	"github.com/convene-social/convene/service"
)

// eventNow is the service clock in these tests: before every event they announce, and
// before each clock change they cross.
var eventNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// eventKeys is one key pair for every actor: RSA generation would dominate the run time.
var eventKeys = sync.OnceValues(service.GenerateKeyPair)

const as2 = "application/activity+json"

// eventFixture is a server whose service clock is eventNow, with mia owning the community
// surrey and olga owning guildford (both open, members may post).
type eventFixture struct {
	h         *handlers.Server
	svc       *service.Service
	mia, olga *convene.Account
}

func newEventFixture(t *testing.T) *eventFixture {
	t.Helper()
	h, svc := newTestServer(t, testServer{now: func() time.Time { return eventNow }, newKeyPair: eventKeys})
	x := &eventFixture{h: h, svc: svc}
	x.mia, x.olga = x.account(t, "mia"), x.account(t, "olga")
	x.community(t, "surrey", "Surrey conveners", "mia")
	x.community(t, "guildford", "Guildford folk", "olga")
	return x
}

func (x *eventFixture) account(t *testing.T, name string) *convene.Account {
	t.Helper()
	a, err := x.svc.CreateAccount(convene.WithOperator(context.Background()), service.AccountCreate{
		Username: name, Email: name + "@example.org", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (x *eventFixture) community(t *testing.T, slug, name, owner string) {
	t.Helper()
	if _, err := x.svc.CreateCommunity(convene.WithOperator(context.Background()),
		service.CommunityCreate{Slug: slug, Name: name, Owner: owner}); err != nil {
		t.Fatal(err)
	}
}

func (x *eventFixture) event(t *testing.T, who *convene.Account, in service.EventInput) *convene.Event {
	t.Helper()
	e, err := x.svc.CreateEvent(asAccount(who), in)
	if err != nil {
		t.Fatalf("create event %q: %v", in.Title, err)
	}
	return e
}

func asAccount(a *convene.Account) context.Context {
	return convene.WithPrincipal(context.Background(), convene.Principal{Account: a})
}

// reading is a 90-minute evening event in Guildford.
func reading(community, title, start, zone string) service.EventInput {
	end, _ := time.Parse("2006-01-02T15:04", start)
	return service.EventInput{Community: community, Title: title, Description: "We read *Ostrom*.",
		Start: start, End: end.Add(90 * time.Minute).Format("2006-01-02T15:04"), Timezone: zone,
		Place: convene.Place{Name: "Guildford Library", Street: "77 North Street", Locality: "Guildford", Country: "UK"}}
}

func request(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

// unfold undoes RFC 5545 line folding and CRLF, so properties read whole.
func unfold(ics string) string {
	return strings.ReplaceAll(strings.ReplaceAll(ics, "\r\n ", ""), "\r\n", "\n")
}

// section is the HTML from the element with id to the end of its section.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	body = body[i:]
	if j := strings.Index(body, "</section>"); j >= 0 {
		body = body[:j]
	}
	return body
}

func TestEventAS2DocumentInItsZoneAndTombstoneAfterDelete(t *testing.T) {
	x := newEventFixture(t)
	e := x.event(t, x.mia, reading("surrey", "Reading <group>", "2026-06-10T18:30", "Europe/London"))

	rec := getWith(x.h, "/e/"+e.ID, as2)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), as2) {
		t.Fatalf("AS2 event = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	doc := decodeJSON(t, rec)
	for k, want := range map[string]any{
		"type": "Event", "id": e.IRI, "name": "Reading <group>",
		"startTime": "2026-06-10T18:30:00+01:00", "endTime": "2026-06-10T20:00:00+01:00",
		"timezone": "Europe/London", "attendees": e.IRI + "/attendees",
		"summary": "Wed 10 Jun 2026, 18:30–20:00 Europe/London – Guildford Library",
	} {
		if doc[k] != want {
			t.Errorf("%s = %#v, want %#v", k, doc[k], want)
		}
	}
	loc, _ := doc["location"].(map[string]any)
	addr, _ := loc["address"].(map[string]any)
	if loc["type"] != "Place" || loc["name"] != "Guildford Library" || addr["addressLocality"] != "Guildford" ||
		addr["streetAddress"] != "77 North Street" {
		t.Errorf("location = %#v", doc["location"])
	}

	if err := x.svc.DeleteEvent(asAccount(x.mia), e.ID); err != nil {
		t.Fatal(err)
	}
	rec = getWith(x.h, "/e/"+e.ID, as2)
	gone := decodeJSON(t, rec)
	if rec.Code != http.StatusOK && rec.Code != http.StatusGone {
		t.Errorf("deleted event = %d", rec.Code)
	}
	if gone["type"] != "Tombstone" || gone["id"] != e.IRI || gone["formerType"] != "Event" || gone["name"] != nil {
		t.Errorf("deleted event = %v", gone)
	}
}

func TestEventPageShowsLocalTimePlaceAttendanceAndShares(t *testing.T) {
	x := newEventFixture(t)
	// mia may post in guildford, so her cross-post shows there at once; in woking it waits
	// for a moderator.
	if _, err := x.svc.Join(asAccount(x.mia), "guildford"); err != nil {
		t.Fatal(err)
	}
	x.community(t, "woking", "Woking", "olga")
	in := reading("surrey", "Reading group", "2026-06-10T18:30", "Europe/London")
	in.Capacity, in.CrossPost = 10, []string{"guildford", "woking"}
	e := x.event(t, x.mia, in)
	for _, name := range []string{"otto", "pia"} {
		if _, err := x.svc.JoinEvent(asAccount(x.account(t, name)), e.ID, ""); err != nil {
			t.Fatal(err)
		}
	}

	rec := getWith(x.h, "/e/"+e.ID, "text/html")
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("event page = %d:\n%s", rec.Code, body)
	}
	for _, want := range []string{
		"<h1 class=\"p-name\">Reading group</h1>",
		"Wed 10 Jun 2026, 18:30</time>", // the wall-clock time where it happens
		`datetime="2026-06-10T17:30:00Z"`,
		"</time> Europe/London", // its zone named
		"Guildford Library", "77 North Street",
		`href="https://www.openstreetmap.org/search?query=Guildford&#43;Library`,
		"2 of 10 going (8 places left)",
		`href="https://convene.test/e/` + e.ID + `.ics"`,
		"Also shared in", `href="https://convene.test/c/guildford"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("event page lacks %s", want)
		}
	}
	if pending, err := x.svc.PendingShares(asAccount(x.olga), "woking"); err != nil || len(pending) != 1 {
		t.Fatalf("woking's pending cross-posts = %v, %v", pending, err)
	}
	if strings.Contains(body, "/c/woking") {
		t.Error("the page lists a cross-post still waiting for a moderator")
	}
	if strings.Contains(body, "cancelled") {
		t.Error("a scheduled event reads as cancelled")
	}

	alone := x.event(t, x.mia, reading("surrey", "Quiet one", "2026-06-11T18:30", "Europe/London"))
	if body := getWith(x.h, "/e/"+alone.ID, "text/html").Body.String(); strings.Contains(body, "Also shared in") {
		t.Error("an event shared nowhere says it is shared")
	}

	if _, err := x.svc.CancelEvent(asAccount(x.mia), e.ID); err != nil {
		t.Fatal(err)
	}
	body = getWith(x.h, "/e/"+e.ID, "text/html").Body.String()
	if !strings.Contains(body, "This event is cancelled.") {
		t.Errorf("cancelled event page:\n%s", body)
	}
}

func TestEventTimesKeepWallClockOnDSTChangeDays(t *testing.T) {
	x := newEventFixture(t)
	for _, tc := range []struct {
		start, zone string
		page        string // what a person reads
		instant     string // the datetime attribute, in UTC
		startTime   string // AS2
		dtstart     string // iCalendar
	}{
		{"2026-03-29T18:30", "Europe/London", "Sun 29 Mar 2026, 18:30", "2026-03-29T17:30:00Z",
			"2026-03-29T18:30:00+01:00", "DTSTART;TZID=Europe/London:20260329T183000"},
		{"2026-10-25T18:30", "Europe/London", "Sun 25 Oct 2026, 18:30", "2026-10-25T18:30:00Z",
			"2026-10-25T18:30:00+00:00", "DTSTART;TZID=Europe/London:20261025T183000"},
		{"2026-03-08T09:00", "America/New_York", "Sun 8 Mar 2026, 09:00", "2026-03-08T13:00:00Z",
			"2026-03-08T09:00:00-04:00", "DTSTART;TZID=America/New_York:20260308T090000"},
		{"2026-11-01T18:30", "America/New_York", "Sun 1 Nov 2026, 18:30", "2026-11-01T23:30:00Z",
			"2026-11-01T18:30:00-05:00", "DTSTART;TZID=America/New_York:20261101T183000"},
	} {
		t.Run(tc.zone+" "+tc.start, func(t *testing.T) {
			e := x.event(t, x.mia, reading("surrey", "Meeting "+tc.start, tc.start, tc.zone))
			page := getWith(x.h, "/e/"+e.ID, "text/html").Body.String()
			if !strings.Contains(page, tc.page+"</time>") || !strings.Contains(page, `datetime="`+tc.instant+`"`) ||
				!strings.Contains(page, "</time> "+tc.zone) {
				t.Errorf("page lacks %q at %s in %s:\n%s", tc.page, tc.instant, tc.zone, page)
			}
			doc := decodeJSON(t, getWith(x.h, "/e/"+e.ID, as2))
			if got := doc["startTime"]; got != tc.startTime && got != strings.Replace(tc.startTime, "+00:00", "Z", 1) {
				t.Errorf("startTime = %v, want %s", got, tc.startTime)
			}
			if doc["timezone"] != tc.zone {
				t.Errorf("timezone = %v", doc["timezone"])
			}
			if ics := unfold(request(x.h, http.MethodGet, "/e/"+e.ID+".ics").Body.String()); !strings.Contains(ics, tc.dtstart+"\n") {
				t.Errorf(".ics lacks %s:\n%s", tc.dtstart, ics)
			}
		})
	}
	// One calendar carries both zones, each described for clients without a tz database.
	ics := unfold(request(x.h, http.MethodGet, "/c/surrey/events.ics").Body.String())
	for _, want := range []string{"TZID:Europe/London\n", "TZID:America/New_York\n",
		"DTSTART;TZID=Europe/London:20260329T183000\n", "DTSTART;TZID=America/New_York:20261101T183000\n"} {
		if !strings.Contains(ics, want) {
			t.Errorf("community calendar lacks %q", want)
		}
	}
}

func TestEventCalendarFeeds(t *testing.T) {
	x := newEventFixture(t)
	shared := x.event(t, x.mia, reading("surrey", "Commons walk", "2026-04-01T10:00", "Europe/London"))
	surreyOnly := x.event(t, x.mia, reading("surrey", "Surrey AGM", "2026-04-02T19:00", "Europe/London"))
	own := x.event(t, x.olga, reading("guildford", "Guildford supper", "2026-04-03T19:00", "Europe/London"))
	if _, err := x.svc.Reshare(asAccount(x.olga), "guildford", shared.IRI); err != nil {
		t.Fatal(err)
	}

	has := func(ics string, e *convene.Event) bool {
		return strings.Contains(ics, "UID:"+e.IRI+"\n") && strings.Contains(ics, "SUMMARY:"+e.Title+"\n")
	}
	for _, tc := range []struct {
		path     string
		in, out  []*convene.Event
		filename string
	}{
		{"/e/" + shared.ID + ".ics", []*convene.Event{shared}, []*convene.Event{surreyOnly, own}, shared.ID + ".ics"},
		{"/c/guildford/events.ics", []*convene.Event{own, shared}, []*convene.Event{surreyOnly}, "guildford.ics"},
		{"/c/surrey/events.ics", []*convene.Event{shared, surreyOnly}, []*convene.Event{own}, "surrey.ics"},
		{"/events.ics", []*convene.Event{shared, surreyOnly, own}, nil, "events.ics"},
	} {
		rec := request(x.h, http.MethodGet, tc.path)
		ics := unfold(rec.Body.String())
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/calendar; charset=utf-8" ||
			!strings.HasPrefix(ics, "BEGIN:VCALENDAR\n") || !strings.Contains(rec.Header().Get("Content-Disposition"), tc.filename) {
			t.Errorf("GET %s = %d %v:\n%s", tc.path, rec.Code, rec.Header(), ics)
			continue
		}
		for _, e := range tc.in {
			if !has(ics, e) {
				t.Errorf("%s lacks %q", tc.path, e.Title)
			}
		}
		for _, e := range tc.out {
			if strings.Contains(ics, e.IRI) {
				t.Errorf("%s lists %q", tc.path, e.Title)
			}
		}
		head := request(x.h, http.MethodHead, tc.path)
		if head.Code != http.StatusOK || head.Header().Get("Content-Type") != "text/calendar; charset=utf-8" || head.Body.Len() != 0 {
			t.Errorf("HEAD %s = %d %s, %d bytes", tc.path, head.Code, head.Header().Get("Content-Type"), head.Body.Len())
		}
	}
}

func TestEventAttendeesCountsAcceptedRSVPsWithoutNames(t *testing.T) {
	x := newEventFixture(t)
	e := x.event(t, x.mia, reading("surrey", "Reading group", "2026-06-10T18:30", "Europe/London"))
	in := reading("surrey", "By invitation", "2026-06-12T18:30", "Europe/London")
	in.JoinMode = convene.JoinRestricted
	restricted := x.event(t, x.mia, in)
	var people []*convene.Account
	for _, name := range []string{"otto", "pia", "quinn"} {
		a := x.account(t, name)
		people = append(people, a)
		if _, err := x.svc.JoinEvent(asAccount(a), e.ID, "See you"); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.svc.LeaveEvent(asAccount(people[2]), e.ID); err != nil {
		t.Fatal(err)
	}
	if p, err := x.svc.JoinEvent(asAccount(people[0]), restricted.ID, ""); err != nil || p.State != convene.ParticipationPending {
		t.Fatalf("RSVP to a restricted event: %+v, %v", p, err)
	}

	for id, want := range map[string]float64{e.ID: 2, restricted.ID: 0} {
		rec := getWith(x.h, "/e/"+id+"/attendees", as2)
		doc := decodeJSON(t, rec)
		if rec.Code != http.StatusOK || doc["type"] != "OrderedCollection" || doc["id"] != "https://convene.test/e/"+id+"/attendees" ||
			doc["totalItems"] != want {
			t.Errorf("attendees of %s = %d %v, want %v accepted", id, rec.Code, doc, want)
		}
		if _, ok := doc["orderedItems"]; ok || doc["items"] != nil || strings.Contains(rec.Body.String(), "/u/") {
			t.Errorf("attendees of %s name people: %s", id, rec.Body)
		}
	}
}

func TestUpcomingEventsCollectionSoonestFirst(t *testing.T) {
	x := newEventFixture(t)
	later := x.event(t, x.mia, reading("surrey", "Later", "2026-05-01T18:30", "Europe/London"))
	past := x.event(t, x.mia, reading("surrey", "Past", "2025-12-01T18:30", "Europe/London"))
	sooner := x.event(t, x.mia, reading("surrey", "Sooner", "2026-04-01T18:30", "America/New_York"))
	theirs := x.event(t, x.olga, reading("guildford", "Theirs", "2026-04-15T18:30", "Europe/London"))
	x.event(t, x.olga, reading("guildford", "Not shared", "2026-04-20T18:30", "Europe/London"))
	if _, err := x.svc.Reshare(asAccount(x.mia), "surrey", theirs.IRI); err != nil {
		t.Fatal(err)
	}

	rec := getWith(x.h, "/c/surrey/upcoming", as2)
	doc := decodeJSON(t, rec)
	items, _ := doc["orderedItems"].([]any)
	want := []any{sooner.IRI, theirs.IRI, later.IRI}
	if rec.Code != http.StatusOK || doc["type"] != "OrderedCollection" || doc["id"] != "https://convene.test/c/surrey/upcoming" ||
		doc["totalItems"] != float64(len(want)) || len(items) != len(want) {
		t.Fatalf("upcoming = %d %v, want %v", rec.Code, doc, want)
	}
	for i := range want {
		if items[i] != want[i] {
			t.Errorf("upcoming[%d] = %v, want %v", i, items[i], want[i])
		}
	}
	if strings.Contains(rec.Body.String(), past.IRI) {
		t.Error("upcoming lists a past event")
	}

	group := decodeJSON(t, getWith(x.h, "/c/surrey", as2))
	if group["upcomingEvents"] != "https://convene.test/c/surrey/upcoming" {
		t.Errorf("upcomingEvents = %v", group["upcomingEvents"])
	}
}

func TestCommunityPageListsEventsAndItsLandscape(t *testing.T) {
	x := newEventFixture(t)
	x.event(t, x.mia, reading("surrey", "Surrey soon", "2026-04-01T18:30", "Europe/London"))
	x.event(t, x.mia, reading("surrey", "Surrey before", "2025-12-01T18:30", "Europe/London"))
	x.event(t, x.olga, reading("guildford", "Guildford supper", "2026-04-03T19:00", "Europe/London"))
	if _, err := x.svc.CreateThread(asAccount(x.olga), service.ThreadCreate{Community: "guildford", Title: "Guildford walks", Body: "Who is in?"}); err != nil {
		t.Fatal(err)
	}

	rec := getWith(x.h, "/c/surrey", "text/html")
	body := rec.Body.String()
	upcoming := section(body, "upcoming")
	if rec.Code != http.StatusOK || !strings.Contains(upcoming, "Surrey soon") || !strings.Contains(upcoming, "Wed 1 Apr 2026, 18:30–20:00 Europe/London") {
		t.Fatalf("community page = %d:\n%s", rec.Code, body)
	}
	if strings.Contains(upcoming, "Surrey before") || !strings.Contains(section(body, "past"), "Surrey before") {
		t.Errorf("a past event is not under Past events:\n%s", body)
	}
	if !strings.Contains(body, `href="https://convene.test/c/surrey/events.ics"`) {
		t.Error("community page does not link its calendar")
	}
	if strings.Contains(body, "Our landscape") || strings.Contains(body, "Guildford supper") {
		t.Errorf("landscape shown before following anyone:\n%s", body)
	}

	if err := x.svc.ReceiveFollow(context.Background(), "https://convene.test/a/follow-1",
		"https://convene.test/c/surrey", "https://convene.test/c/guildford"); err != nil {
		t.Fatal(err)
	}
	body = getWith(x.h, "/c/surrey", "text/html").Body.String()
	land := section(body, "landscape")
	for _, want := range []string{"Our landscape", `href="https://convene.test/c/guildford"`, "Guildford walks", "Guildford supper"} {
		if !strings.Contains(land, want) {
			t.Errorf("landscape lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(section(body, "upcoming"), "Guildford supper") {
		t.Error("a followed community's event is listed as the community's own")
	}
}

func TestUnknownEventIsNotFound(t *testing.T) {
	x := newEventFixture(t)
	for _, tc := range []struct{ path, accept string }{
		{"/e/01NOSUCHEVENT", "text/html"},
		{"/e/01NOSUCHEVENT", as2},
		{"/e/01NOSUCHEVENT.ics", "text/calendar"},
		{"/e/01NOSUCHEVENT/attendees", as2},
		{"/c/nosuch/upcoming", as2},
		{"/c/nosuch/events.ics", "text/calendar"},
	} {
		rec := getWith(x.h, tc.path, tc.accept)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s (%s) = %d, want 404", tc.path, tc.accept, rec.Code)
		}
		if tc.accept == "text/html" && !strings.Contains(rec.Body.String(), "Go to the front page") {
			t.Errorf("GET %s is not the 404 page:\n%s", tc.path, rec.Body)
		}
	}
}

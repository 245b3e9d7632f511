package federation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/convene-social/convene"
)

var eventIRIs = NewIRIs("https", "convene.test")

// localEvent is a fully described event of /c/surrey, organised by alice in Europe/London.
func localEvent(t testing.TB) *convene.Event {
	t.Helper()
	london := mustZone(t, "Europe/London")
	start := time.Date(2026, 2, 3, 18, 30, 0, 0, london).UTC()
	end := time.Date(2026, 2, 3, 20, 0, 0, 0, london).UTC()
	lat, lon := 51.2362, -0.5704
	return &convene.Event{
		ID: "01JEVENT0000000000000000000", IRI: "https://convene.test/e/01JEVENT0000000000000000000",
		URL: "https://convene.test/e/01JEVENT0000000000000000000", CommunityID: "c1",
		CommunityIRI: "https://convene.test/c/surrey", OrganizerIRI: "https://convene.test/u/alice", AccountID: "a1",
		Title: "Repair café planning", Content: "<p>Bring a mug.</p>", Source: "Bring a mug.",
		StartsAt: start, EndsAt: &end, Timezone: "Europe/London",
		Place: convene.Place{Name: "Guildford Library", Street: "77 North Street", PostalCode: "GU1 4AL",
			Locality: "Guildford", Region: "Surrey", Country: "United Kingdom", Latitude: &lat, Longitude: &lon},
		JoinMode: convene.JoinFree, Status: convene.EventScheduled, Category: "COMMUNITY", Public: true,
		AttendeeCount: 12, PublishedAt: time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC),
		UpdatedAt: time.Date(2026, 1, 11, 9, 0, 0, 0, time.UTC),
	}
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// renderEvent is EventToAS as it reaches a peer: through normalizeArrays and JSON.
func renderEvent(t testing.TB, e *convene.Event, refs EventRefs) (map[string]any, []byte) {
	t.Helper()
	m := eventIRIs.EventToAS(e, refs)
	normalizeArrays(m)
	body, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out, body
}

func TestEventToASRendersMobilizonAndFEP8a8eFields(t *testing.T) {
	e := localEvent(t)
	m, body := renderEvent(t, e, EventRefs{Organizers: []string{e.OrganizerIRI}, SharedWith: []string{"https://lemmy.example/c/repair"}})
	want := map[string]any{
		"type": "Event", "id": e.IRI, "url": e.IRI, "name": "Repair café planning", "content": "<p>Bring a mug.</p>",
		"mediaType": "text/html", "startTime": "2026-02-03T18:30:00+00:00", "endTime": "2026-02-03T20:00:00+00:00",
		"timezone": "Europe/London", "attributedTo": e.CommunityIRI, "actor": e.OrganizerIRI, "audience": e.CommunityIRI,
		"summary":  "Tue 3 Feb 2026, 18:30–20:00 Europe/London – Guildford Library",
		"joinMode": "free", "participantCount": 12.0, "eventStatus": "EventScheduled", "ical:status": "CONFIRMED",
		"status": "CONFIRMED", "category": "COMMUNITY", "commentsEnabled": true, "repliesModerationOption": "allow_all",
		"anonymousParticipationEnabled": false, "isOnline": false, "published": "2026-01-10T09:00:00Z",
		"updated": "2026-01-11T09:00:00Z", "attendees": e.IRI + "/attendees",
	}
	for k, v := range want {
		if !reflect.DeepEqual(m[k], v) {
			t.Errorf("%s = %#v, want %#v", k, m[k], v)
		}
	}
	if !reflect.DeepEqual(m["to"], []any{convene.PublicIRI}) ||
		!reflect.DeepEqual(m["cc"], []any{e.CommunityIRI, e.CommunityIRI + "/followers", "https://lemmy.example/c/repair"}) {
		t.Errorf("to %v cc %v", m["to"], m["cc"])
	}
	if src, _ := m["source"].(map[string]any); src["content"] != "Bring a mug." || src["mediaType"] != "text/markdown" {
		t.Errorf("source = %v", m["source"])
	}
	if org, _ := m["organizers"].(map[string]any); org["type"] != "Collection" || !reflect.DeepEqual(org["items"], []any{e.OrganizerIRI}) {
		t.Errorf("organizers = %v", m["organizers"])
	}
	place, ok := m["location"].(map[string]any)
	if !ok {
		t.Fatalf("a single location must be an object, not an array (Gancio): %s", body)
	}
	address, _ := place["address"].(map[string]any)
	if place["type"] != "Place" || place["name"] != "Guildford Library" || place["latitude"] != 51.2362 || place["longitude"] != -0.5704 ||
		address["type"] != "PostalAddress" || address["streetAddress"] != "77 North Street" || address["postalCode"] != "GU1 4AL" ||
		address["addressLocality"] != "Guildford" || address["addressRegion"] != "Surrey" || address["addressCountry"] != "United Kingdom" {
		t.Errorf("location = %v", place)
	}
	for _, absent := range []string{"displayEndTime", "maximumAttendeeCapacity", "remainingAttendeeCapacity", "attachment", "externalParticipationUrl", "@context"} {
		if _, ok := m[absent]; ok {
			t.Errorf("%s present: %v", absent, m[absent])
		}
	}
}

func TestEventToASLocations(t *testing.T) {
	online := localEvent(t)
	online.Place, online.OnlineURL = convene.Place{}, "https://meet.example/repair"
	m, body := renderEvent(t, online, EventRefs{})
	where, ok := m["location"].(map[string]any)
	if !ok || where["type"] != "VirtualLocation" || where["url"] != online.OnlineURL || where["name"] == "" {
		t.Errorf("online-only location = %s", body)
	}
	link := map[string]any{"type": "Link", "href": online.OnlineURL, "mediaType": "text/html", "name": "Website"}
	if !reflect.DeepEqual(m["attachment"], []any{link}) || m["isOnline"] != true {
		t.Errorf("attachment %v isOnline %v", m["attachment"], m["isOnline"])
	}
	if !strings.HasSuffix(m["summary"].(string), "Europe/London – online") {
		t.Errorf("summary = %q", m["summary"])
	}

	hybrid := localEvent(t)
	hybrid.OnlineURL = "https://meet.example/repair"
	m, body = renderEvent(t, hybrid, EventRefs{})
	// Mobilizon reads one location only: the Place, with the online address as the Link.
	place, ok := m["location"].(map[string]any)
	if !ok || place["type"] != "Place" || !reflect.DeepEqual(m["attachment"], []any{link}) {
		t.Errorf("hybrid location = %s", body)
	}
	if m["isOnline"] != false {
		t.Errorf("hybrid event isOnline = %v", m["isOnline"])
	}

	nowhere := localEvent(t)
	nowhere.Place = convene.Place{}
	if m, _ := renderEvent(t, nowhere, EventRefs{}); m["location"] != nil || strings.Contains(m["summary"].(string), " – ") {
		t.Errorf("no place: location %v summary %q", m["location"], m["summary"])
	}
}

func TestEventToASOpenEndAndCapacity(t *testing.T) {
	e := localEvent(t)
	e.EndsAt = nil
	m, _ := renderEvent(t, e, EventRefs{})
	if _, ok := m["endTime"]; ok || m["displayEndTime"] != false {
		t.Errorf("open end: endTime %v displayEndTime %v", m["endTime"], m["displayEndTime"])
	}
	if m["summary"] != "Tue 3 Feb 2026, 18:30 Europe/London – Guildford Library" {
		t.Errorf("summary = %q", m["summary"])
	}
	e.Capacity = 30
	m, _ = renderEvent(t, e, EventRefs{})
	if m["maximumAttendeeCapacity"] != 30.0 || m["remainingAttendeeCapacity"] != 18.0 || m["participantCount"] != 12.0 {
		t.Errorf("capacity %v remaining %v count %v", m["maximumAttendeeCapacity"], m["remainingAttendeeCapacity"], m["participantCount"])
	}
	e.JoinMode, e.ExternalURL = convene.JoinExternal, "mailto:repair@example.org"
	if m, _ = renderEvent(t, e, EventRefs{}); m["joinMode"] != "external" || m["externalParticipationUrl"] != "mailto:repair@example.org" {
		t.Errorf("external: %v %v", m["joinMode"], m["externalParticipationUrl"])
	}
	e.JoinMode = convene.JoinNone
	if m, _ = renderEvent(t, e, EventRefs{}); m["joinMode"] != "none" {
		t.Errorf("joinMode = %v", m["joinMode"])
	}
}

func TestEventToASStatuses(t *testing.T) {
	for status, want := range map[convene.EventStatus][3]string{
		convene.EventScheduled:   {"EventScheduled", "CONFIRMED", ""},
		convene.EventTentative:   {"EventTentative", "TENTATIVE", "Tentative: "},
		convene.EventCancelled:   {"EventCancelled", "CANCELLED", "Cancelled: "},
		convene.EventPostponed:   {"EventPostponed", "TENTATIVE", "Postponed: "},
		convene.EventRescheduled: {"EventRescheduled", "CONFIRMED", ""},
		convene.EventMovedOnline: {"EventMovedOnline", "CONFIRMED", ""},
	} {
		e := localEvent(t)
		e.Status = status
		m, _ := renderEvent(t, e, EventRefs{})
		if m["eventStatus"] != want[0] || m["ical:status"] != want[1] || m["status"] != want[1] {
			t.Errorf("%s: eventStatus %v ical:status %v status %v", status, m["eventStatus"], m["ical:status"], m["status"])
		}
		if summary := m["summary"].(string); !strings.HasPrefix(summary, want[2]+"Tue 3 Feb") {
			t.Errorf("%s: summary %q", status, summary)
		}
	}
}

func TestEventToASAddressing(t *testing.T) {
	remoteGroup := localEvent(t)
	remoteGroup.CommunityIRI = "https://lemmy.example/c/repair"
	if m, _ := renderEvent(t, remoteGroup, EventRefs{}); !reflect.DeepEqual(m["cc"], []any{"https://lemmy.example/c/repair"}) {
		t.Errorf("a remote community's followers are not ours to address: cc %v", m["cc"])
	}
	noGroup := localEvent(t)
	noGroup.CommunityIRI = ""
	m, _ := renderEvent(t, noGroup, EventRefs{})
	if m["attributedTo"] != noGroup.OrganizerIRI || m["audience"] != nil || !reflect.DeepEqual(m["cc"], []any{noGroup.OrganizerIRI + "/followers"}) {
		t.Errorf("organiser-owned: attributedTo %v audience %v cc %v", m["attributedTo"], m["audience"], m["cc"])
	}
	peerCopy := localEvent(t)
	peerCopy.IRI, peerCopy.URL = "https://mobilizon.example/events/1", "https://mobilizon.example/events/1"
	if m, _ := renderEvent(t, peerCopy, EventRefs{}); m["attendees"] != nil {
		t.Errorf("a peer's event got an attendees collection here: %v", m["attendees"])
	}
	private := localEvent(t)
	private.Public = false
	m, _ = renderEvent(t, private, EventRefs{})
	if strings.Contains(string(mustJSON(t, m)), "#Public") || !reflect.DeepEqual(m["to"], []any{private.CommunityIRI, private.CommunityIRI + "/followers"}) {
		t.Errorf("non-public: to %v cc %v", m["to"], m["cc"])
	}
}

func TestEventToASTombstone(t *testing.T) {
	e := localEvent(t)
	at := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	e.DeletedAt = &at
	m, _ := renderEvent(t, e, EventRefs{})
	want := map[string]any{"type": "Tombstone", "id": e.IRI, "formerType": "Event", "deleted": "2026-02-01T12:00:00Z"}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("tombstone = %v", m)
	}
}

func TestEventSummaryLines(t *testing.T) {
	london := mustZone(t, "Europe/London")
	at := func(d, h, min int) time.Time { return time.Date(2026, 2, d, h, min, 0, 0, london).UTC() }
	end := func(d, h, min int) *time.Time { t := at(d, h, min); return &t }
	for name, tt := range map[string]struct {
		e    convene.Event
		want string
	}{
		"same day": {convene.Event{StartsAt: at(3, 18, 30), EndsAt: end(3, 20, 0), Timezone: "Europe/London", Place: convene.Place{Name: "Guildford Library"}},
			"Tue 3 Feb 2026, 18:30–20:00 Europe/London – Guildford Library"},
		"across days": {convene.Event{StartsAt: at(3, 18, 30), EndsAt: end(4, 10, 0), Timezone: "Europe/London", Place: convene.Place{Locality: "Guildford"}},
			"Tue 3 Feb 2026, 18:30 – Wed 4 Feb 2026, 10:00 Europe/London – Guildford"},
		"open end, online": {convene.Event{StartsAt: at(3, 18, 30), Timezone: "Europe/London", OnlineURL: "https://meet.example/x"},
			"Tue 3 Feb 2026, 18:30 Europe/London – online"},
		"nowhere, cancelled": {convene.Event{StartsAt: at(3, 18, 30), Timezone: "Europe/London", Status: convene.EventCancelled},
			"Cancelled: Tue 3 Feb 2026, 18:30 Europe/London"},
		"street only is not a place name": {convene.Event{StartsAt: at(3, 18, 30), Timezone: "Europe/London", Place: convene.Place{Street: "1 High St"}},
			"Tue 3 Feb 2026, 18:30 Europe/London"},
		"moved online": {convene.Event{StartsAt: at(3, 18, 30), Timezone: "Europe/London", Status: convene.EventMovedOnline, Place: convene.Place{Name: "Library"}, OnlineURL: "https://meet.example/x"},
			"Tue 3 Feb 2026, 18:30 Europe/London – online"},
		"no zone is UTC": {convene.Event{StartsAt: at(3, 18, 30), Status: convene.EventPostponed},
			"Postponed: Tue 3 Feb 2026, 18:30 UTC"},
	} {
		if got := EventSummary(&tt.e); got != tt.want {
			t.Errorf("%s: %q, want %q", name, got, tt.want)
		}
	}
}

// Events on the days the clocks change keep their wall-clock time: the offset in startTime
// and endTime is the one in force at that moment in the event's zone.
func TestEventTimesKeepWallClockAcrossDST(t *testing.T) {
	for _, tt := range []struct {
		zone                     string
		y, mo, d, h, m           int
		endH, endM               int
		wantStart, wantEnd, line string
	}{
		{"Europe/London", 2026, 3, 29, 18, 30, 20, 0, "2026-03-29T18:30:00+01:00", "2026-03-29T20:00:00+01:00", "Sun 29 Mar 2026, 18:30–20:00 Europe/London"},
		{"Europe/London", 2026, 10, 25, 18, 30, 20, 0, "2026-10-25T18:30:00+00:00", "2026-10-25T20:00:00+00:00", "Sun 25 Oct 2026, 18:30–20:00 Europe/London"},
		{"America/New_York", 2026, 3, 8, 18, 30, 20, 0, "2026-03-08T18:30:00-04:00", "2026-03-08T20:00:00-04:00", "Sun 8 Mar 2026, 18:30–20:00 America/New_York"},
		{"America/New_York", 2026, 11, 1, 18, 30, 20, 0, "2026-11-01T18:30:00-05:00", "2026-11-01T20:00:00-05:00", "Sun 1 Nov 2026, 18:30–20:00 America/New_York"},
		// Across the change itself: the start and end carry different offsets.
		{"Europe/London", 2026, 3, 29, 0, 30, 3, 0, "2026-03-29T00:30:00+00:00", "2026-03-29T03:00:00+01:00", "Sun 29 Mar 2026, 00:30–03:00 Europe/London"},
		{"America/New_York", 2026, 11, 1, 0, 30, 3, 0, "2026-11-01T00:30:00-04:00", "2026-11-01T03:00:00-05:00", "Sun 1 Nov 2026, 00:30–03:00 America/New_York"},
	} {
		loc := mustZone(t, tt.zone)
		e := localEvent(t)
		e.Timezone, e.Place = tt.zone, convene.Place{}
		e.StartsAt = time.Date(tt.y, time.Month(tt.mo), tt.d, tt.h, tt.m, 0, 0, loc).UTC()
		end := time.Date(tt.y, time.Month(tt.mo), tt.d, tt.endH, tt.endM, 0, 0, loc).UTC()
		e.EndsAt = &end
		m, body := renderEvent(t, e, EventRefs{})
		if m["startTime"] != tt.wantStart || m["endTime"] != tt.wantEnd || m["summary"] != tt.line {
			t.Errorf("%s %s: startTime %v endTime %v summary %q", tt.zone, tt.wantStart, m["startTime"], m["endTime"], m["summary"])
		}
		back, _, err := parseEventObject(body)
		if err != nil || !back.StartsAt.Equal(e.StartsAt) || back.EndsAt == nil || !back.EndsAt.Equal(end) {
			t.Errorf("%s %s: parsed back %v, %v", tt.zone, tt.wantStart, back, err)
		}
	}
}

// Our own event, rendered and put through JSON, parses back to the same event.
func TestEventRoundTrip(t *testing.T) {
	for status := range eventStatusTerms {
		e := localEvent(t)
		e.Status, e.OnlineURL, e.Capacity = status, "https://meet.example/repair", 40
		e.JoinMode, e.ExternalURL = convene.JoinExternal, "https://tickets.example/repair"
		_, body := renderEvent(t, e, EventRefs{SharedWith: []string{"https://lemmy.example/c/repair"}})
		got, p, err := parseEventObject(body)
		if err != nil {
			t.Fatalf("%s: %v", status, err)
		}
		want := *e
		want.ID, want.CommunityID, want.AccountID, want.Source = "", "", "", ""
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v", status, *got, want)
		}
		if !reflect.DeepEqual(p.Cc, []string{e.CommunityIRI, e.CommunityIRI + "/followers", "https://lemmy.example/c/repair"}) ||
			!reflect.DeepEqual(p.Organizers, []string{e.OrganizerIRI}) || !reflect.DeepEqual(p.Audience, []string{e.CommunityIRI}) {
			t.Errorf("%s: parsed %+v", status, p)
		}
	}
	open := localEvent(t)
	open.EndsAt, open.Public, open.JoinMode = nil, false, convene.JoinNone
	_, body := renderEvent(t, open, EventRefs{})
	if got, _, err := parseEventObject(body); err != nil || got.EndsAt != nil || got.Public || got.JoinMode != convene.JoinNone {
		t.Errorf("open-ended non-public event parsed back as %+v, %v", got, err)
	}
}

func readPeerFile(t testing.TB, file string) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "peers", file))
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// embeddedObject returns the object of a recorded Create as sent.
func embeddedObject(t *testing.T, file string) (*incoming, []byte) {
	t.Helper()
	a, err := parseActivity(readPeerFile(t, file))
	if err != nil || a.Object.Object == nil {
		t.Fatalf("%s: %v (object embedded: %v)", file, err, a != nil && a.Object.Object != nil)
	}
	return a, a.Object.raw
}

func TestParseRecordedMobilizonEvent(t *testing.T) {
	e, p, err := parseEventObject(readPeerFile(t, "mobilizon/event.json"))
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := 50.66881615, -3.537739788359949
	want := convene.Event{
		IRI: "https://mobilizon.example/events/b81c0531-a57c-497d-93ba-af0f8b255498", URL: "https://mobilizon.example/events/b81c0531-a57c-497d-93ba-af0f8b255498",
		OrganizerIRI: "https://mobilizon.example/@emorrp1", CommunityIRI: "https://mobilizon.example/@devon_caledonian_society",
		Title: "Caledonian scottish dance class", StartsAt: time.Date(2022, 12, 11, 19, 0, 0, 0, time.UTC), Timezone: "Europe/London",
		Place: convene.Place{Name: "The Kenn Centre", Street: "Devon Expressway", PostalCode: "EX6 7TW", Locality: "Teignbridge",
			Region: "England", Country: "United Kingdom", Latitude: &lat, Longitude: &lon},
		JoinMode: convene.JoinFree, Status: convene.EventScheduled, Category: "SPORTS", Public: true,
		PublishedAt: time.Date(2022, 9, 27, 14, 33, 14, 0, time.UTC), UpdatedAt: time.Date(2022, 9, 27, 14, 39, 18, 0, time.UTC),
	}
	end := time.Date(2022, 12, 11, 21, 0, 0, 0, time.UTC)
	want.EndsAt = &end
	want.Content = e.Content
	if !reflect.DeepEqual(*e, want) {
		t.Errorf("parsed\n %+v\nwant %+v", *e, want)
	}
	if !strings.HasPrefix(e.Content, "<p>£6 each.</p>") || !strings.Contains(e.Content, `rel="nofollow noopener noreferrer"`) || strings.Contains(e.Content, "ugc") {
		t.Errorf("content not sanitized: %s", e.Content)
	}
	if !reflect.DeepEqual(p.To, []string{convene.PublicIRI}) || !reflect.DeepEqual(p.Cc, []string{"https://mobilizon.example/@emorrp1/followers"}) {
		t.Errorf("addressing %+v", p)
	}
	if got := EventSummary(e); got != "Sun 11 Dec 2022, 19:00–21:00 Europe/London – The Kenn Centre" {
		t.Errorf("summary %q", got)
	}

	a, object := embeddedObject(t, "mobilizon/create_event.json")
	fromCreate, _, err := parseEventObject(object)
	if err != nil || !reflect.DeepEqual(fromCreate, e) {
		t.Errorf("Create's object parsed as %+v, %v", fromCreate, err)
	}
	if a.Actor.ID != e.OrganizerIRI || string(a.Type) != "Create" {
		t.Errorf("Create by %s (%s), want the organiser", a.Actor.ID, a.Type)
	}
}

func TestParseRecordedGancioEvent(t *testing.T) {
	e, p, err := parseEventObject(readPeerFile(t, "gancio/event.json"))
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := 45.02343145, 7.65609886065984
	end := time.Date(2026, 11, 21, 22, 30, 0, 0, time.UTC)
	want := convene.Event{
		IRI: "https://gancio.example/federation/m/6777", URL: "https://gancio.example/event/stanze-fredde-fest-3",
		OrganizerIRI: "https://gancio.example/federation/u/relay", Title: "Stanze Fredde Fest 3",
		Content:  "<p>Stanze Fredde è un&#39;etichetta indipendente: tre gruppi, una sera.</p>",
		StartsAt: time.Date(2026, 11, 21, 16, 0, 0, 0, time.UTC), EndsAt: &end,
		Place:     convene.Place{Name: "El Paso Occupato", Street: "Via Passo Buole, 47, Torino", Latitude: &lat, Longitude: &lon},
		OnlineURL: "https://stream.gancio.example/stanze-fredde", JoinMode: convene.JoinFree, Status: convene.EventScheduled,
		Public: true, PublishedAt: time.Date(2026, 5, 12, 20, 1, 23, 951_000_000, time.UTC),
	}
	if !reflect.DeepEqual(*e, want) {
		t.Errorf("parsed\n %+v\nwant %+v", *e, want)
	}
	if !reflect.DeepEqual(p.Cc, []string{"https://gancio.example/federation/u/relay/followers"}) {
		t.Errorf("cc %v", p.Cc)
	}
	a, object := embeddedObject(t, "gancio/create_event.json")
	fromCreate, _, err := parseEventObject(object)
	if err != nil || !reflect.DeepEqual(fromCreate, e) {
		t.Errorf("Create's object parsed as %+v, %v", fromCreate, err)
	}
	if a.Actor.ID != e.OrganizerIRI {
		t.Errorf("Create by %s, want the relay actor", a.Actor.ID)
	}
}

func TestParseRecordedMobilizonEventRSVPs(t *testing.T) {
	const ourEvent = "https://convene.test/e/01JEVENT0000000000000000000"
	var join struct {
		Message string `json:"participationMessage"`
	}
	body := readPeerFile(t, "mobilizon/join.json")
	a, err := parseActivity(body)
	if err != nil || a.Type != "Join" || a.Actor.ID != "https://mobilizon.example/@sanof44" || a.Object.ID != ourEvent {
		t.Errorf("join: %+v, %v", a, err)
	}
	if err := json.Unmarshal(body, &join); err != nil || join.Message == "" {
		t.Errorf("join has no participationMessage: %v", err)
	}
	if a, err := parseActivity(readPeerFile(t, "mobilizon/leave.json")); err != nil || a.Type != "Leave" || a.Object.ID != ourEvent {
		t.Errorf("leave: %+v, %v", a, err)
	}
	a, err = parseActivity(readPeerFile(t, "mobilizon/accept_join.json"))
	if err != nil || a.Type != "Accept" || a.Actor.ID != "https://mobilizon.example/@emorrp1" || a.Object.ID != "https://convene.test/a/01JJOINFROMCONVENE00000000" ||
		a.Object.Object == nil || a.Object.Object.Type != "Join" || a.Object.Object.Actor.ID != "https://convene.test/u/alice" {
		t.Errorf("accept: %+v, %v", a, err)
	}
}

// eventJSON is a minimal valid Event with extra properties merged in (nil deletes one).
func eventJSON(t *testing.T, extra map[string]any) []byte {
	t.Helper()
	m := map[string]any{"id": "https://peer.example/e/1", "type": "Event", "name": "Meet-up",
		"startTime": "2026-06-01T18:00:00+02:00", "attributedTo": "https://peer.example/u/bob"}
	for k, v := range extra {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return mustJSON(t, m)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseEventToleratesPeerShapes(t *testing.T) {
	for name, tt := range map[string]struct {
		extra map[string]any
		check func(e *convene.Event, p EventParsed) bool
	}{
		"virtual location first, then a Place with a string address": {map[string]any{"location": []any{
			map[string]any{"type": "VirtualLocation", "url": "https://stream.example/x"},
			map[string]any{"type": "Place", "name": "Hall", "address": "Via Roma 1, Torino", "latitude": "45.1", "longitude": "7.6"}}},
			func(e *convene.Event, _ EventParsed) bool {
				return e.OnlineURL == "https://stream.example/x" && e.Place.Name == "Hall" && e.Street == "Via Roma 1, Torino" && *e.Latitude == 45.1 && *e.Longitude == 7.6
			}},
		"Gancio's virtual location inside a Place": {map[string]any{"location": map[string]any{"type": "Place", "name": "A Virtual location",
			"address": map[string]any{"type": "VirtualLocation", "url": "https://virtual.location.org"}}},
			func(e *convene.Event, _ EventParsed) bool {
				return e.OnlineURL == "https://virtual.location.org" && e.Place.IsZero()
			}},
		"untyped location with a name": {map[string]any{"location": map[string]any{"name": "Colosseo"}},
			func(e *convene.Event, _ EventParsed) bool { return e.Place.Name == "Colosseo" }},
		"coordinates out of range": {map[string]any{"location": map[string]any{"type": "Place", "name": "X", "latitude": 91, "longitude": 10}},
			func(e *convene.Event, _ EventParsed) bool { return e.Latitude == nil && e.Longitude == nil }},
		"numeric postal code": {map[string]any{"location": map[string]any{"type": "Place", "address": map[string]any{"type": "PostalAddress", "postalCode": 8010}}},
			func(e *convene.Event, _ EventParsed) bool { return e.PostalCode == "8010" }},
		"online address in Mobilizon's Link": {map[string]any{"attachment": []any{
			map[string]any{"type": "Document", "url": "https://peer.example/banner.jpg", "mediaType": "image/jpeg"},
			map[string]any{"type": "Link", "href": "https://meet.example/a", "mediaType": "text/html", "name": "Website"}}},
			func(e *convene.Event, _ EventParsed) bool { return e.OnlineURL == "https://meet.example/a" }},
		"displayEndTime false": {map[string]any{"endTime": "2026-06-01T23:00:00+02:00", "displayEndTime": false},
			func(e *convene.Event, _ EventParsed) bool { return e.EndsAt == nil }},
		"end before start": {map[string]any{"endTime": "2026-06-01T17:00:00+02:00"},
			func(e *convene.Event, _ EventParsed) bool { return e.EndsAt == nil }},
		"wall-clock times in the event's zone": {map[string]any{"startTime": "2026-03-08T18:30:00", "timezone": "America/New_York"},
			func(e *convene.Event, _ EventParsed) bool {
				return e.StartsAt.Equal(time.Date(2026, 3, 8, 22, 30, 0, 0, time.UTC)) && e.Timezone == "America/New_York"
			}},
		"unknown time zone":    {map[string]any{"timezone": "Mars/Olympus"}, func(e *convene.Event, _ EventParsed) bool { return e.Timezone == "" }},
		"Local is not a zone":  {map[string]any{"timezone": "Local"}, func(e *convene.Event, _ EventParsed) bool { return e.Timezone == "" }},
		"invite is restricted": {map[string]any{"joinMode": "invite"}, func(e *convene.Event, _ EventParsed) bool { return e.JoinMode == convene.JoinRestricted }},
		"unknown join mode":    {map[string]any{"joinMode": "raffle"}, func(e *convene.Event, _ EventParsed) bool { return e.JoinMode == convene.JoinFree }},
		"external by mail": {map[string]any{"joinMode": "external", "externalParticipationUrl": "mailto:bob@peer.example"},
			func(e *convene.Event, _ EventParsed) bool {
				return e.JoinMode == convene.JoinExternal && e.ExternalURL == "mailto:bob@peer.example"
			}},
		"external without a usable link": {map[string]any{"joinMode": "external", "externalParticipationUrl": "javascript:alert(1)"},
			func(e *convene.Event, _ EventParsed) bool {
				return e.JoinMode == convene.JoinNone && e.ExternalURL == ""
			}},
		"schema.org status IRI": {map[string]any{"eventStatus": "https://schema.org/EventCancelled", "status": "CONFIRMED"},
			func(e *convene.Event, _ EventParsed) bool { return e.Status == convene.EventCancelled }},
		"Mobilizon status": {map[string]any{"status": "CANCELLED", "ical:status": "CONFIRMED"},
			func(e *convene.Event, _ EventParsed) bool { return e.Status == convene.EventCancelled }},
		"legacy ical:status": {map[string]any{"ical:status": "TENTATIVE"},
			func(e *convene.Event, _ EventParsed) bool { return e.Status == convene.EventTentative }},
		"categories": {map[string]any{"category": []any{"CREATIVE_JAM", "music"}},
			func(e *convene.Event, _ EventParsed) bool { return e.Category == "MUSIC" }},
		"unknown category": {map[string]any{"category": "KNITTING"}, func(e *convene.Event, _ EventParsed) bool { return e.Category == "" }},
		"public only in cc": {map[string]any{"to": []any{"https://peer.example/u/bob/followers"}, "cc": "as:Public"},
			func(e *convene.Event, _ EventParsed) bool { return !e.Public }},
		"as:Public in to": {map[string]any{"to": "as:Public"}, func(e *convene.Event, _ EventParsed) bool { return e.Public }},
		"counts as strings": {map[string]any{"maximumAttendeeCapacity": "25", "participantCount": "-3"},
			func(e *convene.Event, _ EventParsed) bool { return e.Capacity == 25 && e.AttendeeCount == 0 }},
		"absurd capacity": {map[string]any{"maximumAttendeeCapacity": 1e12},
			func(e *convene.Event, _ EventParsed) bool { return e.Capacity == maxEventCapacity }},
		"actor without attributedTo": {map[string]any{"attributedTo": nil, "actor": "https://peer.example/u/carol"},
			func(e *convene.Event, _ EventParsed) bool {
				return e.OrganizerIRI == "https://peer.example/u/carol" && e.CommunityIRI == ""
			}},
		"organizers collection as the last resort": {map[string]any{"attributedTo": nil, "organizers": map[string]any{"type": "OrganizersCollection",
			"first": map[string]any{"type": "CollectionPage", "items": []any{"https://peer.example/u/dan", map[string]any{"type": "Link", "href": "https://dan.example"}}}}},
			func(e *convene.Event, p EventParsed) bool {
				return e.OrganizerIRI == "https://peer.example/u/dan" && reflect.DeepEqual(p.Organizers, []string{"https://peer.example/u/dan", "https://dan.example"})
			}},
		"nameMap and markup": {map[string]any{"name": nil, "nameMap": map[string]any{"fr": "<b>Réunion</b> &amp; repas"}},
			func(e *convene.Event, _ EventParsed) bool { return e.Title == "Réunion & repas" }},
		"long name": {map[string]any{"name": strings.Repeat("é", 500)},
			func(e *convene.Event, _ EventParsed) bool {
				return utf8.RuneCountInString(e.Title) == convene.MaxTitleLength
			}},
		"url as a list of Links": {map[string]any{"url": []any{map[string]any{"type": "Link", "href": "https://peer.example/e/1.ics", "mediaType": "text/calendar"},
			map[string]any{"type": "Link", "href": "https://peer.example/events/meet-up", "mediaType": "text/html"}}},
			func(e *convene.Event, _ EventParsed) bool { return e.URL == "https://peer.example/events/meet-up" }},
		"no url": {map[string]any{}, func(e *convene.Event, _ EventParsed) bool { return e.URL == e.IRI }},
		"script in content": {map[string]any{"content": `<p onclick="x()">Hi<script>alert(1)</script></p>`},
			func(e *convene.Event, _ EventParsed) bool { return e.Content == "<p>Hi</p>" }},
	} {
		e, p, err := parseEventObject(eventJSON(t, tt.extra))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !tt.check(e, p) {
			t.Errorf("%s: parsed %+v (place %+v, lat %v) %+v", name, e, e.Place, e.Latitude, p)
		}
	}
}

func TestParseEventRefusesUnusableDocuments(t *testing.T) {
	for name, extra := range map[string]map[string]any{
		"no id":           {"id": nil},
		"non-http id":     {"id": "urn:uuid:1"},
		"not an Event":    {"type": "Note"},
		"no name":         {"name": nil},
		"markup only":     {"name": "<p> </p>"},
		"no start":        {"startTime": nil},
		"unreadable time": {"startTime": "next Tuesday"},
		"year 0":          {"startTime": "0000-01-01T00:00:00Z"},
	} {
		if e, _, err := parseEventObject(eventJSON(t, extra)); err == nil {
			t.Errorf("%s: accepted %+v", name, e)
		}
	}
	if _, _, err := parseEventObject([]byte(`[]`)); err == nil {
		t.Error("accepted a JSON array")
	}
}

func FuzzParseEvent(f *testing.F) {
	for _, file := range []string{"mobilizon/event.json", "gancio/event.json"} {
		f.Add(readPeerFile(f, file))
	}
	for _, file := range []string{"mobilizon/create_event.json", "gancio/create_event.json"} {
		if a, err := parseActivity(readPeerFile(f, file)); err == nil {
			f.Add([]byte(a.Object.raw))
		}
	}
	_, ours := renderEvent(f, localEvent(f), EventRefs{})
	f.Add(ours)
	f.Add([]byte(`{"id":"https://a.example/e","type":"Event","name":"x","startTime":"2026-01-01T00:00:00Z",` +
		`"location":[{"address":{"type":"VirtualLocation","url":["x"]}},"str",null,[]],"organizers":{"first":{"items":[{}]}},` +
		`"latitude":"NaN","maximumAttendeeCapacity":"Inf","displayEndTime":"false","category":[1,"ARTS"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		e, p, err := parseEventObject(body)
		if err != nil {
			return
		}
		switch {
		case e.Title == "" || utf8.RuneCountInString(e.Title) > convene.MaxTitleLength || !isHTTPURL(e.IRI):
			t.Errorf("accepted title %q id %q", e.Title, e.IRI)
		case e.StartsAt.IsZero() || (e.EndsAt != nil && !e.EndsAt.After(e.StartsAt)):
			t.Errorf("times %v – %v", e.StartsAt, e.EndsAt)
		case (e.Latitude == nil) != (e.Longitude == nil) || (e.Latitude != nil && (*e.Latitude < -90 || *e.Latitude > 90 || *e.Longitude < -180 || *e.Longitude > 180)):
			t.Errorf("coordinates %v %v", e.Latitude, e.Longitude)
		case e.Capacity < 0 || e.Capacity > maxEventCapacity || e.AttendeeCount < 0 || e.AttendeeCount > maxEventCapacity:
			t.Errorf("counts %d %d", e.Capacity, e.AttendeeCount)
		case !e.JoinMode.Valid() || !e.Status.Valid() || !convene.ValidEventCategory(e.Category):
			t.Errorf("enums %q %q %q", e.JoinMode, e.Status, e.Category)
		case len(p.To) > maxEventAddressed || len(p.Cc) > maxEventAddressed || len(p.Organizers) > maxEventOrganizer:
			t.Errorf("lists %d %d %d", len(p.To), len(p.Cc), len(p.Organizers))
		}
		for _, s := range []string{e.Name, e.Street, e.PostalCode, e.Locality, e.Region, e.Country} {
			if utf8.RuneCountInString(s) > maxEventPlace {
				t.Errorf("place field of %d characters", utf8.RuneCountInString(s))
			}
		}
		for _, s := range []string{e.URL, e.OnlineURL, e.ExternalURL, e.OrganizerIRI, e.CommunityIRI} {
			if len(s) > maxEventURL {
				t.Errorf("link of %d bytes", len(s))
			}
		}
		EventSummary(e)
		eventIRIs.EventToAS(e, EventRefs{})
	})
}

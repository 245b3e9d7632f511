package frontend

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"

	"github.com/convene-social/convene"
)

// The output is read back with emersion/go-ical, a parser independent of the
// library that writes it.

var (
	testPublished = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	testUpdated   = time.Date(2026, 2, 6, 10, 30, 0, 0, time.UTC)
	testNow       = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

func testEvent(id string) *convene.Event {
	return &convene.Event{
		ID: id, IRI: "https://convene.example/e/" + id, Title: "Event " + id,
		StartsAt: time.Date(2026, 5, 1, 17, 0, 0, 0, time.UTC), Status: convene.EventScheduled,
		Public: true, Sequence: 1, PublishedAt: testPublished, UpdatedAt: testUpdated,
	}
}

func render(t *testing.T, events ...*convene.Event) ([]byte, *ical.Calendar) {
	t.Helper()
	b, err := ICalendar(Calendar{Name: "Test", Now: testNow}, events)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, b)
	}
	return b, cal
}

// vevent finds the VEVENT whose UID is e's IRI.
func vevent(t *testing.T, cal *ical.Calendar, e *convene.Event) *ical.Component {
	t.Helper()
	for _, c := range cal.Children {
		if c.Name == ical.CompEvent && propText(t, c, ical.PropUID) == e.IRI {
			return c
		}
	}
	t.Fatalf("no VEVENT with UID %s", e.IRI)
	return nil
}

// propText is a TEXT property unescaped, "" when absent.
func propText(t *testing.T, c *ical.Component, name string) string {
	t.Helper()
	p := c.Props.Get(name)
	if p == nil {
		return ""
	}
	s, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func propRaw(c *ical.Component, name string) string {
	if p := c.Props.Get(name); p != nil {
		return p.Value
	}
	return ""
}

func TestICalendarWritesCalendarProperties(t *testing.T) {
	b, err := ICalendar(Calendar{Name: "Walks, talks; more", Description: "What we do\nin town", URL: "https://convene.example/c/walks"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"VERSION": "2.0", "PRODID": "-//Convene//Convene//EN", "CALSCALE": "GREGORIAN", "METHOD": "PUBLISH",
		"X-WR-CALNAME": "Walks, talks; more", "NAME": "Walks, talks; more",
		"X-WR-CALDESC": "What we do\nin town", "DESCRIPTION": "What we do\nin town",
		"URL": "https://convene.example/c/walks", "REFRESH-INTERVAL": "PT1H", "X-PUBLISHED-TTL": "PT1H",
	} {
		if name == "URL" || name == "REFRESH-INTERVAL" { // not TEXT
			if got := propRaw(cal.Component, name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
			continue
		}
		if got := propText(t, cal.Component, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if v := cal.Props.Get("REFRESH-INTERVAL").Params.Get("VALUE"); v != "DURATION" {
		t.Errorf("REFRESH-INTERVAL VALUE = %q", v)
	}
	if len(cal.Children) != 0 {
		t.Errorf("%d components in an empty calendar", len(cal.Children))
	}
}

func TestICalendarWritesEventFields(t *testing.T) {
	lat, lon := 52.52, 13.405
	end := time.Date(2026, 5, 1, 19, 30, 0, 0, time.UTC)
	e := testEvent("01HZ")
	e.URL = "https://convene.example/e/01HZ/page"
	e.Title = "Repair café, 2nd edition; bring tools"
	e.Content = `<p>Fix <a href="https://wiki.example/repair">what&#39;s broken</a> &amp; meet.</p><p>Kaffee, Kuchen;<br>Grüße \ Ω</p>`
	e.EndsAt = &end
	e.Timezone = "Europe/Berlin"
	e.Place = convene.Place{Name: "Nachbarschaftshaus", Street: "Urbanstraße 21", PostalCode: "10961",
		Locality: "Berlin", Country: "Germany", Latitude: &lat, Longitude: &lon}
	e.OnlineURL = "https://meet.example/repair"
	e.Category = "WORKSHOPS_SKILL_SHARING"
	e.Sequence = 7
	_, cal := render(t, e)
	v := vevent(t, cal, e)

	texts := map[string]string{
		ical.PropUID:      "https://convene.example/e/01HZ",
		ical.PropSummary:  "Repair café, 2nd edition; bring tools",
		ical.PropLocation: "Nachbarschaftshaus, Urbanstraße 21, 10961 Berlin, Germany",
		ical.PropDescription: "Fix what's broken (https://wiki.example/repair) & meet.\n\nKaffee, Kuchen;\nGrüße \\ Ω" +
			"\n\nhttps://convene.example/e/01HZ/page",
		ical.PropStatus:     "CONFIRMED",
		ical.PropCategories: "WORKSHOPS_SKILL_SHARING",
		ical.PropClass:      "PUBLIC",
	}
	for name, want := range texts {
		if got := propText(t, v, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	raws := map[string]string{
		ical.PropSequence:      "7",
		ical.PropDateTimeStamp: "20260206T103000Z",
		ical.PropCreated:       "20260105T090000Z",
		ical.PropLastModified:  "20260206T103000Z",
		ical.PropURL:           "https://convene.example/e/01HZ/page",
		ical.PropGeo:           "52.52;13.405",
		"CONFERENCE":           "https://meet.example/repair",
		ical.PropDateTimeStart: "20260501T190000",
		ical.PropDateTimeEnd:   "20260501T213000",
	}
	for name, want := range raws {
		if got := propRaw(v, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{ical.PropDateTimeStart, ical.PropDateTimeEnd} {
		if tz := v.Props.Get(name).Params.Get(ical.PropTimezoneID); tz != "Europe/Berlin" {
			t.Errorf("%s TZID = %q", name, tz)
		}
	}
	geo := strings.Split(propRaw(v, ical.PropGeo), ";")
	if gotLat, _ := strconv.ParseFloat(geo[0], 64); gotLat != lat {
		t.Errorf("GEO latitude %v", gotLat)
	}
	if gotLon, _ := strconv.ParseFloat(geo[1], 64); gotLon != lon {
		t.Errorf("GEO longitude %v", gotLon)
	}
}

func TestICalendarUsesIRIWhenEventHasNoURL(t *testing.T) {
	e := testEvent("a")
	_, cal := render(t, e)
	v := vevent(t, cal, e)
	if got := propRaw(v, ical.PropURL); got != e.IRI {
		t.Errorf("URL = %q", got)
	}
	if got := propText(t, v, ical.PropDescription); got != e.IRI {
		t.Errorf("DESCRIPTION = %q, want just the link", got)
	}
}

func TestICalendarMarksFollowersOnlyEventsPrivate(t *testing.T) {
	e := testEvent("f")
	e.Public = false
	_, cal := render(t, e)
	if got := propText(t, vevent(t, cal, e), ical.PropClass); got != "PRIVATE" {
		t.Errorf("CLASS = %q", got)
	}
}

func TestICalendarRoundTripsSpecialCharacters(t *testing.T) {
	nasty := "a,b;c\\d\ne:f \"q\" — 日本語 🎉 Ünïcødé"
	e := testEvent("x")
	e.Title = nasty
	e.Content = "<p>" + strings.ReplaceAll(nasty, "\n", "<br>") + "</p>"
	e.Place = convene.Place{Name: "Café; Bar, \\Zum Ω"}
	_, cal := render(t, e)
	v := vevent(t, cal, e)
	if got := propText(t, v, ical.PropSummary); got != nasty {
		t.Errorf("SUMMARY = %q, want %q", got, nasty)
	}
	if got, want := propText(t, v, ical.PropDescription), nasty+"\n\n"+e.IRI; got != want {
		t.Errorf("DESCRIPTION = %q, want %q", got, want)
	}
	if got := propText(t, v, ical.PropLocation); got != "Café; Bar, \\Zum Ω" {
		t.Errorf("LOCATION = %q", got)
	}
}

func TestICalendarDropsControlCharacters(t *testing.T) {
	e := testEvent("c")
	e.Title = "one\r\ntwo\rthree\x00\x1b\u0085four\tfive\xff"
	b, cal := render(t, e)
	if got, want := propText(t, vevent(t, cal, e), ical.PropSummary), "one\ntwo\nthreefour\tfive\uFFFD"; got != want {
		t.Errorf("SUMMARY = %q, want %q", got, want)
	}
	checkContentLines(t, b)
}

func TestICalendarFoldsLinesAt75Octets(t *testing.T) {
	e := testEvent("long")
	e.Title = strings.Repeat("日本語🎉é, ", 30) + strings.Repeat("x", 200)
	e.Content = "<p>" + strings.Repeat("Straße ", 60) + "</p>"
	b, cal := render(t, e)
	folded := checkContentLines(t, b)
	if folded == 0 {
		t.Fatal("no line was folded")
	}
	if got := propText(t, vevent(t, cal, e), ical.PropSummary); got != e.Title {
		t.Errorf("SUMMARY after unfolding = %q", got)
	}
}

// checkContentLines checks RFC 5545 §3.1 on raw output: CRLF line ends, lines of at
// most 75 octets, each valid UTF-8 (a fold never splits a character). It returns the
// number of continuation lines.
func checkContentLines(t *testing.T, b []byte) int {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Error("output does not end with CRLF")
	}
	folded := 0
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d is not valid UTF-8: %q", i+1, line)
		}
		if strings.HasPrefix(line, " ") {
			folded++
		}
	}
	return folded
}

func TestICalendarMapsStatus(t *testing.T) {
	deleted := time.Date(2026, 2, 20, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		status  convene.EventStatus
		deleted bool
		want    string
	}{
		{convene.EventScheduled, false, "CONFIRMED"},
		{convene.EventRescheduled, false, "CONFIRMED"},
		{convene.EventMovedOnline, false, "CONFIRMED"},
		{convene.EventTentative, false, "TENTATIVE"},
		{convene.EventPostponed, false, "TENTATIVE"},
		{convene.EventCancelled, false, "CANCELLED"},
		{convene.EventScheduled, true, "CANCELLED"},
		{convene.EventTentative, true, "CANCELLED"},
	}
	for _, tt := range tests {
		e := testEvent(string(tt.status))
		e.Status = tt.status
		e.Sequence = 4
		if tt.deleted {
			e.DeletedAt = &deleted
			e.Title, e.Content = "", "" // as TombstoneEvent leaves it
		}
		_, cal := render(t, e)
		v := vevent(t, cal, e)
		if got := propText(t, v, ical.PropStatus); got != tt.want {
			t.Errorf("%s (deleted %v): STATUS = %q, want %q", tt.status, tt.deleted, got, tt.want)
		}
		if got := propRaw(v, ical.PropSequence); got != "4" {
			t.Errorf("%s (deleted %v): SEQUENCE = %q, want the stored 4", tt.status, tt.deleted, got)
		}
		if tt.deleted && propRaw(v, ical.PropLastModified) != "20260220T080000Z" {
			t.Errorf("deleted event LAST-MODIFIED = %q, want the deletion time", propRaw(v, ical.PropLastModified))
		}
	}
}

func TestICalendarOmitsDTENDForOpenEnd(t *testing.T) {
	e := testEvent("open")
	_, cal := render(t, e)
	v := vevent(t, cal, e)
	if v.Props.Get(ical.PropDateTimeEnd) != nil || v.Props.Get(ical.PropDuration) != nil {
		t.Error("an open-ended event has an end")
	}
	if got := propRaw(v, ical.PropDateTimeStart); got != "20260501T170000Z" {
		t.Errorf("DTSTART = %q, want UTC for an event without a zone", got)
	}
}

func TestICalendarWritesLocation(t *testing.T) {
	tests := []struct {
		name   string
		place  convene.Place
		online string
		status convene.EventStatus
		want   string
	}{
		{"only some parts", convene.Place{Locality: "Lyon", Country: "France"}, "", convene.EventScheduled, "Lyon, France"},
		{"postal code and region", convene.Place{Name: "Hall", PostalCode: "02139", Locality: "Cambridge", Region: "MA"}, "", convene.EventScheduled, "Hall, 02139 Cambridge, MA"},
		{"online only", convene.Place{}, "https://meet.example/x", convene.EventScheduled, "https://meet.example/x"},
		{"hybrid", convene.Place{Name: "Hall"}, "https://meet.example/x", convene.EventScheduled, "Hall"},
		{"moved online", convene.Place{Name: "Hall"}, "https://meet.example/x", convene.EventMovedOnline, "https://meet.example/x"},
		{"nowhere", convene.Place{}, "", convene.EventScheduled, ""},
	}
	for _, tt := range tests {
		e := testEvent("loc")
		e.Place, e.OnlineURL, e.Status = tt.place, tt.online, tt.status
		_, cal := render(t, e)
		v := vevent(t, cal, e)
		if got := propText(t, v, ical.PropLocation); got != tt.want {
			t.Errorf("%s: LOCATION = %q, want %q", tt.name, got, tt.want)
		}
		if v.Props.Get(ical.PropGeo) != nil {
			t.Errorf("%s: GEO without coordinates", tt.name)
		}
	}
}

func TestICalendarIsStableForUnchangedEvents(t *testing.T) {
	events := []*convene.Event{testEvent("a"), testEvent("b")}
	events[1].Timezone = "America/New_York"
	first, err := ICalendar(Calendar{Name: "x", Now: testNow}, events)
	if err != nil {
		t.Fatal(err)
	}
	later, err := ICalendar(Calendar{Name: "x", Now: testNow.Add(48 * time.Hour)}, events)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, later) {
		t.Error("output changed with the clock")
	}
}

func TestICalendarRejectsEventWithoutIRI(t *testing.T) {
	e := testEvent("x")
	e.IRI = ""
	if _, err := ICalendar(Calendar{}, []*convene.Event{e}); err == nil {
		t.Error("no error for an event without a UID")
	}
}

// TestICalendarSingleEvent shows a whole calendar for one event without a zone.
func TestICalendarSingleEvent(t *testing.T) {
	end := time.Date(2026, 5, 1, 19, 0, 0, 0, time.UTC)
	e := testEvent("01J0")
	e.Title = "Picnic"
	e.Content = "<p>Bring a blanket.</p>"
	e.EndsAt = &end
	e.Place = convene.Place{Name: "Park"}
	e.Category = "OUTDOORS_ADVENTURE"
	b, err := ICalendar(Calendar{Name: "Picnics"}, []*convene.Event{e})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//Convene//Convene//EN",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"NAME:Picnics",
		"X-WR-CALNAME:Picnics",
		"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
		"X-PUBLISHED-TTL:PT1H",
		"BEGIN:VEVENT",
		"UID:https://convene.example/e/01J0",
		"SEQUENCE:1",
		"DTSTAMP:20260206T103000Z",
		"CREATED:20260105T090000Z",
		"LAST-MODIFIED:20260206T103000Z",
		"DTSTART:20260501T170000Z",
		"DTEND:20260501T190000Z",
		"SUMMARY:Picnic",
		`DESCRIPTION:Bring a blanket.\n\nhttps://convene.example/e/01J0`,
		"LOCATION:Park",
		"URL:https://convene.example/e/01J0",
		"STATUS:CONFIRMED",
		"CATEGORIES:OUTDOORS_ADVENTURE",
		"CLASS:PUBLIC",
		"END:VEVENT",
		"END:VCALENDAR",
		"",
	}, "\r\n")
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
}

// zoneRule is one STANDARD or DAYLIGHT block of a parsed VTIMEZONE.
type zoneRule struct {
	kind     string
	onset    string    // DTSTART as written: local time before the transition
	at       time.Time // the transition's instant
	from, to int       // offsets in seconds
	name     string
}

// parsedZone reads the VTIMEZONE for tzid from the output, in onset order.
func parsedZone(t *testing.T, cal *ical.Calendar, tzid string) []zoneRule {
	t.Helper()
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone || propText(t, c, ical.PropTimezoneID) != tzid {
			continue
		}
		var rules []zoneRule
		for _, sub := range c.Children {
			r := zoneRule{kind: sub.Name, onset: propRaw(sub, ical.PropDateTimeStart), name: propText(t, sub, ical.PropTimezoneName),
				from: parseOffset(t, propRaw(sub, ical.PropTimezoneOffsetFrom)), to: parseOffset(t, propRaw(sub, ical.PropTimezoneOffsetTo))}
			local, err := time.Parse("20060102T150405", r.onset)
			if err != nil {
				t.Fatalf("%s onset: %v", tzid, err)
			}
			r.at = local.Add(-time.Duration(r.from) * time.Second)
			rules = append(rules, r)
		}
		slices.SortFunc(rules, func(a, b zoneRule) int { return a.at.Compare(b.at) })
		return rules
	}
	t.Fatalf("no VTIMEZONE %s", tzid)
	return nil
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		t.Fatalf("bad UTC offset %q", s)
	}
	n := func(i int) int {
		v, err := strconv.Atoi(s[i : i+2])
		if err != nil {
			t.Fatalf("bad UTC offset %q", s)
		}
		return v
	}
	sec := n(1)*3600 + n(3)*60
	if len(s) == 7 {
		sec += n(5)
	}
	if s[0] == '-' {
		sec = -sec
	}
	return sec
}

// offsetAt is the offset in force at instant u.
func offsetAt(rules []zoneRule, u time.Time) int {
	off := rules[0].from
	for _, r := range rules {
		if r.at.After(u) {
			break
		}
		off = r.to
	}
	return off
}

// resolve turns a wall-clock time into an instant with the rules alone, as a client
// without a tz database does: of the offsets that fit, the earliest instant wins, as
// RFC 5545 §3.3.5 reads a repeated local time as its first occurrence.
func resolve(t *testing.T, rules []zoneRule, wall string) time.Time {
	t.Helper()
	local, err := time.Parse("20060102T150405", wall)
	if err != nil {
		t.Fatal(err)
	}
	var found []time.Time
	for _, r := range rules {
		for _, off := range []int{r.from, r.to} {
			u := local.Add(-time.Duration(off) * time.Second)
			if offsetAt(rules, u) == off {
				found = append(found, u)
			}
		}
	}
	if len(found) == 0 {
		t.Fatalf("local time %s does not exist in the zone", wall)
	}
	return slices.MinFunc(found, func(a, b time.Time) int { return a.Compare(b) })
}

// instant reads a DATE-TIME property through the calendar's own VTIMEZONEs.
func instant(t *testing.T, cal *ical.Calendar, p *ical.Prop) time.Time {
	t.Helper()
	if strings.HasSuffix(p.Value, "Z") {
		u, err := time.Parse("20060102T150405Z", p.Value)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	return resolve(t, parsedZone(t, cal, p.Params.Get(ical.PropTimezoneID)), p.Value)
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestICalendarKeepsWallClockOnDSTChangeDays(t *testing.T) {
	london, newYork := mustZone(t, "Europe/London"), mustZone(t, "America/New_York")
	tests := []struct {
		name     string
		zone     string
		start    time.Time
		wantTZID string // "" for UTC
		wantWall string
	}{
		{"London spring 00:30, before the change", "Europe/London", time.Date(2026, 3, 29, 0, 30, 0, 0, london), "Europe/London", "20260329T003000"},
		// 01:30 does not exist that night; Go moves it to 02:30 BST, and that is what was stored.
		{"London spring 01:30, skipped", "Europe/London", time.Date(2026, 3, 29, 1, 30, 0, 0, london), "Europe/London", "20260329T023000"},
		{"London spring evening", "Europe/London", time.Date(2026, 3, 29, 18, 30, 0, 0, london), "Europe/London", "20260329T183000"},
		{"London autumn 01:30 BST, first pass", "Europe/London", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), "Europe/London", "20261025T013000"},
		// The second 01:30 (GMT, where Go puts time.Date's 01:30) would be read as the
		// first, an hour early, so it is written in UTC.
		{"London autumn 01:30 GMT, second pass", "Europe/London", time.Date(2026, 10, 25, 1, 30, 0, 0, london), "", "20261025T013000Z"},
		{"London autumn evening", "Europe/London", time.Date(2026, 10, 25, 18, 30, 0, 0, london), "Europe/London", "20261025T183000"},
		{"New York spring morning", "America/New_York", time.Date(2026, 3, 8, 9, 0, 0, 0, newYork), "America/New_York", "20260308T090000"},
		{"New York spring evening", "America/New_York", time.Date(2026, 3, 8, 18, 30, 0, 0, newYork), "America/New_York", "20260308T183000"},
		{"New York autumn morning", "America/New_York", time.Date(2026, 11, 1, 9, 0, 0, 0, newYork), "America/New_York", "20261101T090000"},
		{"New York autumn evening", "America/New_York", time.Date(2026, 11, 1, 18, 30, 0, 0, newYork), "America/New_York", "20261101T183000"},
	}
	var events []*convene.Event
	for i, tt := range tests {
		e := testEvent("dst" + strconv.Itoa(i))
		e.StartsAt = tt.start.UTC() // as stored
		end := e.StartsAt.Add(150 * time.Minute)
		e.EndsAt = &end
		e.Timezone = tt.zone
		events = append(events, e)
	}
	_, cal := render(t, events...) // one calendar: the zones cover all of them at once
	for i, tt := range tests {
		v := vevent(t, cal, events[i])
		start := v.Props.Get(ical.PropDateTimeStart)
		if start.Value != tt.wantWall || start.Params.Get(ical.PropTimezoneID) != tt.wantTZID {
			t.Errorf("%s: DTSTART;TZID=%s:%s, want TZID=%s:%s", tt.name, start.Params.Get(ical.PropTimezoneID), start.Value, tt.wantTZID, tt.wantWall)
		}
		if got := instant(t, cal, start); !got.Equal(events[i].StartsAt) {
			t.Errorf("%s: DTSTART resolves to %s, stored %s", tt.name, got, events[i].StartsAt)
		}
		if got := instant(t, cal, v.Props.Get(ical.PropDateTimeEnd)); !got.Equal(*events[i].EndsAt) {
			t.Errorf("%s: DTEND resolves to %s, stored %s", tt.name, got, *events[i].EndsAt)
		}
	}
}

func TestVTimezoneHasTheActualTransitions(t *testing.T) {
	london, newYork := testEvent("lon"), testEvent("nyc")
	london.Timezone, newYork.Timezone = "Europe/London", "America/New_York"
	london.StartsAt = time.Date(2026, 7, 1, 18, 0, 0, 0, time.UTC)
	newYork.StartsAt = time.Date(2026, 7, 1, 22, 0, 0, 0, time.UTC)
	_, cal := render(t, london, newYork)
	tests := []struct {
		tzid string
		want []zoneRule
	}{
		{"Europe/London", []zoneRule{
			{kind: "STANDARD", onset: "20241027T020000", from: 3600, to: 0, name: "GMT"}, // in force on 1 Jan 2025
			{kind: "DAYLIGHT", onset: "20250330T010000", from: 0, to: 3600, name: "BST"},
			{kind: "STANDARD", onset: "20251026T020000", from: 3600, to: 0, name: "GMT"},
			{kind: "DAYLIGHT", onset: "20260329T010000", from: 0, to: 3600, name: "BST"},
			{kind: "STANDARD", onset: "20261025T020000", from: 3600, to: 0, name: "GMT"},
			{kind: "DAYLIGHT", onset: "20270328T010000", from: 0, to: 3600, name: "BST"},
			{kind: "STANDARD", onset: "20271031T020000", from: 3600, to: 0, name: "GMT"},
		}},
		{"America/New_York", []zoneRule{
			{kind: "STANDARD", onset: "20241103T020000", from: -4 * 3600, to: -5 * 3600, name: "EST"},
			{kind: "DAYLIGHT", onset: "20250309T020000", from: -5 * 3600, to: -4 * 3600, name: "EDT"},
			{kind: "STANDARD", onset: "20251102T020000", from: -4 * 3600, to: -5 * 3600, name: "EST"},
			{kind: "DAYLIGHT", onset: "20260308T020000", from: -5 * 3600, to: -4 * 3600, name: "EDT"},
			{kind: "STANDARD", onset: "20261101T020000", from: -4 * 3600, to: -5 * 3600, name: "EST"},
			{kind: "DAYLIGHT", onset: "20270314T020000", from: -5 * 3600, to: -4 * 3600, name: "EDT"},
			{kind: "STANDARD", onset: "20271107T020000", from: -4 * 3600, to: -5 * 3600, name: "EST"},
		}},
	}
	for _, tt := range tests {
		got := parsedZone(t, cal, tt.tzid)
		if len(got) != len(tt.want) {
			t.Errorf("%s: %d blocks, want %d: %+v", tt.tzid, len(got), len(tt.want), got)
			continue
		}
		for i, w := range tt.want {
			g := got[i]
			if g.kind != w.kind || g.onset != w.onset || g.from != w.from || g.to != w.to || g.name != w.name {
				t.Errorf("%s block %d = %s %s %d→%d %s, want %s %s %d→%d %s", tt.tzid, i,
					g.kind, g.onset, g.from, g.to, g.name, w.kind, w.onset, w.from, w.to, w.name)
			}
		}
	}
}

func TestVTimezoneSpansTheEventsYears(t *testing.T) {
	early, late := testEvent("early"), testEvent("late")
	early.Timezone, late.Timezone = "Europe/Paris", "Europe/Paris"
	early.StartsAt = time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)
	late.StartsAt = time.Date(2029, 6, 1, 10, 0, 0, 0, time.UTC)
	_, cal := render(t, early, late)
	rules := parsedZone(t, cal, "Europe/Paris")
	if first := rules[0].at; first.After(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first onset %s is after the year before the earliest event", first)
	}
	if last := rules[len(rules)-1].at; last.Before(time.Date(2030, 10, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("last onset %s is before the year after the latest event ends", last)
	}
	if last := rules[len(rules)-1].at; last.After(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("last onset %s is past the year after the latest event", last)
	}
}

func TestICalendarWritesOneVTimezonePerZone(t *testing.T) {
	zones := []string{"Europe/London", "America/New_York", "Europe/London", "Asia/Tokyo", "", "UTC", "Local", "Mars/Olympus_Mons", "America/New_York"}
	var events []*convene.Event
	for i, z := range zones {
		e := testEvent("z" + strconv.Itoa(i))
		e.Timezone = z
		events = append(events, e)
	}
	_, cal := render(t, events...)
	var tzids []string
	for _, c := range cal.Children {
		if c.Name == ical.CompTimezone {
			tzids = append(tzids, propText(t, c, ical.PropTimezoneID))
		}
	}
	if want := []string{"America/New_York", "Asia/Tokyo", "Europe/London"}; !slices.Equal(tzids, want) {
		t.Errorf("VTIMEZONEs %v, want %v", tzids, want)
	}
	if cal.Children[0].Name != ical.CompTimezone {
		t.Error("VTIMEZONEs do not come before the events")
	}
	for i, z := range zones {
		start := vevent(t, cal, events[i]).Props.Get(ical.PropDateTimeStart)
		if z == "" || z == "UTC" || z == "Local" || strings.HasPrefix(z, "Mars") {
			if start.Value != "20260501T170000Z" || start.Params.Get(ical.PropTimezoneID) != "" {
				t.Errorf("zone %q: DTSTART %v, want UTC", z, start)
			}
		} else if start.Params.Get(ical.PropTimezoneID) != z {
			t.Errorf("zone %q: DTSTART TZID %q", z, start.Params.Get(ical.PropTimezoneID))
		}
	}
}

func TestVTimezoneWithoutDST(t *testing.T) {
	tests := []struct {
		zone string
		want zoneRule
	}{
		{"Asia/Tokyo", zoneRule{kind: "STANDARD", onset: "19510909T010000", from: 10 * 3600, to: 9 * 3600, name: "JST"}},
		{"Etc/GMT+5", zoneRule{kind: "STANDARD", onset: "20360101T000000", from: -5 * 3600, to: -5 * 3600, name: "-05"}},
		// Go reports a zone bound in 2038, where the transition table ends; nothing changes there.
		{"America/Sao_Paulo", zoneRule{kind: "STANDARD", onset: "20190217T000000", from: -2 * 3600, to: -3 * 3600, name: "-03"}},
	}
	for _, tt := range tests {
		e := testEvent("nodst")
		e.Timezone = tt.zone
		e.StartsAt = time.Date(2037, 12, 1, 12, 0, 0, 0, time.UTC)
		_, cal := render(t, e)
		got := parsedZone(t, cal, tt.zone)
		if len(got) != 1 {
			t.Errorf("%s: %d blocks, want one: %+v", tt.zone, len(got), got)
			continue
		}
		g := got[0]
		if g.kind != tt.want.kind || g.onset != tt.want.onset || g.from != tt.want.from || g.to != tt.want.to || g.name != tt.want.name {
			t.Errorf("%s: %+v, want %+v", tt.zone, g, tt.want)
		}
	}
}

func TestVTimezoneCallsTheLaterOffsetDaylightInDublin(t *testing.T) {
	// tzdata flags Irish winter time as DST (negative DST); clients expect DAYLIGHT to be
	// the later offset, as the rearguard data has it.
	e := testEvent("dub")
	e.Timezone = "Europe/Dublin"
	_, cal := render(t, e)
	for _, r := range parsedZone(t, cal, "Europe/Dublin") {
		want := "STANDARD"
		if r.to > r.from {
			want = "DAYLIGHT"
		}
		if r.kind != want {
			t.Errorf("%s %d→%d: %s, want %s", r.onset, r.from, r.to, r.kind, want)
		}
	}
}

func FuzzICalendarText(f *testing.F) {
	f.Add("Quiz, night; \\ 1", "<p>a<br>b</p>")
	f.Add(strings.Repeat("é🎉", 50), `<a href="https://x.example/">x</a>`)
	f.Add("\r\n\x00\u0085", "<pre>\r\n  x</pre>")
	f.Fuzz(func(t *testing.T, title, content string) {
		e := testEvent("fz")
		e.Title, e.Content, e.Place.Name = title, content, title
		b, err := ICalendar(Calendar{Name: title, Description: content}, []*convene.Event{e})
		if err != nil {
			t.Fatal(err)
		}
		checkContentLines(t, b)
		cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
		if err != nil {
			t.Fatalf("parse: %v\n%q", err, b)
		}
		if got, want := propText(t, vevent(t, cal, e), ical.PropSummary), icalText(title); got != want {
			t.Errorf("SUMMARY = %q, want %q", got, want)
		}
	})
}

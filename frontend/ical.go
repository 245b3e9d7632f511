package frontend

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"

	"github.com/convene-social/convene"
)

// Calendar describes an iCalendar feed as calendar clients show the subscription.
type Calendar struct {
	Name        string // NAME and X-WR-CALNAME
	Description string // DESCRIPTION and X-WR-CALDESC
	URL         string // the page that lists these events
	// Now stamps events that carry no update time; every other value in the output
	// comes from the events, so an unchanged calendar serializes to the same bytes.
	Now time.Time
}

const (
	// localLayout is a DATE-TIME in local time: with a TZID, or as a VTIMEZONE onset.
	localLayout = "20060102T150405"
	utcLayout   = "20060102T150405Z"
	// The years a VTIMEZONE may describe. Events outside them still carry their TZID;
	// clients without a tz database apply the nearest observance.
	minZoneYear, maxZoneYear = 1970, 2100
	// maxTransitions bounds the scan of one zone, a guard against a broken tz
	// database: the whole year range with two changes a year is about 260.
	maxTransitions = 1000
)

// ICalendar renders events as an RFC 5545 calendar for subscription (METHOD:PUBLISH):
// one VEVENT per event, deleted ones as cancelled so that clients drop them, and a
// VTIMEZONE for every zone the events are shown in, so that clients without a tz
// database still show the right wall-clock times.
func ICalendar(cal Calendar, events []*convene.Event) ([]byte, error) {
	c := ics.NewCalendarFor("Convene")
	c.SetProductId("-//Convene//Convene//EN")
	c.SetCalscale("GREGORIAN")
	c.SetMethod(ics.MethodPublish)
	if cal.Name != "" {
		c.SetName(icalText(cal.Name)) // sets X-WR-CALNAME too
	}
	if cal.Description != "" {
		c.SetDescription(icalText(cal.Description))
		c.SetXWRCalDesc(icalText(cal.Description))
	}
	if cal.URL != "" {
		c.SetUrl(icalLine(cal.URL))
	}
	c.SetRefreshInterval("PT1H") // the library's property name carries VALUE=DURATION
	c.SetXPublishedTTL("PT1H")

	zones := zoneUses{}
	vevents := make([]ics.Component, 0, len(events))
	for _, e := range events {
		if e == nil {
			return nil, fmt.Errorf("ical: nil event")
		}
		if e.IRI == "" {
			return nil, fmt.Errorf("ical: event %s has no IRI for its UID", e.ID)
		}
		vevents = append(vevents, eventToVEvent(e, cal.Now, zones))
	}
	// Zones go first, where common producers put them, so a one-pass parser knows a
	// TZID before it meets it.
	c.Components = append(zones.vtimezones(), vevents...)

	var b bytes.Buffer
	// The library ends lines with a bare LF unless told otherwise; RFC 5545 wants CRLF.
	if err := c.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("ical: %w", err)
	}
	return b.Bytes(), nil
}

// eventToVEvent converts one event, noting in zones the time zones it refers to.
func eventToVEvent(e *convene.Event, now time.Time, zones zoneUses) *ics.VEvent {
	v := ics.NewEvent(icalLine(e.IRI))
	v.SetSequence(e.Sequence)
	modified := e.UpdatedAt
	if e.DeletedAt != nil && e.DeletedAt.After(modified) {
		modified = *e.DeletedAt
	}
	stamp := modified
	if stamp.IsZero() {
		stamp = e.PublishedAt
	}
	if stamp.IsZero() {
		stamp = now
	}
	v.SetDtStampTime(stamp)
	if !e.PublishedAt.IsZero() {
		v.SetCreatedTime(e.PublishedAt)
	}
	if !modified.IsZero() {
		v.SetModifiedAt(modified)
	}

	loc := eventZone(e.Timezone)
	setEventTime(v, ics.ComponentPropertyDtStart, e.StartsAt, loc, zones)
	if e.EndsAt != nil {
		setEventTime(v, ics.ComponentPropertyDtEnd, *e.EndsAt, loc, zones)
	}

	v.SetSummary(icalText(e.Title))
	link := e.URL
	if link == "" {
		link = e.IRI
	}
	if d := joinNonEmpty("\n\n", htmlText(e.Content), link); d != "" {
		v.SetDescription(icalText(d))
	}
	if l := eventLocation(e); l != "" {
		v.SetLocation(icalText(l))
	}
	if e.Latitude != nil && e.Longitude != nil {
		v.SetProperty(ics.ComponentPropertyGeo, strconv.FormatFloat(*e.Latitude, 'f', -1, 64)+";"+
			strconv.FormatFloat(*e.Longitude, 'f', -1, 64))
	}
	if e.OnlineURL != "" {
		// RFC 7986: how to join; clients that know it show a join button.
		v.SetProperty(ics.ComponentProperty("CONFERENCE"), icalLine(e.OnlineURL), ics.WithValue(string(ics.ValueDataTypeUri)))
	}
	v.SetURL(icalLine(link))
	v.SetStatus(eventStatus(e))
	if e.Category != "" {
		v.AddCategory(icalLine(e.Category))
	}
	if e.Public { // an event addressed to followers only is not for everyone's eyes
		v.SetClass(ics.ClassificationPublic)
	} else {
		v.SetClass(ics.ClassificationPrivate)
	}
	return v
}

// eventStatus maps FEP-8a8e's statuses onto the three RFC 5545 has for events. A
// postponed event has no settled date, so it is tentative.
func eventStatus(e *convene.Event) ics.ObjectStatus {
	if e.DeletedAt != nil {
		return ics.ObjectStatusCancelled
	}
	switch e.Status {
	case convene.EventCancelled:
		return ics.ObjectStatusCancelled
	case convene.EventTentative, convene.EventPostponed:
		return ics.ObjectStatusTentative
	}
	return ics.ObjectStatusConfirmed
}

// eventLocation is the place on one line, or the online address when the event has
// no place or has moved online.
func eventLocation(e *convene.Event) string {
	if e.OnlineURL != "" && e.Status == convene.EventMovedOnline {
		return e.OnlineURL
	}
	p := e.Place
	place := joinNonEmpty(", ", p.Name, p.Street, joinNonEmpty(" ", p.PostalCode, p.Locality), p.Region, p.Country)
	if place == "" {
		return e.OnlineURL
	}
	return place
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// eventZone is the zone an event's times are written in, nil for UTC: no zone, an
// unknown one, UTC itself, or "Local", which LoadLocation accepts but means the
// server's zone.
func eventZone(name string) *time.Location {
	if name == "" || name == "UTC" || name == "Local" {
		return nil
	}
	loc, err := convene.LoadZone(name)
	if err != nil {
		return nil
	}
	return loc
}

// setEventTime sets a DATE-TIME as the wall-clock time in loc with a TZID, or in UTC
// when there is no zone or the wall-clock time would name another instant.
func setEventTime(v *ics.VEvent, prop ics.ComponentProperty, t time.Time, loc *time.Location, zones zoneUses) {
	if loc != nil {
		if wall, ok := wallClock(t, loc); ok {
			v.SetProperty(prop, wall, ics.WithTZID(loc.String()))
			zones.add(loc, t)
			return
		}
	}
	v.SetProperty(prop, t.UTC().Format(utcLayout))
}

// wallClock formats t in loc. ok is false when t falls in the hour repeated as clocks
// go back and is its second pass: RFC 5545 §3.3.5 reads a repeated local time as its
// first occurrence, so that wall-clock time would be an hour early.
func wallClock(t time.Time, loc *time.Location) (wall string, ok bool) {
	lt := t.In(loc)
	wall = lt.Format(localLayout)
	start, _ := lt.ZoneBounds()
	if start.IsZero() {
		return wall, true
	}
	_, off := lt.Zone()
	_, prev := start.Add(-time.Nanosecond).In(loc).Zone()
	if prev <= off {
		return wall, true
	}
	earlier := t.Add(-time.Duration(prev-off) * time.Second)
	return wall, !(earlier.Before(start) && earlier.In(loc).Format(localLayout) == wall)
}

// zoneUses collects, per zone name, the zone and the years of the times written in it.
type zoneUses map[string]*zoneUse

type zoneUse struct {
	loc         *time.Location
	first, last int // years, local
}

func (z zoneUses) add(loc *time.Location, t time.Time) {
	y := t.In(loc).Year()
	u := z[loc.String()]
	if u == nil {
		z[loc.String()] = &zoneUse{loc: loc, first: y, last: y}
		return
	}
	u.first, u.last = min(u.first, y), max(u.last, y)
}

// vtimezones builds a VTIMEZONE per zone, sorted by TZID so the output is stable.
func (z zoneUses) vtimezones() []ics.Component {
	names := make([]string, 0, len(z))
	for name := range z {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]ics.Component, 0, len(names))
	for _, name := range names {
		u := z[name]
		first := max(minZoneYear, min(maxZoneYear, u.first-1))
		last := max(minZoneYear, min(maxZoneYear, u.last+1))
		from := time.Date(first, time.January, 1, 0, 0, 0, 0, u.loc)
		to := time.Date(last+1, time.January, 1, 0, 0, 0, 0, u.loc)
		out = append(out, vtimezone(u.loc, observances(u.loc, from, to)))
	}
	return out
}

// observance is a period of a zone's time, from the transition that began it.
type observance struct {
	onset    time.Time // the instant of the transition
	from, to int       // UTC offsets in seconds before and after it
	name     string    // the abbreviation after it
	daylight bool
}

// observances lists the periods of loc that cover [from, to): the one in force at from,
// with the transition that began it, and then every transition before to, found with
// ZoneBounds in Go's own tz database.
func observances(loc *time.Location, from, to time.Time) []observance {
	t := from.In(loc)
	start, end := t.ZoneBounds()
	name, off := t.Zone()
	first := observance{onset: start, from: off, to: off, name: name}
	if start.IsZero() { // a zone that never changes: an onset at the start of the range
		first.onset = from
	} else {
		before := start.Add(-time.Nanosecond).In(loc)
		_, first.from = before.Zone()
		first.daylight = isDaylight(first.from, off, before.IsDST(), t.IsDST())
	}
	obs := []observance{first}
	for i := 0; !end.IsZero() && end.Before(to) && i < maxTransitions; i++ {
		prev := obs[len(obs)-1]
		before, after := end.Add(-time.Nanosecond).In(loc), end.In(loc)
		name, off := after.Zone()
		// Go reports a bound where nothing visible changes at the end of a zone's
		// transition table (2038 for America/Sao_Paulo); it is no observance.
		if off != prev.to || name != prev.name {
			obs = append(obs, observance{onset: end, from: prev.to, to: off, name: name,
				daylight: isDaylight(prev.to, off, before.IsDST(), after.IsDST())})
		}
		_, next := after.ZoneBounds()
		if !next.After(end) {
			break
		}
		end = next
	}
	return obs
}

// isDaylight reports whether a transition begins daylight time: clocks go forward
// and one side of it is flagged DST. Going by the direction rather than the flag alone
// keeps Europe/Dublin's negative DST (tzdata flags Irish winter time as DST) from
// making winter DAYLIGHT: older software takes DAYLIGHT to be the later offset, which
// is why tzdata still ships its "rearguard" format.
func isDaylight(from, to int, dstBefore, dstAfter bool) bool {
	return to > from && (dstBefore || dstAfter)
}

// vtimezone writes a zone's observances, each with its own onset: no RRULE, so the
// rules of every year are exactly those of Go's database.
func vtimezone(loc *time.Location, obs []observance) *ics.VTimezone {
	tz := ics.NewTimezone(loc.String())
	for _, o := range obs {
		var sub ics.ComponentBase
		// An onset is the local time before the transition, read with TZOFFSETFROM.
		sub.SetProperty(ics.ComponentPropertyDtStart, o.onset.UTC().Add(time.Duration(o.from)*time.Second).Format(localLayout))
		sub.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(o.from))
		sub.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(o.to))
		if o.name != "" {
			sub.SetProperty(ics.ComponentProperty(ics.PropertyTzname), icalLine(o.name))
		}
		if o.daylight {
			tz.Components = append(tz.Components, &ics.Daylight{ComponentBase: sub})
		} else {
			tz.Components = append(tz.Components, &ics.Standard{ComponentBase: sub})
		}
	}
	return tz
}

// utcOffset formats seconds east of UTC as RFC 5545's UTC-OFFSET: ±hhmm, with
// seconds only when there are some (local mean times before standard time).
func utcOffset(sec int) string {
	sign := byte('+')
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// icalText prepares a TEXT value for the library, which escapes backslashes, commas,
// semicolons and LF but passes every other control character through: CR would end
// the content line early and the rest are not allowed in TEXT. CRLF and CR become LF,
// other controls but tab are dropped, and invalid UTF-8 is replaced.
// newlines makes every line break a \n.
var newlines = strings.NewReplacer("\r\n", "\n", "\r", "\n")

func icalText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = newlines.Replace(s)
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// icalLine prepares a value that must stay on one line: URIs, which the library does
// not escape, and identifiers.
func icalLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return -1
		}
		return r
	}, icalText(s))
}

package federation

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

// EventRefs is what an event's document points at besides the event itself.
type EventRefs struct {
	Organizers []string // FEP-8a8e organizers; empty: the event's organiser alone
	SharedWith []string // other communities the event is cross-posted to: they go in cc
}

// offsetLayout is RFC 3339 with a numeric offset even at UTC, as Mobilizon writes it
// ("+00:00"): the offset is the event's own zone's, so its wall-clock time reads as is.
const offsetLayout = "2006-01-02T15:04:05-07:00"

// eventStatusTerms are FEP-8a8e's eventStatus values (schema.org's, plus EventTentative).
var eventStatusTerms = map[convene.EventStatus]string{
	convene.EventScheduled: "EventScheduled", convene.EventTentative: "EventTentative",
	convene.EventCancelled: "EventCancelled", convene.EventPostponed: "EventPostponed",
	convene.EventRescheduled: "EventRescheduled", convene.EventMovedOnline: "EventMovedOnline",
}

// icalStatus is the iCalendar STATUS Mobilizon reads ("ical:status", and "status" since 4.x).
// iCalendar has no "postponed": not confirmed at its stated time is what TENTATIVE means.
func icalStatus(s convene.EventStatus) string {
	switch s {
	case convene.EventCancelled:
		return "CANCELLED"
	case convene.EventTentative, convene.EventPostponed:
		return "TENTATIVE"
	}
	return "CONFIRMED"
}

// EventToAS renders an event as the Event object Mobilizon, Gancio and FEP-8a8e readers
// understand, with a summary line for Mastodon and GoToSocial, which show little else. It has
// no @context: the caller serves it through normalizeArrays or embeds it in an activity.
// A deleted event is a Tombstone.
func (u IRIs) EventToAS(e *convene.Event, refs EventRefs) map[string]any {
	if e.DeletedAt != nil {
		return map[string]any{"type": "Tombstone", "id": e.IRI, "formerType": "Event",
			"deleted": e.DeletedAt.UTC().Format(time.RFC3339)}
	}
	loc := e.Location()
	status := cmp.Or(e.Status, convene.EventScheduled)
	to, cc := u.eventAddress(e, refs)
	m := map[string]any{
		"type": "Event", "id": e.IRI, "url": cmp.Or(e.URL, e.IRI),
		"name": e.Title, "content": e.Content, "mediaType": "text/html",
		"summary":   EventSummary(e),
		"startTime": e.StartsAt.In(loc).Format(offsetLayout),
		// Mobilizon reads the owner from attributedTo and the organiser from actor.
		"attributedTo":     cmp.Or(e.CommunityIRI, e.OrganizerIRI),
		"to":               to,
		"cc":               cc,
		"joinMode":         string(cmp.Or(e.JoinMode, convene.JoinFree)),
		"participantCount": max(e.AttendeeCount, 0),
		"eventStatus":      cmp.Or(eventStatusTerms[status], "EventScheduled"),
		"ical:status":      icalStatus(status),
		"status":           icalStatus(status),
		// Convene has no moderation of event replies nor anonymous RSVPs: say so, as Mobilizon does.
		"commentsEnabled":               true,
		"repliesModerationOption":       "allow_all",
		"anonymousParticipationEnabled": false,
		"isOnline":                      e.OnlineURL != "" && (e.Place.IsZero() || status == convene.EventMovedOnline),
	}
	if u.IsLocal(e.IRI) {
		m["attendees"] = u.Attendees(e.IRI) // ours only: a peer lists its own event's attendees
	}
	if e.EndsAt != nil && e.EndsAt.After(e.StartsAt) {
		m["endTime"] = e.EndsAt.In(loc).Format(offsetLayout)
	} else {
		m["displayEndTime"] = false
	}
	if e.Timezone != "" && loc.String() == e.Timezone {
		m["timezone"] = e.Timezone
	}
	if e.Source != "" {
		m["source"] = map[string]any{"content": e.Source, "mediaType": "text/markdown"}
	}
	if e.OrganizerIRI != "" {
		m["actor"] = e.OrganizerIRI
	}
	if e.CommunityIRI != "" {
		m["audience"] = e.CommunityIRI
	}
	organizers := refs.Organizers
	if len(organizers) == 0 && e.OrganizerIRI != "" {
		organizers = []string{e.OrganizerIRI}
	}
	if len(organizers) > 0 {
		// FEP-8a8e: organizers is a Collection, not a bare list.
		m["organizers"] = map[string]any{"type": "Collection", "totalItems": len(organizers), "items": organizers}
	}
	if where := eventLocation(e); where != nil {
		m["location"] = where
	}
	if e.OnlineURL != "" {
		// Mobilizon reads its online address only from this exact Link (name "Website").
		m["attachment"] = []any{map[string]any{"type": "Link", "href": e.OnlineURL, "mediaType": "text/html", "name": "Website"}}
	}
	if e.JoinMode == convene.JoinExternal && e.ExternalURL != "" {
		m["externalParticipationUrl"] = e.ExternalURL
	}
	if e.Capacity > 0 {
		m["maximumAttendeeCapacity"] = e.Capacity
		m["remainingAttendeeCapacity"] = e.Remaining()
	}
	if e.Category != "" {
		m["category"] = e.Category
	}
	if !e.PublishedAt.IsZero() {
		m["published"] = e.PublishedAt.UTC().Format(time.RFC3339)
	}
	if !e.UpdatedAt.IsZero() {
		m["updated"] = e.UpdatedAt.UTC().Format(time.RFC3339)
	}
	return m
}

// eventAddress puts a public event in to:[Public] (FEP-8a8e calendars list only those) and
// cc:[owner, its followers when local, communities it is shared with]; a non-public one goes
// to the owner and its followers only.
func (u IRIs) eventAddress(e *convene.Event, refs EventRefs) (to, cc []string) {
	var owners []string
	if e.CommunityIRI != "" {
		owners = append(owners, e.CommunityIRI)
	}
	if owner := cmp.Or(e.CommunityIRI, e.OrganizerIRI); owner != "" && u.IsLocal(owner) {
		owners = append(owners, u.Followers(owner))
	}
	if e.Public {
		to = []string{convene.PublicIRI}
		cc = append(owners, refs.SharedWith...)
	} else {
		to, cc = owners, refs.SharedWith
	}
	return compactIRIs(to), compactIRIs(cc)
}

// compactIRIs drops empty and repeated entries, keeping order, and is never nil (peers
// expect an array).
func compactIRIs(list []string) []string {
	out := []string{}
	for _, s := range list {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// eventLocation is a Place with a PostalAddress, or a VirtualLocation for an online event:
// always one bare object. FEP-8a8e allows a list for hybrid events, but Mobilizon
// (converter/utils.ex get_address) and Gancio 1.9 read only a single object; a hybrid event
// sends its Place here and its online address as the Link attachment Mobilizon reads.
func eventLocation(e *convene.Event) any {
	var list []any
	if p := e.Place; !p.IsZero() {
		place := map[string]any{"type": "Place", "name": placeName(p)}
		address := map[string]any{"type": "PostalAddress"}
		for k, v := range map[string]string{"streetAddress": p.Street, "postalCode": p.PostalCode,
			"addressLocality": p.Locality, "addressRegion": p.Region, "addressCountry": p.Country} {
			if v != "" {
				address[k] = v
			}
		}
		if len(address) > 1 {
			place["address"] = address
		}
		if p.Latitude != nil && p.Longitude != nil {
			place["latitude"], place["longitude"] = *p.Latitude, *p.Longitude
		}
		list = append(list, place)
	}
	if e.OnlineURL != "" && len(list) == 0 {
		list = append(list, map[string]any{"type": "VirtualLocation", "name": "Online", "url": e.OnlineURL})
	}
	if len(list) == 0 {
		return nil
	}
	return list[0]
}

// placeName is never empty: Gancio refuses a Place without a name.
func placeName(p convene.Place) string {
	if name := cmp.Or(p.Name, p.Street, p.Locality, p.Region, p.Country, p.PostalCode); name != "" {
		return name
	}
	if p.Latitude != nil && p.Longitude != nil {
		return fmt.Sprintf("%.5f, %.5f", *p.Latitude, *p.Longitude)
	}
	return "Venue"
}

// summaryDay is how EventSummary writes a date: "Tue 3 Feb 2026".
const summaryDay = "Mon 2 Jan 2006"

// statusPrefixes open the summary of an event that may not go ahead as announced.
var statusPrefixes = map[convene.EventStatus]string{
	convene.EventCancelled: "Cancelled: ", convene.EventPostponed: "Postponed: ", convene.EventTentative: "Tentative: ",
}

// EventSummary is the plain-text line Mastodon shows under an event's name and GoToSocial
// uses as its content warning, in the event's own time zone:
// "Tue 3 Feb 2026, 18:30–20:00 Europe/London – Guildford Library".
func EventSummary(e *convene.Event) string {
	loc := e.Location()
	start := e.StartsAt.In(loc)
	var b strings.Builder
	b.WriteString(statusPrefixes[e.Status])
	b.WriteString(start.Format(summaryDay + ", 15:04"))
	if e.EndsAt != nil && e.EndsAt.After(e.StartsAt) {
		end := e.EndsAt.In(loc)
		if y, m, d := start.Date(); end.Year() == y && end.Month() == m && end.Day() == d {
			b.WriteString("–" + end.Format("15:04"))
		} else {
			b.WriteString(" – " + end.Format(summaryDay+", 15:04"))
		}
	}
	b.WriteString(" " + loc.String())
	if where := summaryPlace(e); where != "" {
		b.WriteString(" – " + where)
	}
	return b.String()
}

func summaryPlace(e *convene.Event) string {
	if e.Status == convene.EventMovedOnline {
		return "online"
	}
	if where := cmp.Or(e.Place.Name, e.Place.Locality); where != "" {
		return where
	}
	if e.Place.IsZero() && e.OnlineURL != "" {
		return "online"
	}
	return ""
}

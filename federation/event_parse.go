package federation

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/convene-social/convene"
)

// ErrBadEvent is returned for Event documents we cannot use.
var ErrBadEvent = errors.New("unusable event document")

// Bounds on what a peer's event may fill in; longer values are cut, not refused.
const (
	maxEventHTML      = 100_000 // bytes of content before sanitizing
	maxEventPlace     = 200     // runes per place field, as for local events
	maxEventURL       = 2000    // bytes; longer links are dropped
	maxEventCapacity  = 1_000_000
	maxEventAddressed = 100 // IRIs kept per to, cc and audience
	maxEventOrganizer = 20
)

// EventParsed is what an Event document says besides the event: whom it addresses (the
// caller looks there for our communities) and its FEP-8a8e organizers as listed.
type EventParsed struct {
	To, Cc, Audience []string
	Organizers       []string
}

// eventDoc is what we read from a peer's Event. Its own field types never fail to decode, so
// one odd property (a numeric postal code, a quoted count) costs that property, not the event.
type eventDoc struct {
	ID             string              `json:"id"`
	Type           typeName            `json:"type"`
	Name           jsonText            `json:"name"`
	NameMap        map[string]jsonText `json:"nameMap"`
	Content        jsonText            `json:"content"`
	ContentMap     map[string]jsonText `json:"contentMap"`
	URL            linkValue           `json:"url"`
	StartTime      jsonText            `json:"startTime"`
	EndTime        jsonText            `json:"endTime"`
	DisplayEndTime jsonBool            `json:"displayEndTime"`
	Timezone       jsonText            `json:"timezone"`
	Location       json.RawMessage     `json:"location"`
	Attachment     json.RawMessage     `json:"attachment"`
	JoinMode       jsonText            `json:"joinMode"`
	ExternalURL    jsonText            `json:"externalParticipationUrl"`
	Capacity       jsonNumber          `json:"maximumAttendeeCapacity"`
	Participants   jsonNumber          `json:"participantCount"`
	EventStatus    jsonText            `json:"eventStatus"`
	Status         jsonText            `json:"status"`
	IcalStatus     jsonText            `json:"ical:status"`
	Category       jsonStrings         `json:"category"`
	Actor          refs                `json:"actor"`
	AttributedTo   refs                `json:"attributedTo"`
	Organizers     json.RawMessage     `json:"organizers"`
	To             refs                `json:"to"`
	Cc             refs                `json:"cc"`
	Audience       refs                `json:"audience"`
	Published      jsonText            `json:"published"`
	Updated        jsonText            `json:"updated"`
}

// parseEventObject reads a peer's Event (Mobilizon, Gancio, FEP-8a8e). The event comes back
// with IRI, URL, times in UTC, Public, and OrganizerIRI and CommunityIRI by Mobilizon's rule:
// actor and attributedTo both present and different make actor the organiser and
// attributedTo the owning group; attributedTo alone is the organiser; FEP-8a8e organizers
// come last. Nothing here is trusted: the caller checks hosts against the sender. Documents
// without an http(s) id, a name or a readable startTime are refused.
func parseEventObject(raw []byte) (*convene.Event, EventParsed, error) {
	var d eventDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, EventParsed{}, fmt.Errorf("%w: %v", ErrBadEvent, err)
	}
	title := eventTitle(&d)
	switch {
	case shortType(string(d.Type)) != "Event":
		return nil, EventParsed{}, fmt.Errorf("%w: type %q", ErrBadEvent, d.Type)
	case !isHTTPURL(d.ID) || len(d.ID) > maxEventURL:
		return nil, EventParsed{}, fmt.Errorf("%w: needs an http(s) id", ErrBadEvent)
	case title == "":
		return nil, EventParsed{}, fmt.Errorf("%w: %s has no name", ErrBadEvent, d.ID)
	}
	tz := eventTimezone(string(d.Timezone))
	loc := time.UTC
	if tz != "" {
		loc, _ = time.LoadLocation(tz)
	}
	start, ok := parseEventTime(string(d.StartTime), loc)
	if !ok {
		return nil, EventParsed{}, fmt.Errorf("%w: %s has no readable startTime", ErrBadEvent, d.ID)
	}
	e := &convene.Event{
		IRI: d.ID, URL: cmp.Or(d.URL.page(), d.ID), Title: title, Content: SanitizeHTML(eventContent(&d)),
		StartsAt: start.UTC(), Timezone: tz, JoinMode: parseJoinMode(string(d.JoinMode)),
		Status: parseEventStatus(&d), Category: eventCategory(d.Category),
		Public: slices.ContainsFunc(d.To, isPublic),
	}
	if end, ok := parseEventTime(string(d.EndTime), loc); ok && end.After(start) && !d.DisplayEndTime.isFalse() {
		utc := end.UTC()
		e.EndsAt = &utc
	}
	e.Place, e.OnlineURL = parseEventLocation(d.Location)
	if e.OnlineURL == "" {
		e.OnlineURL = onlineAttachment(d.Attachment)
	}
	if e.JoinMode == convene.JoinExternal {
		// Without a sign-up link we can neither send a Join nor point anywhere.
		if e.ExternalURL = signUpURL(string(d.ExternalURL)); e.ExternalURL == "" {
			e.JoinMode = convene.JoinNone
		}
	}
	e.Capacity, e.AttendeeCount = d.Capacity.count(), d.Participants.count()
	e.PublishedAt, e.UpdatedAt = parseASTime(string(d.Published)), parseASTime(string(d.Updated))
	p := EventParsed{
		To: addressees(d.To), Cc: addressees(d.Cc), Audience: addressees(d.Audience),
		Organizers: parseOrganizers(d.Organizers, false),
	}
	e.OrganizerIRI, e.CommunityIRI = eventOwners(&d, p.Organizers)
	return e, p, nil
}

// eventOwners applies Mobilizon's rule (converter/utils.ex maybe_fetch_actor_and_attributed_to_id).
func eventOwners(d *eventDoc, organizers []string) (organizer, group string) {
	actor, attributedTo := httpIRI(first(d.Actor)), httpIRI(first(d.AttributedTo))
	switch {
	case actor != "" && attributedTo != "" && actor != attributedTo:
		return actor, attributedTo
	case attributedTo != "":
		return attributedTo, ""
	case actor != "":
		return actor, ""
	}
	return httpIRI(first(organizers)), ""
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

func httpIRI(s string) string {
	if len(s) > maxEventURL || !isHTTPURL(s) {
		return ""
	}
	return s
}

// addressees keeps the http(s) IRIs and public-collection spellings of to, cc or audience.
func addressees(list refs) []string {
	var out []string
	for _, s := range list {
		if len(out) == maxEventAddressed {
			break
		}
		if isPublic(s) || httpIRI(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// eventTitle is the name as one line of plain text (FEP-8a8e forbids markup, some peers
// escape it anyway), at most MaxTitleLength characters; nameMap when there is no name.
func eventTitle(d *eventDoc) string {
	name := cmp.Or(string(d.Name), fromLanguageMap(d.NameMap))
	name = strings.Join(strings.Fields(PlainText(cutBytes(name, 4*maxEventPlace*utf8.UTFMax))), " ")
	return truncateText(name, convene.MaxTitleLength)
}

func eventContent(d *eventDoc) string {
	return cutBytes(cmp.Or(string(d.Content), fromLanguageMap(d.ContentMap)), maxEventHTML)
}

// fromLanguageMap picks the undetermined or English value of a nameMap, else the first by key.
func fromLanguageMap(m map[string]jsonText) string {
	for _, k := range append([]string{"und", "en"}, slices.Sorted(maps.Keys(m))...) {
		if m[k] != "" {
			return string(m[k])
		}
	}
	return ""
}

// cutBytes shortens s to at most n bytes without splitting a character.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// truncateText shortens s to n characters, marking the cut with an ellipsis.
func truncateText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// cleanField is a place field as one trimmed line of at most maxEventPlace characters.
func cleanField(s string) string {
	return truncateText(strings.Join(strings.Fields(cutBytes(s, 4*maxEventPlace*utf8.UTFMax)), " "), maxEventPlace)
}

// eventTimezone keeps an IANA zone Go knows; "Local" would mean this server's zone.
func eventTimezone(tz string) string {
	tz = strings.TrimSpace(tz)
	if tz == "" || tz == "Local" || len(tz) > 64 {
		return ""
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return ""
	}
	return tz
}

// eventTimeLayouts are what peers send for startTime and endTime: RFC 3339 (Mobilizon,
// Gancio's luxon with milliseconds), or a wall-clock time without offset, read in the
// event's zone.
var eventTimeLayouts = []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

func parseEventTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	for _, layout := range eventTimeLayouts {
		if err == nil {
			break
		}
		t, err = time.ParseInLocation(layout, s, loc)
	}
	if err != nil || !convene.TimeInRange(t) {
		return time.Time{}, false
	}
	return t, true
}

// parseASTime reads published or updated (RFC 3339 only), in UTC; zero if unreadable.
func parseASTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(cutBytes(s, 64)))
	if err != nil || !convene.TimeInRange(t) {
		return time.Time{}
	}
	return t.UTC()
}

// parseJoinMode maps Mobilizon's and FEP-8a8e's joinMode: Mobilizon's "invite" (by
// invitation only) is closest to restricted; a missing or unknown mode is Mobilizon's default.
func parseJoinMode(s string) convene.JoinMode {
	switch m := convene.JoinMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "invite":
		return convene.JoinRestricted
	case convene.JoinFree, convene.JoinRestricted, convene.JoinExternal, convene.JoinNone:
		return m
	}
	return convene.JoinFree
}

// parseEventStatus reads FEP-8a8e's eventStatus (a short name, a schema.org or w3id IRI),
// else Mobilizon's status and the older ical:status.
func parseEventStatus(d *eventDoc) convene.EventStatus {
	for status, term := range eventStatusTerms {
		if shortType(string(d.EventStatus)) == term {
			return status
		}
	}
	switch strings.ToUpper(strings.TrimSpace(string(cmp.Or(d.Status, d.IcalStatus)))) {
	case "CANCELLED", "CANCELED":
		return convene.EventCancelled
	case "TENTATIVE":
		return convene.EventTentative
	}
	return convene.EventScheduled
}

// eventCategory is the first category on FEP-8a8e's list; others are dropped.
func eventCategory(list jsonStrings) string {
	for _, c := range list {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" && convene.ValidEventCategory(c) {
			return c
		}
	}
	return ""
}

// signUpURL accepts an http(s) or mailto link (FEP-8a8e allows mailto for sign-ups).
func signUpURL(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxEventURL {
		return ""
	}
	if isHTTPURL(s) {
		return s
	}
	if addr, ok := strings.CutPrefix(s, "mailto:"); ok && strings.Contains(addr, "@") && !strings.ContainsAny(addr, " <>\"") {
		return s
	}
	return ""
}

// shortType is a type or term without its prefix: "sc:Place", "https://schema.org/Place"
// and "Place" are all "Place".
func shortType(t string) string {
	if i := strings.LastIndexAny(t, ":/#"); i >= 0 {
		return t[i+1:]
	}
	return t
}

// placeDoc is one entry of location.
type placeDoc struct {
	Type      typeName        `json:"type"`
	Name      jsonText        `json:"name"`
	Address   json.RawMessage `json:"address"`
	Latitude  jsonNumber      `json:"latitude"`
	Longitude jsonNumber      `json:"longitude"`
	URL       linkValue       `json:"url"`
}

// addressDoc is a schema.org PostalAddress (Mobilizon) or, from some Gancio peers, a
// VirtualLocation put in a Place's address.
type addressDoc struct {
	Type     typeName  `json:"type"`
	Street   jsonText  `json:"streetAddress"`
	Postal   jsonText  `json:"postalCode"`
	Locality jsonText  `json:"addressLocality"`
	Region   jsonText  `json:"addressRegion"`
	Country  jsonText  `json:"addressCountry"`
	URL      linkValue `json:"url"`
}

// parseEventLocation reads location as one object or a list: the first physical Place and
// the first online URL (FEP-8a8e: use the first supported item).
func parseEventLocation(raw json.RawMessage) (place convene.Place, online string) {
	for _, item := range oneOrMany(raw) {
		var p placeDoc
		if json.Unmarshal(item, &p) != nil {
			var name string
			if json.Unmarshal(item, &name) == nil && place.IsZero() && !isHTTPURL(name) {
				place.Name = cleanField(name) // a bare Text, which FEP-8a8e forbids but people send
			}
			continue
		}
		switch shortType(string(p.Type)) {
		case "VirtualLocation":
			online = cmp.Or(online, p.URL.page())
		case "Place", "":
			p, virtual := readPlace(p)
			if virtual != "" {
				online = cmp.Or(online, virtual)
			} else if place.IsZero() {
				place = p
			}
		}
	}
	return place, online
}

// readPlace turns a Place into ours, or reports the online URL when it is Gancio's
// "virtual location in a Place" shape.
func readPlace(d placeDoc) (convene.Place, string) {
	p := convene.Place{Name: cleanField(string(d.Name))}
	if b := bytes.TrimSpace(d.Address); len(b) > 0 && b[0] == '"' {
		var s string
		_ = json.Unmarshal(b, &s)
		p.Street = cleanField(s) // Gancio: one line, not split (commas mean different things in different countries)
	} else if len(b) > 0 && b[0] == '{' {
		var a addressDoc
		if json.Unmarshal(b, &a) == nil {
			if shortType(string(a.Type)) == "VirtualLocation" {
				return convene.Place{}, a.URL.page()
			}
			p.Street, p.PostalCode, p.Locality = cleanField(string(a.Street)), cleanField(string(a.Postal)), cleanField(string(a.Locality))
			p.Region, p.Country = cleanField(string(a.Region)), cleanField(string(a.Country))
		}
	}
	lat, latOK := d.Latitude.get()
	lon, lonOK := d.Longitude.get()
	if latOK && lonOK && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 {
		p.Latitude, p.Longitude = &lat, &lon
	}
	return p, ""
}

// onlineAttachment is an online address sent as a Link attachment: Mobilizon's is named
// "Website" (converter/event.ex), Gancio names each of its online locations by its URL.
func onlineAttachment(raw json.RawMessage) string {
	var found string
	for _, item := range oneOrMany(raw) {
		var l struct {
			Type      typeName `json:"type"`
			Href      jsonText `json:"href"`
			MediaType jsonText `json:"mediaType"`
			Name      jsonText `json:"name"`
		}
		if json.Unmarshal(item, &l) != nil || shortType(string(l.Type)) != "Link" || !htmlMediaType(string(l.MediaType)) {
			continue
		}
		href := httpIRI(strings.TrimSpace(string(l.Href)))
		if href != "" && l.Name == "Website" {
			return href
		}
		found = cmp.Or(found, href)
	}
	return found
}

func htmlMediaType(mt string) bool {
	return mt == "" || strings.HasPrefix(strings.ToLower(mt), "text/html")
}

// parseOrganizers reads FEP-8a8e organizers: a Collection (items, orderedItems or its first
// page), or a bare list of IRIs and objects. A collection given only by its IRI would need a
// fetch, and null is a deliberate "not disclosed": both give none.
func parseOrganizers(raw json.RawMessage, page bool) []string {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || b[0] != '{' {
		return itemIRIs(b)
	}
	var c struct{ Items, OrderedItems, First json.RawMessage } // keys match case-insensitively
	if json.Unmarshal(b, &c) != nil {
		return nil
	}
	list := append(itemIRIs(c.OrderedItems), itemIRIs(c.Items)...)
	if len(list) == 0 && !page {
		return parseOrganizers(c.First, true)
	}
	return list[:min(len(list), maxEventOrganizer)]
}

// itemIRIs reads a list of IRIs, objects with an id, or Links with an href.
func itemIRIs(raw json.RawMessage) []string {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || b[0] != '[' {
		return nil
	}
	var out []string
	for _, item := range oneOrMany(b) {
		var s string
		if json.Unmarshal(item, &s) != nil {
			var obj struct {
				ID   jsonText `json:"id"`
				Href jsonText `json:"href"`
			}
			_ = json.Unmarshal(item, &obj)
			s = string(cmp.Or(obj.ID, obj.Href))
		}
		if s = httpIRI(s); s != "" && !slices.Contains(out, s) && len(out) < maxEventOrganizer {
			out = append(out, s)
		}
	}
	return out
}

// oneOrMany splits a JSON value into its elements if it is an array, else returns it alone.
// Empty and null give nothing.
func oneOrMany(raw json.RawMessage) []json.RawMessage {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil
	}
	if b[0] != '[' {
		return []json.RawMessage{b}
	}
	var list []json.RawMessage
	if json.Unmarshal(b, &list) != nil {
		return nil
	}
	return list[:min(len(list), 50)]
}

// jsonText is a string property; a number (a postal code) reads as its digits, anything
// else as empty.
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = jsonText(s)
		return nil
	}
	var n json.Number
	if json.Unmarshal(b, &n) == nil {
		*t = jsonText(n.String())
	}
	return nil
}

// jsonStrings is one string or a list of them (FEP-8a8e allows several categories).
type jsonStrings []string

func (s *jsonStrings) UnmarshalJSON(b []byte) error {
	for _, item := range oneOrMany(b) {
		var v string
		if json.Unmarshal(item, &v) == nil {
			*s = append(*s, v)
		}
	}
	return nil
}

// jsonNumber is a number, or a numeric string as some peers send counts and coordinates.
type jsonNumber struct {
	v  float64
	ok bool
}

func (n *jsonNumber) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		b = []byte(strings.TrimSpace(s))
	}
	if f, err := strconv.ParseFloat(string(b), 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		n.v, n.ok = f, true
	}
	return nil
}

func (n jsonNumber) get() (float64, bool) { return n.v, n.ok }

// count is a whole number from 0 to maxEventCapacity; 0 when absent.
func (n jsonNumber) count() int {
	return int(math.Floor(max(0, min(n.v, maxEventCapacity))))
}

// jsonBool is an optional boolean, true/false or the same quoted.
type jsonBool struct{ set, v bool }

func (x *jsonBool) UnmarshalJSON(b []byte) error {
	switch strings.Trim(strings.ToLower(string(bytes.TrimSpace(b))), `"`) {
	case "true":
		x.set, x.v = true, true
	case "false":
		x.set, x.v = true, false
	}
	return nil
}

func (x jsonBool) isFalse() bool { return x.set && !x.v }

// linkValue is a url property: a string, a Link object or a list of either.
type linkValue []linkItem

type linkItem struct{ href, mediaType string }

func (l *linkValue) UnmarshalJSON(b []byte) error {
	for _, item := range oneOrMany(b) {
		var s string
		if json.Unmarshal(item, &s) == nil {
			*l = append(*l, linkItem{s, ""})
			continue
		}
		var link struct {
			Href      jsonText `json:"href"`
			MediaType jsonText `json:"mediaType"`
		}
		if json.Unmarshal(item, &link) == nil && link.Href != "" {
			*l = append(*l, linkItem{string(link.Href), string(link.MediaType)})
		}
	}
	return nil
}

// page is the first web page among the links: a bare URL or a text/html Link.
func (l linkValue) page() string {
	for _, x := range l {
		if href := httpIRI(strings.TrimSpace(x.href)); href != "" && htmlMediaType(x.mediaType) {
			return href
		}
	}
	return ""
}

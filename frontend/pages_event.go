package frontend

import (
	"strings"
	"time"

	"github.com/convene-social/convene"
)

// EventFormPage is the form that creates or edits an event.
type EventFormPage struct {
	Layout
	Action       string // where the form posts
	Community    string // name of the community the event is in
	CommunityURL string
	// EventURL is set when editing: the event's page, to go back to.
	EventURL string
	Form     EventForm
	// CrossPost offers the communities the event can be shared with by a tick.
	CrossPost []CrossPostOption
	FormError
}

func (*EventFormPage) template() string { return "event_form" }

// Editing reports whether the form changes an existing event.
func (p *EventFormPage) Editing() bool { return p.EventURL != "" }

// Zones are the IANA zones the time-zone field suggests.
func (*EventFormPage) Zones() []string { return timeZones }

// Categories are FEP-8a8e's event categories with readable labels.
func (*EventFormPage) Categories() []Option { return categoryOptions }

// JoinModes are the ways of taking part an organiser chooses from.
func (*EventFormPage) JoinModes() []Option { return joinModeOptions }

// Statuses are the states an edit may put an event in (cancelling has its own button).
func (*EventFormPage) Statuses() []Option { return statusOptions }

// EventForm is an event form's fields as text, as the browser sent them or as an event is,
// so that a refused form comes back exactly as it was typed.
type EventForm struct {
	Title, Description                                       string
	StartDate, StartTime, EndDate, EndTime, Timezone         string
	PlaceName, Street, PostalCode, Locality, Region, Country string
	Latitude, Longitude                                      string
	OnlineURL, Capacity, JoinMode, ExternalURL, Category     string
	Status                                                   string
	// CrossPostOther: further communities elsewhere, as @name@host, separated by spaces.
	CrossPostOther string
}

// CrossPostOption is one community in the cross-post picker.
type CrossPostOption struct {
	IRI, Name, Handle string
	Local             bool
	NeedsApproval     bool // a moderator there approves it first
	Checked           bool
	// Shared: the event is already shown there (editing), so the box is ticked and fixed.
	Shared bool
}

// Option is one choice of a select or a group of radio buttons.
type Option struct {
	Value, Label, Help string
}

var joinModeOptions = []Option{
	{string(convene.JoinFree), "Open", "Anyone can say they are coming, until the places run out."},
	{string(convene.JoinRestricted), "On approval", "You accept or decline each person who asks to come."},
	{string(convene.JoinExternal), "Sign up elsewhere", "People sign up at the link you give below."},
	{string(convene.JoinNone), "No sign-up", "Nobody needs to say they are coming: they just come."},
}

var statusOptions = []Option{
	{Value: string(convene.EventScheduled), Label: "Going ahead"},
	{Value: string(convene.EventTentative), Label: "Tentative"},
	{Value: string(convene.EventPostponed), Label: "Postponed"},
	{Value: string(convene.EventRescheduled), Label: "Rescheduled"},
	{Value: string(convene.EventMovedOnline), Label: "Moved online"},
}

// categoryLabels names the FEP-8a8e categories whose readable form is not just the code
// in lower case.
var categoryLabels = map[string]string{
	"AUTO_BOAT_AIR": "Auto, boat and air", "BOOK_CLUBS": "Book clubs", "FOOD_DRINK": "Food and drink",
	"FAMILY_EDUCATION": "Family and education", "FASHION_BEAUTY": "Fashion and beauty",
	"FILM_MEDIA": "Film and media", "LANGUAGE_CULTURE": "Language and culture", "LGBTQ": "LGBTQ+",
	"MOVEMENTS_POLITICS": "Movements and politics", "PERFORMING_VISUAL_ARTS": "Performing and visual arts",
	"OUTDOORS_ADVENTURE": "Outdoors and adventure", "SPIRITUALITY_RELIGION_BELIEFS": "Spirituality, religion and beliefs",
	"SCIENCE_TECH": "Science and tech", "WORKSHOPS_SKILL_SHARING": "Workshops and skill sharing",
	"CLIMATE_ENVIRONMENT": "Climate and environment",
}

var categoryOptions = func() []Option {
	opts := make([]Option, 0, len(convene.EventCategories))
	for _, c := range convene.EventCategories {
		opts = append(opts, Option{Value: c, Label: CategoryLabel(c)})
	}
	return opts
}()

// CategoryLabel is a FEP-8a8e category as people read it ("FOOD_DRINK": "Food and drink").
func CategoryLabel(code string) string {
	if l, ok := categoryLabels[code]; ok {
		return l
	}
	if code == "" {
		return ""
	}
	l := strings.ToLower(strings.ReplaceAll(code, "_", " "))
	return strings.ToUpper(l[:1]) + l[1:]
}

// EventConfirmPage asks the organiser to confirm cancelling or deleting an event.
type EventConfirmPage struct {
	Layout
	Event       EventView
	Action      string // where the confirming form posts
	Question    string
	Consequence string
	Button      string
}

func (*EventConfirmPage) template() string { return "event_confirm" }

// EventTimes is when an event happens as its page says it: in the event's own zone, always
// named, and in the viewer's zone when that reads differently.
type EventTimes struct {
	Start string // "Tue 3 Feb 2026, 18:30"
	End   string // "20:00", with its date when it ends on another day; empty for an open end
	Zone  string // the event's IANA zone
	// Yours: "19:30–21:00 your time, Europe/Paris"; empty for a visitor, or when the
	// viewer's clock reads the same.
	Yours string
}

const dayTime = "Mon 2 Jan 2006, 15:04"

// NewEventTimes describes e's times for a viewer whose zone is viewerZone (empty for a
// visitor).
func NewEventTimes(e *convene.Event, viewerZone string) EventTimes {
	loc := e.Location()
	t := EventTimes{Zone: loc.String()}
	t.Start, t.End = span(e.StartsAt.In(loc), e.EndsAt, loc, true)
	if viewerZone == "" || viewerZone == t.Zone {
		return t
	}
	vloc, err := convene.LoadZone(viewerZone)
	if err != nil {
		return t
	}
	if sameWallClock(e, loc, vloc) {
		return t // as in Europe/Dublin for a London event in winter
	}
	start, end := span(e.StartsAt.In(vloc), e.EndsAt, vloc, !sameDay(e.StartsAt.In(vloc), e.StartsAt.In(loc)))
	t.Yours = start
	if end != "" {
		t.Yours += "–" + end
	}
	t.Yours += " your time, " + vloc.String()
	return t
}

// span formats a start (with its date when withDate) and an optional end, which carries its
// date only when it falls on another day.
func span(start time.Time, endsAt *time.Time, loc *time.Location, withDate bool) (string, string) {
	s := start.Format("15:04")
	if withDate {
		s = start.Format(dayTime)
	}
	if endsAt == nil {
		return s, ""
	}
	end := endsAt.In(loc)
	if sameDay(start, end) {
		return s, end.Format("15:04")
	}
	return s, end.Format(dayTime)
}

// sameWallClock reports whether e's start and end read the same in both zones.
func sameWallClock(e *convene.Event, a, b *time.Location) bool {
	if e.StartsAt.In(a).Format(dayTime) != e.StartsAt.In(b).Format(dayTime) {
		return false
	}
	return e.EndsAt == nil || e.EndsAt.In(a).Format(dayTime) == e.EndsAt.In(b).Format(dayTime)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// CategoryLabel is the event's category as people read it.
func (p *EventPage) CategoryLabel() string { return CategoryLabel(p.Event.Category) }

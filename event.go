package convene

import (
	"context"
	"slices"
	"time"
)

// EventStatus says whether an event goes ahead, as FEP-8a8e's eventStatus does.
type EventStatus string

const (
	EventScheduled   EventStatus = "scheduled"
	EventTentative   EventStatus = "tentative"
	EventCancelled   EventStatus = "cancelled"
	EventPostponed   EventStatus = "postponed"
	EventRescheduled EventStatus = "rescheduled"
	EventMovedOnline EventStatus = "moved_online"
)

// Valid reports whether s is a known status.
func (s EventStatus) Valid() bool {
	switch s {
	case EventScheduled, EventTentative, EventCancelled, EventPostponed, EventRescheduled, EventMovedOnline:
		return true
	}
	return false
}

// JoinMode says how people take part in an event (Mobilizon's joinMode).
type JoinMode string

const (
	JoinFree       JoinMode = "free"       // a Join is accepted at once while places remain
	JoinRestricted JoinMode = "restricted" // the organiser or a moderator accepts each Join
	JoinExternal   JoinMode = "external"   // people sign up at ExternalURL
	JoinNone       JoinMode = "none"       // no sign-up
)

// Valid reports whether m is a known join mode.
func (m JoinMode) Valid() bool {
	return m == JoinFree || m == JoinRestricted || m == JoinExternal || m == JoinNone
}

// EventCategories is FEP-8a8e's fixed category list (Mobilizon's).
var EventCategories = []string{
	"ARTS", "BOOK_CLUBS", "BUSINESS", "CAUSES", "COMEDY", "CRAFTS", "FOOD_DRINK", "HEALTH",
	"MUSIC", "AUTO_BOAT_AIR", "COMMUNITY", "FAMILY_EDUCATION", "FASHION_BEAUTY", "FILM_MEDIA",
	"GAMES", "LANGUAGE_CULTURE", "LEARNING", "LGBTQ", "MOVEMENTS_POLITICS", "NETWORKING",
	"PARTY", "PERFORMING_VISUAL_ARTS", "PETS", "PHOTOGRAPHY", "OUTDOORS_ADVENTURE",
	"SPIRITUALITY_RELIGION_BELIEFS", "SCIENCE_TECH", "SPORTS", "THEATRE", "MEETING",
	"WORKSHOPS_SKILL_SHARING", "CLIMATE_ENVIRONMENT", "CHARITY", "INCLUSIVENESS",
	"VOLUNTEERING", "PODCAST",
}

// ValidEventCategory reports whether c is on the list (empty means none given).
func ValidEventCategory(c string) bool { return c == "" || slices.Contains(EventCategories, c) }

// Place is where an event happens in the physical world.
type Place struct {
	Name       string   `db:"place_name"`
	Street     string   `db:"place_street"`
	PostalCode string   `db:"place_postal_code"`
	Locality   string   `db:"place_locality"`
	Region     string   `db:"place_region"`
	Country    string   `db:"place_country"`
	Latitude   *float64 `db:"place_latitude"`
	Longitude  *float64 `db:"place_longitude"`
}

// IsZero reports whether no place is given.
func (p Place) IsZero() bool {
	return p.Name == "" && p.Street == "" && p.PostalCode == "" && p.Locality == "" &&
		p.Region == "" && p.Country == "" && p.Latitude == nil && p.Longitude == nil
}

// Event is something a community announces. Local and remote events share the table: IRI
// is /e/{id} for ours and the remote object id for theirs. Times are stored in UTC; Timezone
// is the IANA zone the organiser set it in, in which it is shown.
type Event struct {
	ID           string     `db:"id"`
	IRI          string     `db:"iri"`
	URL          string     `db:"url"`           // its page (a remote event's url; ours is the IRI)
	CommunityID  string     `db:"community_id"`  // the local owning community; empty for remote events
	CommunityIRI string     `db:"community_iri"` // the Group that owns it; empty when an actor alone does
	OrganizerIRI string     `db:"organizer_iri"`
	AccountID    string     `db:"account_id"` // the local organiser, empty for remote events
	Title        string     `db:"title"`
	Content      string     `db:"content"` // HTML: rendered from Source, or sanitized remote HTML
	Source       string     `db:"source"`  // markdown, for local events
	StartsAt     time.Time  `db:"starts_at"`
	EndsAt       *time.Time `db:"ends_at"` // nil: an open end
	Timezone     string     `db:"timezone"`
	Place
	OnlineURL   string      `db:"online_url"`
	Capacity    int         `db:"capacity"` // 0: unlimited
	JoinMode    JoinMode    `db:"join_mode"`
	ExternalURL string      `db:"external_url"` // where to sign up when JoinMode is external
	Status      EventStatus `db:"status"`
	Category    string      `db:"category"`
	Public      bool        `db:"public"` // addressed to as:Public: may appear in public calendars
	// Listed: on this instance's own agenda and calendar — made here, shared by one of our
	// communities, or from an actor or server someone here follows. A cross-post waiting for
	// (or refused by) a moderator is stored but not listed.
	Listed        bool       `db:"listed"`
	AttendeeCount int        `db:"attendee_count"` // accepted participants (a remote event's participantCount)
	Sequence      int        `db:"sequence"`       // iCalendar SEQUENCE: bumped by every change
	PublishedAt   time.Time  `db:"published_at"`
	UpdatedAt     time.Time  `db:"updated_at"`
	DeletedAt     *time.Time `db:"deleted_at"`
}

// IsLocal reports whether the event was made here.
func (e *Event) IsLocal() bool { return e.AccountID != "" }

// Location returns the event's time zone, UTC if it has none or an unknown one.
func (e *Event) Location() *time.Location {
	if loc, err := LoadZone(e.Timezone); err == nil && e.Timezone != "" {
		return loc
	}
	return time.UTC
}

// Remaining is how many places are left, or -1 when the event has no limit.
func (e *Event) Remaining() int {
	if e.Capacity == 0 {
		return -1
	}
	return max(0, e.Capacity-e.AttendeeCount)
}

// EventFilter selects events; zero fields do not filter. Deleted events are never listed.
type EventFilter struct {
	// CommunityIRI: events the community owns, and those it shares (accepted shares). Empty:
	// the instance's own agenda, listed events only.
	CommunityIRI string
	// EndsAfter keeps events still running or to come at that time, soonest first (an
	// open-ended event ends when it starts).
	EndsAfter time.Time
	// EndsBefore keeps events over by then, latest first (an archive); it wins over EndsAfter.
	EndsBefore time.Time
	PublicOnly bool
	Limit      int
}

// ParticipationState is where an RSVP stands.
type ParticipationState string

const (
	ParticipationPending  ParticipationState = "pending"  // waiting for the organiser (or, for a remote event, its server)
	ParticipationAccepted ParticipationState = "accepted" // counted as an attendee
	ParticipationRejected ParticipationState = "rejected"
)

// Participation is one actor's RSVP to an event (local or remote actor, local or remote
// event: a local member's Join to a remote event is kept here too, to follow its answer).
type Participation struct {
	ID          string             `db:"id"`
	EventID     string             `db:"event_id"`
	ActorIRI    string             `db:"actor_iri"`
	AccountID   string             `db:"account_id"`   // the local participant, empty for remote ones
	ActivityIRI string             `db:"activity_iri"` // the Join's id, which Accept/Reject refer to
	State       ParticipationState `db:"state"`
	Message     string             `db:"message"` // Mobilizon's participationMessage, plain text
	CreatedAt   time.Time          `db:"created_at"`
	UpdatedAt   time.Time          `db:"updated_at"`
}

// ShareState is where a share of an object with a community stands.
type ShareState string

const (
	SharePending  ShareState = "pending"  // waiting for a moderator of the community
	ShareAccepted ShareState = "accepted" // the community shows and announced it
	// ShareRefused: a moderator said no; the same cross-post arriving again stays refused.
	ShareRefused ShareState = "refused"
)

// Share is an object (an event or a thread) shown in a community other than its own: an
// organiser's cross-post, or a moderator re-sharing what a followed community posted.
type Share struct {
	ID           string     `db:"id"`
	ObjectIRI    string     `db:"object_iri"`
	ObjectType   string     `db:"object_type"`   // Event or Note
	CommunityIRI string     `db:"community_iri"` // the community it is shared with
	CommunityID  string     `db:"community_id"`  // set when that community is ours
	SharedBy     string     `db:"shared_by"`     // the actor who asked for it
	State        ShareState `db:"state"`
	ActivityIRI  string     `db:"activity_iri"` // the activity that carried it (a remote Create, our Announce)
	CreatedAt    time.Time  `db:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at"`
}

// EventStore persists events, RSVPs and shares.
type EventStore interface {
	// CreateEvent stores an event; an IRI seen before is an ECONFLICT.
	CreateEvent(ctx context.Context, e *Event) error
	FindEventByID(ctx context.Context, id string) (*Event, error)
	FindEventByIRI(ctx context.Context, iri string) (*Event, error)
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, error)
	// UpdateEvent writes every field but the identity (id, iri, community, organiser,
	// account, published_at) and the attendee count, and bumps Sequence.
	UpdateEvent(ctx context.Context, e *Event) error
	// SetAttendeeCount records a remote event's participantCount.
	SetAttendeeCount(ctx context.Context, eventID string, n int) error
	// ListEvent puts a stored event on the instance's agenda (see Event.Listed).
	ListEvent(ctx context.Context, id string) error
	// TombstoneEvent empties an event's content and marks it deleted.
	TombstoneEvent(ctx context.Context, id string, at time.Time) error

	// CreateParticipation stores an RSVP in state pending or rejected (an actor RSVPs once
	// per event: ECONFLICT). Use AcceptParticipation to accept.
	CreateParticipation(ctx context.Context, p *Participation) error
	// AcceptParticipation accepts an RSVP and counts it, atomically: when the event's
	// capacity is reached it changes nothing and returns ECONFLICT "the event is full".
	// Accepting an accepted RSVP changes nothing. An RSVP to an event made elsewhere (the
	// event's account_id is empty) is only marked accepted: that event's server counts places,
	// and its attendee count mirrors that server's.
	AcceptParticipation(ctx context.Context, id string, at time.Time) error
	// RejectParticipation marks an RSVP rejected (uncounting it if it was accepted).
	RejectParticipation(ctx context.Context, id string, at time.Time) error
	// DeleteParticipation withdraws an RSVP (uncounting it if it was accepted).
	DeleteParticipation(ctx context.Context, id string) error
	FindParticipation(ctx context.Context, eventID, actorIRI string) (*Participation, error)
	FindParticipationByActivity(ctx context.Context, activityIRI string) (*Participation, error)
	// FindParticipations lists an event's RSVPs in a state (all when empty), oldest first,
	// paged by ID (after afterID).
	FindParticipations(ctx context.Context, eventID string, state ParticipationState, afterID string, limit int) ([]*Participation, error)

	// CreateShare records a share (once per object and community: ECONFLICT).
	CreateShare(ctx context.Context, s *Share) error
	FindShare(ctx context.Context, objectIRI, communityIRI string) (*Share, error)
	FindShareByID(ctx context.Context, id string) (*Share, error)
	UpdateShareState(ctx context.Context, id string, state ShareState, activityIRI string, at time.Time) error
	// DeleteShare removes a share (a refused cross-post, a withdrawn re-share).
	DeleteShare(ctx context.Context, id string) error
	// FindShares lists an object's shares (all states), oldest first.
	FindShares(ctx context.Context, objectIRI string) ([]*Share, error)
	// FindCommunityShares lists the shares with a local community in a state, oldest first.
	FindCommunityShares(ctx context.Context, communityID string, state ShareState) ([]*Share, error)
}

// TimeInRange reports whether t falls in the years Convene stores and writes: 1970 to 9998
// in UTC, so that every zone's wall clock, RFC 3339 and iCalendar can still express it.
func TimeInRange(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 1970 && y <= 9998
}

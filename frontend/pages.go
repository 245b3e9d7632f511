package frontend

import (
	"html/template"
	"time"

	"github.com/convene-social/convene"
)

// HomePage is the instance's front page, its landscape: its communities, the communities
// they follow elsewhere, upcoming events across all of them and recent discussions.
type HomePage struct {
	Layout
	Communities []*convene.Community
	Followed    []ActorLink
	Events      []EventView
	Threads     []ThreadLink
	// FirstRun is true while the instance has no account: the page then says how to create
	// the first admin.
	FirstRun bool
	// Description is the admin's introduction to the instance (rendered markdown), from
	// service.InstanceSettings.
	Description template.HTML
}

func (*HomePage) template() string { return "home" }

// FormError is the message a form page shows about the form that failed; pages embed it.
type FormError struct {
	Error string
}

// SetError puts a message above the form.
func (e *FormError) SetError(msg string) { e.Error = msg }

// SignInPage is the sign-in form.
type SignInPage struct {
	Layout
	Login string // as typed, to fill the form again
	Next  string // a local path to go to afterwards
	FormError
}

func (*SignInPage) template() string { return "signin" }

// SignUpPage is the registration form, or what became of a registration.
type SignUpPage struct {
	Layout
	Mode convene.RegistrationMode
	// FirstAdmin: the instance has no account yet, and this form makes its administrator.
	FirstAdmin bool
	Username   string
	Email      string
	Timezone   string
	FormError
	// Pending: the account was made and waits for a moderator's approval.
	Pending bool
}

func (*SignUpPage) template() string { return "signup" }

// TimeZones are the zone names the form suggests.
func (*SignUpPage) TimeZones() []string { return timeZones }

// ErrorPage explains a failed request without exposing internals.
type ErrorPage struct {
	Layout
	Status  int
	Message string // safe to show: convene.ErrorMessage
	// SignIn is where a visitor signs in to come back here (for 401 and 403).
	SignIn string
	// RequestID names the failed request in the server's log, for a 500 to be reported.
	RequestID string
}

func (*ErrorPage) template() string { return "error" }

// ActorPage is the public page of an account or a community, at its actor URL.
type ActorPage struct {
	Layout
	Handle  string // @name@domain
	Name    string
	Summary template.HTML // rendered markdown
	Region  string
	IsGroup bool
	Since   time.Time
	Pictures
	Moderators []ActorLink
	// A community's events, and its landscape: what the communities it follows are doing.
	Upcoming        []EventView
	Past            []EventView
	Followed        []ActorLink
	FollowedThreads []PostLink
	FollowedEvents  []EventView
	CalendarURL     string
	FeedURL         string
	// A community's own threads, newest first, and its slug for the forms that post there.
	Slug    string
	Threads []PostLink
	// CanModerate: the viewer may moderate this community (a link to its settings).
	CanModerate bool
	// NewEventURL is the new-event form, for viewers who may announce events here.
	NewEventURL string
	// Follow: followers, the viewer's membership and the feeds (pages_follow.go).
	Follow FollowInfo
}

func (*ActorPage) template() string { return "actor" }

// ActorLink links to an actor by name, beside its avatar when it has one (an https URL).
type ActorLink struct {
	Name   string
	URL    string
	Avatar string
}

// PostView is one post on a page.
type PostView struct {
	ID        string
	Author    string // actor IRI
	Reply     bool
	Deleted   bool
	Content   template.HTML // rendered or sanitized before it was stored
	Published time.Time

	// AuthorName and AuthorHandle name the author readably when known; AuthorURL is where
	// the name links (a local /u/ page or the remote profile).
	AuthorName   string
	AuthorHandle string
	AuthorAvatar string // "" when the author has none
	AuthorURL    string
}

// TagPage lists the public posts carrying a hashtag.
type TagPage struct {
	Layout
	Tag   string
	Posts []PostView
}

func (*TagPage) template() string { return "tag" }

// ThreadLink is a thread in a list across communities: where it is, when, how lively.
type ThreadLink struct {
	PostLink
	Community ActorLink
	Published time.Time
	Replies   int
}

// PostLink links to a thread by its title.
type PostLink struct {
	Title string
	URL   string
}

// EventView is an event in a list or on its page.
type EventView struct {
	*convene.Event
	URL  string
	When string // "Tue 3 Feb 2026, 18:30–20:00 Europe/London – Guildford Library"
	// Yours is when that is for the viewer ("19:30–21:00 your time, Europe/Paris"), empty
	// for a visitor or when the viewer's clock reads the same.
	Yours string
}

// EventPage shows one event.
type EventPage struct {
	Layout
	Event     EventView
	Summary   string
	Organizer string // actor IRI
	Community string // actor IRI, empty when an actor alone organises it
	Content   template.HTML
	MapURL    string // OpenStreetMap, when there is a place
	Calendar  string // the .ics of a local event
	SharedIn  []ActorLink
	// RSVP is the viewer's answer so far ("", "pending", "accepted", "rejected"); Joinable
	// says whether the event takes RSVPs here at all.
	RSVP     string
	Joinable bool
	// Times, names and management (pages_event.go): when it is in the event's and the
	// viewer's zones, who organises it, and whether the viewer may edit, cancel or delete it.
	Times         EventTimes
	OrganizerName string
	CommunityName string
	CanManage     bool
}

func (*EventPage) template() string { return "event" }

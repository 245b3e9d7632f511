package frontend

import (
	"html/template"
	"time"

	"github.com/convene-social/convene"
)

// HomePage is the instance's front page: its communities.
type HomePage struct {
	Layout
	Communities []*convene.Community
	// FirstRun is true while the instance has no account: the page then says how to create
	// the first admin.
	FirstRun bool
}

func (*HomePage) template() string { return "home" }

// SignInPage is the sign-in form.
type SignInPage struct {
	Layout
	Login string // as typed, to fill the form again
	Next  string // a local path to go to afterwards
	Error string
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
	Error      string
	// Pending: the account was made and waits for a moderator's approval.
	Pending bool
}

func (*SignUpPage) template() string { return "signup" }

// ErrorPage explains a failed request without exposing internals.
type ErrorPage struct {
	Layout
	Status  int
	Message string // safe to show: convene.ErrorMessage
}

func (*ErrorPage) template() string { return "error" }

// ActorPage is the public page of an account or a community, at its actor URL.
type ActorPage struct {
	Layout
	Handle     string // @name@domain
	Name       string
	Summary    template.HTML // rendered markdown
	Region     string
	IsGroup    bool
	Since      time.Time
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
	// Follow: followers, the viewer's membership and the feeds (pages_follow.go).
	Follow FollowInfo
}

func (*ActorPage) template() string { return "actor" }

// ActorLink links to an actor by name.
type ActorLink struct {
	Name string
	URL  string
}

// ThreadPage shows a discussion thread.
type ThreadPage struct {
	Layout
	Posts []PostView
	// ReplyTo is the post a reply form answers (the thread's first post).
	ReplyTo string
}

func (*ThreadPage) template() string { return "thread" }

// PostView is one post on a page.
type PostView struct {
	ID        string
	Author    string // actor IRI
	Reply     bool
	Deleted   bool
	Content   template.HTML // rendered or sanitized before it was stored
	Published time.Time
}

// TagPage lists the public posts carrying a hashtag.
type TagPage struct {
	Layout
	Tag   string
	Posts []PostView
}

func (*TagPage) template() string { return "tag" }

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
}

func (*EventPage) template() string { return "event" }

// SetError puts a message above the form.
func (p *SignInPage) SetError(msg string) { p.Error = msg }

// SetError puts a message above the form.
func (p *SignUpPage) SetError(msg string) { p.Error = msg }

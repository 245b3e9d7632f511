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

package frontend

import "github.com/convene-social/convene"

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

package frontend

// FollowInfo is what a community page shows about following it: how many do, the viewer's
// own membership (to offer Join or Leave), and where to subscribe without an account.
type FollowInfo struct {
	Followers int    // accepted followers: members here and followers elsewhere
	Viewer    string // the signed-in viewer's follow: "" (none), "pending" or "accepted"
	AtomURL   string
}

// FollowRemotePage asks a visitor for their handle on Mastodon or another fediverse server,
// to send them to their own server to follow a community ("Follow from Mastodon").
type FollowRemotePage struct {
	Layout
	Slug    string
	Name    string // the community's
	Handle  string // the community's, @slug@domain: what to search for in an app instead
	Account string // the visitor's handle as typed, to fill the form again
	FormError
}

func (*FollowRemotePage) template() string { return "follow_remote" }

// AuthorizeInteractionPage is where "Follow from Mastodon" on another server sends a member
// of this one (our WebFinger's subscribe template): it names the actor and asks to confirm.
type AuthorizeInteractionPage struct {
	Layout
	URI    string // the actor's IRI, as the other server sent it
	Name   string // the actor's name, once it could be loaded
	Handle string // @name@host
	Avatar string // the actor's avatar (an https URL), or ""
	Done   bool   // the follow was asked for
	FormError
}

func (*AuthorizeInteractionPage) template() string { return "authorize_interaction" }

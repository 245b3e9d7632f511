package frontend

import "time"

// CommunityForm is a community's profile and policies as typed in a form, so a form with an
// error shows again what was typed.
type CommunityForm struct {
	Slug          string
	Name          string
	Summary       string // markdown
	Region        string
	FollowPolicy  string // open or approval
	PostingPolicy string // members, followers or moderators
}

// NewCommunityPage is the form that creates a community.
type NewCommunityPage struct {
	Layout
	Form CommunityForm
	FormError
}

func (*NewCommunityPage) template() string { return "community_new" }

// CommunitySettingsPage is where a community's moderators change its profile and policies,
// its moderators and whom it follows, and decide follow requests and cross-posts.
type CommunitySettingsPage struct {
	Layout
	Slug   string
	Name   string
	Handle string // @slug@domain
	Form   CommunityForm
	// Notice says what the last change did; Error what went wrong, shown in the section
	// ErrorIn (profile, moderators, requests, cross-posts, following).
	Notice string
	FormError
	ErrorIn string
	// ManageModerators: the viewer may add and remove moderators (the owner and admins).
	ManageModerators bool
	Moderators       []ModeratorView
	NewModerator     string // as typed
	FollowRequests   []FollowView
	CrossPosts       []CrossPostView
	Following        []FollowView
	FollowHandle     string // as typed
	PictureForms     PictureForms
}

func (*CommunitySettingsPage) template() string { return "community_settings" }

// ModeratorView is a moderator in the settings' list.
type ModeratorView struct {
	Username string
	Name     string
	URL      string
	Owner    bool // the owner always moderates and cannot be removed
}

// ActorView names an actor (here or elsewhere) on a page.
type ActorView struct {
	IRI    string
	Handle string // @name@host
	Name   string
	URL    string
}

// FollowView is one side of a follow: who asks to follow, or whom a community follows.
type FollowView struct {
	Actor   ActorView
	Pending bool
	Since   time.Time
}

// CrossPostView is an event shared into a community, waiting for a moderator.
type CrossPostView struct {
	ShareID   string
	Event     EventView
	Organiser ActorView
	SharedAt  time.Time
}

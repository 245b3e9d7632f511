package convene

import "context"

// TimelineFilter selects a timeline's posts or events by id: our ids are ULIDs, which sort by
// when the post or event was stored here, so a timeline pages by id as Mastodon's do.
type TimelineFilter struct {
	// Home is the actor whose home timeline this is: its own posts and events, everything in
	// the communities it belongs to (accepted follows), and the public posts and events of
	// the people it follows. Empty: the public timeline, public posts and events only.
	Home string
	// HomeAccount is the account of Home: the members of its exclusive lists stay out of it.
	HomeAccount string
	// List keeps what the members of this list (people and communities) posted, as Home
	// would show it to the list's owner (Home must be the owner).
	List string
	// Author keeps what this actor wrote (posts) or organises (events): a profile's statuses.
	Author string
	// Community keeps the threads of this community and the events it owns: a group's statuses.
	Community string
	// LocalOnly keeps what was made on this instance; RemoteOnly what came from elsewhere.
	LocalOnly, RemoteOnly bool
	// ThreadsOnly leaves replies out (a profile's exclude_replies).
	ThreadsOnly bool
	// BoostedBy are the local accounts (ids) whose boosts the timeline shows: on a home
	// timeline, the people it follows here.
	BoostedBy []string
	// OnlyMedia keeps posts with attachments (Mastodon's only_media); events have none.
	OnlyMedia bool
	// Tag keeps posts carrying this hashtag (lowercase, without '#'); events have none.
	Tag string
	// MaxID keeps items older than it; SinceID and MinID items newer. Results come newest
	// first, except with MinID: the oldest newer ones, ascending (the page just above MinID).
	MaxID, SinceID, MinID string
	Limit                 int
}

// TimelineStore reads timelines.
type TimelineStore interface {
	FindTimelinePosts(ctx context.Context, f TimelineFilter) ([]*Post, error)
	FindTimelineEvents(ctx context.Context, f TimelineFilter) ([]*Event, error)
	// FindTimelineBoosts pages the boosts by f.BoostedBy of public posts that still stand
	// (f.ThreadsOnly: of threads); none without BoostedBy.
	FindTimelineBoosts(ctx context.Context, f TimelineFilter) ([]*Boost, error)
}

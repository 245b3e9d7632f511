package service

import (
	"context"
	"slices"
	"strings"

	"github.com/convene-social/convene"
)

// TimelineItem is one entry of a timeline: a post, an event (which Mastodon apps show as a
// status), or someone's boost of a post (Boost and Post set).
type TimelineItem struct {
	Post    *convene.Post
	Event   *convene.Event
	Boost   *convene.Boost
	Booster string // the actor IRI of whoever boosted, with Boost
}

// ID is the entry's id, by which timelines sort and page.
func (i TimelineItem) ID() string {
	if i.Boost != nil {
		return i.Boost.ID
	}
	if i.Post != nil {
		return i.Post.ID
	}
	return i.Event.ID
}

// TimelineQuery is a page of a timeline (see convene.TimelineFilter for the bounds).
type TimelineQuery struct {
	MaxID, SinceID, MinID string
	Limit                 int
	LocalOnly, RemoteOnly bool
	ThreadsOnly           bool // no replies
	OnlyMedia             bool // posts with attachments only
}

// HomeTimeline is the signed-in account's home: the threads, replies and events of the
// communities it joined and of the people it follows, and its own, newest first.
func (s *Service) HomeTimeline(ctx context.Context, q TimelineQuery) ([]TimelineItem, error) {
	p := convene.PrincipalFrom(ctx)
	if p.Account == nil {
		return nil, convene.Errorf(convene.EUNAUTHORIZED, "sign in to read your home timeline")
	}
	f := timelineFilter(q, s.iris.Person(p.Account.Username), "")
	f.HomeAccount = p.Account.ID // the members of its exclusive lists have their own timelines
	boosters, err := s.followedPeopleHere(ctx, f.Home)
	if err != nil {
		return nil, err
	}
	for id := range boosters {
		f.BoostedBy = append(f.BoostedBy, id)
	}
	return s.timelineWithBoosts(ctx, f, boosters)
}

// followedPeopleHere maps the ids of the local accounts that actor follows to their IRIs:
// whose boosts its home timeline shows.
func (s *Service) followedPeopleHere(ctx context.Context, actor string) (map[string]string, error) {
	people := map[string]string{}
	err := s.eachFollow(ctx, convene.FollowFilter{Follower: actor, State: convene.FollowAccepted}, func(f *convene.Follow) error {
		id, ok, err := s.localPersonID(ctx, f.Followee)
		if ok {
			people[id] = f.Followee
		}
		return err
	})
	return people, err
}

// PublicTimeline is every public post and listed public event this instance knows, or only
// those made here.
func (s *Service) PublicTimeline(ctx context.Context, q TimelineQuery) ([]TimelineItem, error) {
	return s.timeline(ctx, timelineFilter(q, "", ""))
}

// ActorTimeline is what an actor shows on its profile: a person's public posts and the
// events they organise, or a community's public threads and its events; newest first.
func (s *Service) ActorTimeline(ctx context.Context, a Actor, q TimelineQuery) ([]TimelineItem, error) {
	f := timelineFilter(q, "", "")
	if a.Community != nil {
		f.Community = s.ActorIRI(a)
	} else {
		f.Author = s.ActorIRI(a)
	}
	return s.timeline(ctx, f)
}

// TagTimeline is the public posts carrying a hashtag.
func (s *Service) TagTimeline(ctx context.Context, tag string, q TimelineQuery) ([]TimelineItem, error) {
	tag = strings.ToLower(strings.TrimPrefix(tag, "#"))
	if tag == "" {
		return nil, convene.Errorf(convene.EINVALID, "a hashtag is required")
	}
	return s.timeline(ctx, timelineFilter(q, "", tag))
}

func timelineFilter(q TimelineQuery, home, tag string) convene.TimelineFilter {
	return convene.TimelineFilter{Home: home, LocalOnly: q.LocalOnly, RemoteOnly: q.RemoteOnly, ThreadsOnly: q.ThreadsOnly, OnlyMedia: q.OnlyMedia, Tag: tag,
		MaxID: q.MaxID, SinceID: q.SinceID, MinID: q.MinID, Limit: q.Limit}
}

// timeline merges a page of posts and a page of events by id. Each store query already
// returns at most Limit in the page's direction, so the merged page's first Limit are right.
func (s *Service) timeline(ctx context.Context, f convene.TimelineFilter) ([]TimelineItem, error) {
	return s.timelineWithBoosts(ctx, f, nil)
}

// timelineWithBoosts merges in a page of the boosts by f.BoostedBy too; boosters maps their
// account ids to their IRIs.
func (s *Service) timelineWithBoosts(ctx context.Context, f convene.TimelineFilter, boosters map[string]string) ([]TimelineItem, error) {
	if f.Limit <= 0 {
		f.Limit = 20
	}
	boosts, err := s.boostItems(ctx, f, boosters)
	if err != nil {
		return nil, err
	}
	posts, err := s.store.FindTimelinePosts(ctx, f)
	if err != nil {
		return nil, err
	}
	events, err := s.store.FindTimelineEvents(ctx, f)
	if err != nil {
		return nil, err
	}
	items := make([]TimelineItem, 0, len(posts)+len(events)+len(boosts))
	items = append(items, boosts...)
	for _, p := range posts {
		items = append(items, TimelineItem{Post: p})
	}
	for _, e := range events {
		items = append(items, TimelineItem{Event: e})
	}
	ascending := f.MinID != ""
	slices.SortFunc(items, func(a, b TimelineItem) int {
		if ascending {
			return strings.Compare(a.ID(), b.ID())
		}
		return strings.Compare(b.ID(), a.ID())
	})
	items = items[:min(len(items), f.Limit)]
	if ascending { // the page above MinID, shown newest first like every page
		slices.Reverse(items)
	}
	return items, nil
}

// boostItems is a page of the boosts by f.BoostedBy, each with the post it shares.
func (s *Service) boostItems(ctx context.Context, f convene.TimelineFilter, boosters map[string]string) ([]TimelineItem, error) {
	boosts, err := s.store.FindTimelineBoosts(ctx, f)
	if err != nil || len(boosts) == 0 {
		return nil, err
	}
	ids := make([]string, len(boosts))
	for i, b := range boosts {
		ids[i] = b.PostID
	}
	posts, err := s.store.FindPosts(ctx, convene.PostFilter{IDs: ids, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*convene.Post, len(posts))
	for _, p := range posts {
		byID[p.ID] = p
	}
	items := make([]TimelineItem, 0, len(boosts))
	for _, b := range boosts {
		if p := byID[b.PostID]; p != nil {
			items = append(items, TimelineItem{Post: p, Boost: b, Booster: boosters[b.AccountID]})
		}
	}
	return items, nil
}

// FindStatus finds the post, event or boost with this id that the principal may see:
// Mastodon apps know all three as statuses.
func (s *Service) FindStatus(ctx context.Context, id string) (TimelineItem, error) {
	p, err := s.FindPost(ctx, id)
	if err == nil {
		return TimelineItem{Post: p}, nil
	}
	if convene.ErrorCode(err) != convene.ENOTFOUND {
		return TimelineItem{}, err
	}
	if e, err := s.FindEvent(ctx, id); convene.ErrorCode(err) != convene.ENOTFOUND {
		return TimelineItem{Event: e}, err
	}
	return s.findBoost(ctx, id)
}

// findBoost finds a boost, by a local account, of a post the principal may see.
func (s *Service) findBoost(ctx context.Context, id string) (TimelineItem, error) {
	b, err := s.store.FindBoostByID(ctx, id)
	if err != nil {
		return TimelineItem{}, err
	}
	p, err := s.FindPost(ctx, b.PostID)
	if err != nil {
		return TimelineItem{}, err
	}
	booster, err := s.store.FindAccountByID(ctx, b.AccountID)
	if err != nil {
		return TimelineItem{}, err
	}
	return TimelineItem{Post: p, Boost: b, Booster: s.iris.Person(booster.Username)}, nil
}

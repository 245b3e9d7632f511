package service

import (
	"context"
	"slices"
	"strings"

	"github.com/convene-social/convene"
)

// HomeLandscape is the instance's front page: its communities, the communities they follow
// elsewhere, what is coming up across all of them, and the latest discussions.
type HomeLandscape struct {
	Communities []*convene.Community
	Followed    []ActorName // communities elsewhere that ours follow
	Events      []*convene.Event
	Threads     []*convene.Post
	// Names names the communities that Events and Threads belong to, by IRI.
	Names map[string]ActorName
}

// maxHomeCommunities bounds the communities the home page lists.
const maxHomeCommunities = 100

// HomeLandscape gathers the front page: up to limit upcoming events (the instance's agenda:
// what its communities made, shared or follow) and limit recent public threads.
func (s *Service) HomeLandscape(ctx context.Context, limit int) (*HomeLandscape, error) {
	communities, err := s.FindCommunities(ctx, convene.CommunityFilter{Limit: maxHomeCommunities})
	if err != nil {
		return nil, err
	}
	l := &HomeLandscape{Communities: communities}
	if l.Followed, err = s.followedElsewhere(ctx, communities); err != nil {
		return nil, err
	}
	if l.Events, err = s.UpcomingEvents(ctx, "", limit); err != nil {
		return nil, err
	}
	// The public timeline's threads: deleted ones are left out by the query, so a page of
	// them is a full page.
	if l.Threads, err = s.store.FindTimelinePosts(ctx, convene.TimelineFilter{ThreadsOnly: true, Limit: limit}); err != nil {
		return nil, err
	}
	var named []string // the communities events and threads belong to
	for _, e := range l.Events {
		if e.CommunityIRI != "" {
			named = append(named, e.CommunityIRI)
		}
	}
	for _, p := range l.Threads {
		named = append(named, p.CommunityIRI)
	}
	l.Names = s.ActorNames(ctx, named)
	return l, nil
}

// followedElsewhere lists the communities on other servers that any of ours follow.
func (s *Service) followedElsewhere(ctx context.Context, communities []*convene.Community) ([]ActorName, error) {
	followers := make([]string, len(communities))
	for i, c := range communities {
		followers[i] = s.iris.Group(c.Slug)
	}
	groups, err := s.followedRemoteGroups(ctx, followers)
	if err != nil {
		return nil, err
	}
	list := make([]ActorName, 0, len(groups))
	for _, g := range groups {
		list = append(list, RemoteActorName(g))
	}
	slices.SortFunc(list, func(a, b ActorName) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return list, nil
}

// followedRemoteGroups lists the Groups on other servers (not gone) that any of followers
// follow (accepted follows), each once: the home page's and the cross-post picker's
// "communities elsewhere".
func (s *Service) followedRemoteGroups(ctx context.Context, followers []string) ([]*convene.RemoteActor, error) {
	if len(followers) == 0 {
		return nil, nil
	}
	follows, err := s.store.FindFollows(ctx, convene.FollowFilter{Followers: followers,
		State: convene.FollowAccepted, Limit: maxLandscapeCommunities})
	if err != nil {
		return nil, err
	}
	var groups []*convene.RemoteActor
	seen := map[string]bool{}
	for _, f := range follows {
		if _, _, local := s.iris.LocalActor(f.Followee); local || seen[f.Followee] {
			continue
		}
		seen[f.Followee] = true
		a, err := s.store.FindRemoteActor(ctx, f.Followee)
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if a.Type == "Group" && !a.Gone {
			groups = append(groups, a)
		}
	}
	return groups, nil
}

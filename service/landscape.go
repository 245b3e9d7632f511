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
	l := &HomeLandscape{Communities: communities, Names: map[string]ActorName{}}
	if l.Followed, err = s.followedElsewhere(ctx, communities); err != nil {
		return nil, err
	}
	if l.Events, err = s.UpcomingEvents(ctx, "", limit); err != nil {
		return nil, err
	}
	threads, err := s.store.FindPosts(ctx, convene.PostFilter{ThreadsOnly: true, PublicOnly: true, Limit: limit})
	if err != nil {
		return nil, err
	}
	l.Threads = slices.DeleteFunc(threads, func(p *convene.Post) bool { return p.DeletedAt != nil })
	for _, e := range l.Events {
		l.Names[e.CommunityIRI] = ActorName{}
	}
	for _, p := range l.Threads {
		l.Names[p.CommunityIRI] = ActorName{}
	}
	delete(l.Names, "")
	iris := make([]string, 0, len(l.Names))
	for iri := range l.Names {
		iris = append(iris, iri)
	}
	l.Names = s.ActorNames(ctx, iris)
	return l, nil
}

// followedElsewhere lists the communities on other servers that any of ours follow.
func (s *Service) followedElsewhere(ctx context.Context, communities []*convene.Community) ([]ActorName, error) {
	if len(communities) == 0 {
		return nil, nil
	}
	followers := make([]string, len(communities))
	for i, c := range communities {
		followers[i] = s.iris.Group(c.Slug)
	}
	follows, err := s.store.FindFollows(ctx, convene.FollowFilter{Followers: followers,
		State: convene.FollowAccepted, Limit: maxLandscapeCommunities})
	if err != nil {
		return nil, err
	}
	var list []ActorName
	seen := map[string]bool{}
	for _, f := range follows {
		if seen[f.Followee] {
			continue
		}
		seen[f.Followee] = true
		if _, _, local := s.iris.LocalActor(f.Followee); local {
			continue
		}
		if a, err := s.store.FindRemoteActor(ctx, f.Followee); err == nil && a.Type == "Group" {
			list = append(list, remoteActorName(a))
		}
	}
	slices.SortFunc(list, func(a, b ActorName) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return list, nil
}

package service

import (
	"context"

	"github.com/convene-social/convene"
)

// Profile is what an account's public page shows.
type Profile struct {
	Account     *convene.Account
	Communities []ProfileCommunity // communities the account has joined (accepted follows)
	Posts       []*convene.Post    // its recent public threads and replies, newest first
}

// ProfileCommunity is a community a profile belongs to, here or on another server.
type ProfileCommunity struct {
	IRI  string // the Group actor: also its page for a local community
	Name string
}

// Profile sizes: a profile page is a summary, not an archive.
const (
	profileCommunities = 50
	profilePosts       = 20
)

// Profile returns the public profile of the account named username: the communities it
// joined (public, as its following collection is) and its recent public posts.
func (s *Service) Profile(ctx context.Context, username string) (*Profile, error) {
	a, err := s.FindAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	person := s.iris.Person(a.Username)
	pr := &Profile{Account: a}
	if pr.Communities, err = s.joinedCommunities(ctx, person); err != nil {
		return nil, err
	}
	posts, err := s.store.FindPosts(ctx, convene.PostFilter{AuthorIRI: person, PublicOnly: true, Limit: profilePosts})
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		if p.DeletedAt == nil {
			pr.Posts = append(pr.Posts, p)
		}
	}
	return pr, nil
}

// joinedCommunities lists the groups actor follows, named from the local community or the
// cached remote actor. Followed people, and remote actors we know nothing of, are left out.
func (s *Service) joinedCommunities(ctx context.Context, actor string) ([]ProfileCommunity, error) {
	follows, err := s.store.FindFollows(ctx, convene.FollowFilter{Follower: actor, State: convene.FollowAccepted,
		Limit: profileCommunities})
	if err != nil {
		return nil, err
	}
	var list []ProfileCommunity
	for _, f := range follows {
		c, err := s.communityName(ctx, f.Followee)
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if c.Name != "" {
			list = append(list, c)
		}
	}
	return list, nil
}

// communityName names the community at iri; an empty Name when iri is not a community.
func (s *Service) communityName(ctx context.Context, iri string) (ProfileCommunity, error) {
	pc := ProfileCommunity{IRI: iri}
	if kind, slug, ok := s.iris.LocalActor(iri); ok {
		if kind != "group" {
			return pc, nil
		}
		c, err := s.store.FindCommunityBySlug(ctx, slug)
		if err != nil {
			return pc, err
		}
		pc.Name = c.Name
		return pc, nil
	}
	ra, err := s.store.FindRemoteActor(ctx, iri)
	if err != nil || ra.Type != "Group" {
		return pc, err
	}
	pc.Name = displayName(ra.Name, ra.Handle())
	return pc, nil
}

func displayName(name, fallback string) string {
	if name != "" {
		return name
	}
	return fallback
}

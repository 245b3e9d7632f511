package service

import (
	"context"

	"github.com/convene-social/convene"
)

// Profile is what an account's public page shows.
type Profile struct {
	Account     *convene.Account
	Communities []ActorName     // communities the account has joined (accepted follows)
	Posts       []*convene.Post // its recent public threads and replies, newest first
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

// joinedCommunities lists the groups actor follows, here or elsewhere, named from what this
// instance stores. Followed people are left out.
func (s *Service) joinedCommunities(ctx context.Context, actor string) ([]ActorName, error) {
	follows, err := s.store.FindFollows(ctx, convene.FollowFilter{Follower: actor, State: convene.FollowAccepted,
		Limit: profileCommunities})
	if err != nil {
		return nil, err
	}
	var list []ActorName
	for _, f := range follows {
		if s.isCommunity(ctx, f.Followee) {
			list = append(list, s.ActorName(ctx, f.Followee))
		}
	}
	return list, nil
}

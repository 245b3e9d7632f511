package service

import (
	"context"

	"github.com/convene-social/convene"
)

// groupSlugs maps the actor IRIs of communities to their slugs.
type groupSlugs map[string]string

func (g groupSlugs) iris() []string {
	out := make([]string, 0, len(g))
	for iri := range g {
		out = append(out, iri)
	}
	return out
}

// moderatedGroups lists the communities the signed-in account moderates (owners included;
// instance staff only where they are named moderators, or every request on the instance
// would land in an admin's app).
func (s *Service) moderatedGroups(ctx context.Context) (groupSlugs, error) {
	a, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	groups := groupSlugs{}
	for before := ""; ; {
		list, err := s.store.FindCommunities(ctx, convene.CommunityFilter{ModeratorID: a.ID, BeforeID: before, Limit: 200})
		if err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return groups, nil
		}
		for _, c := range list {
			groups[s.iris.Group(c.Slug)] = c.Slug
		}
		before = list[len(list)-1].ID
	}
}

// FollowRequests lists the follow requests waiting for the signed-in account: those of the
// communities it moderates, newest first, older than beforeID when given. Mastodon apps show
// them as the account's own follow requests, so a moderator can decide them from a phone.
func (s *Service) FollowRequests(ctx context.Context, beforeID string, limit int) ([]*convene.Follow, error) {
	groups, err := s.moderatedGroups(ctx)
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	return s.store.FindFollows(ctx, convene.FollowFilter{Followees: groups.iris(), State: convene.FollowPending,
		BeforeID: beforeID, Limit: limit})
}

// DecideFollowRequests approves or rejects every pending request by follower to the
// communities the signed-in account moderates; ENOTFOUND when there is none.
func (s *Service) DecideFollowRequests(ctx context.Context, follower string, approve bool) error {
	groups, err := s.moderatedGroups(ctx)
	if err != nil {
		return err
	}
	var pending []*convene.Follow
	if len(groups) > 0 {
		pending, err = s.store.FindFollows(ctx, convene.FollowFilter{Follower: follower, Followees: groups.iris(),
			State: convene.FollowPending, Limit: 200})
		if err != nil {
			return err
		}
	}
	if len(pending) == 0 {
		return convene.Errorf(convene.ENOTFOUND, "no follow request from that account")
	}
	for _, f := range pending {
		if err := s.DecideFollow(ctx, groups[f.Followee], follower, approve); err != nil {
			return err
		}
	}
	return nil
}

// DecideFollowRequestOf is DecideFollowRequests for the account (person or community, here
// or elsewhere) with that id, as apps name it, and answers with the signed-in account's
// relationship to it afterwards.
func (s *Service) DecideFollowRequestOf(ctx context.Context, id string, approve bool) (Relationship, error) {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return Relationship{}, err
	}
	actor, err := s.FindActorByID(ctx, id)
	if err != nil {
		return Relationship{}, err
	}
	iri := s.ActorIRI(actor)
	if err := s.DecideFollowRequests(ctx, iri, approve); err != nil {
		return Relationship{}, err
	}
	return s.relationship(ctx, s.iris.Person(me.Username), id, iri)
}

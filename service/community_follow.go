package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/convene-social/convene"
)

// FollowCommunity makes a local community follow another community, named by @slug@host,
// a local slug or a Group IRI: a convener bridging to a neighbouring community (FEP-d36d
// group→group follows). A community elsewhere is looked up through the ResolveHandle hook
// and receives a Follow; it stays pending until that community accepts. A community here is
// followed at once, or waits for its moderators if it approves followers. The community's
// moderators and instance staff may.
func (s *Service) FollowCommunity(ctx context.Context, slug, handle string) (*convene.Follow, error) {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	ref := strings.TrimSpace(handle)
	if ref == "" {
		return nil, convene.Errorf(convene.EINVALID, "name the community to follow, like @name@example.org")
	}
	// A handle of this instance names one of our communities: no need to ask the network.
	if name, host, ok := strings.Cut(strings.TrimPrefix(ref, "@"), "@"); ok && strings.EqualFold(host, s.iris.Domain()) {
		ref = name
	}
	t, err := s.resolveCommunity(ctx, ref)
	if err != nil {
		return nil, err
	}
	group := s.iris.Group(c.Slug)
	if t.iri == group {
		return nil, convene.Errorf(convene.EINVALID, "a community cannot follow itself")
	}
	if _, err := s.store.FindFollow(ctx, group, t.iri); err == nil {
		return nil, convene.Errorf(convene.ECONFLICT, "%s already follows (or asked to follow) %s", c.Slug, handle)
	} else if convene.ErrorCode(err) != convene.ENOTFOUND {
		return nil, err
	}
	if t.c != nil {
		return s.followLocalCommunity(ctx, group, t.c)
	}
	remote, err := s.store.FindRemoteActor(ctx, t.iri)
	if err != nil {
		return nil, err
	}
	return s.followRemote(ctx, group, remote)
}

// followLocalCommunity records a follow of a community of this instance by a member or
// another of its communities, under the community's follow policy; no activity is sent.
func (s *Service) followLocalCommunity(ctx context.Context, follower string, target *convene.Community) (*convene.Follow, error) {
	state := convene.FollowAccepted
	if target.FollowPolicy == convene.FollowApproval {
		state = convene.FollowPending
	}
	f := s.newFollow(s.iris.Activity(convene.NewIDAt(s.timestamp())), follower, s.iris.Group(target.Slug), state)
	if err := s.store.CreateFollow(ctx, f); err != nil {
		return nil, fmt.Errorf("follow %s: %w", target.Slug, err)
	}
	return f, nil
}

// UnfollowCommunity ends (or withdraws the request of) a local community's follow of
// another actor. An actor elsewhere receives Undo{Follow}, naming our Follow by its id as
// Mastodon and Lemmy match it. The community's moderators and instance staff may.
func (s *Service) UnfollowCommunity(ctx context.Context, slug, followee string) error {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return err
	}
	return s.unfollow(ctx, s.iris.Group(c.Slug), followee)
}

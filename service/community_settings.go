package service

import (
	"cmp"
	"context"
	"fmt"

	"github.com/convene-social/convene"
)

// CommunityUpdate is the input to UpdateCommunity: a community's profile and policies. An
// empty policy keeps the current one.
type CommunityUpdate struct {
	Name          string
	Summary       string // markdown
	Region        string
	FollowPolicy  convene.FollowPolicy
	PostingPolicy convene.PostingPolicy
}

// UpdateCommunity changes a community's profile and policies. Its moderators and instance
// staff may. Followers learn of it by an Update of the Group (carrying only its id, so they
// fetch the actor again, as Mastodon does for profile changes). Opening an approval
// community accepts the follow requests that were waiting, as Mastodon does when an account
// is unlocked: the policy that made them wait no longer holds.
func (s *Service) UpdateCommunity(ctx context.Context, slug string, in CommunityUpdate) (*convene.Community, error) {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	if in.FollowPolicy == "" {
		in.FollowPolicy = c.FollowPolicy
	}
	if in.PostingPolicy == "" {
		in.PostingPolicy = c.PostingPolicy
	}
	// newCommunity holds the rules a community's fields obey, for creation and change alike.
	v, err := s.newCommunity(CommunityCreate{Slug: c.Slug, Name: in.Name, Summary: in.Summary, Region: in.Region,
		FollowPolicy: in.FollowPolicy, PostingPolicy: in.PostingPolicy})
	if err != nil {
		return nil, err
	}
	opened := c.FollowPolicy == convene.FollowApproval && v.FollowPolicy == convene.FollowOpen
	c.Name, c.Summary, c.Region, c.FollowPolicy, c.PostingPolicy = v.Name, v.Summary, v.Region, v.FollowPolicy, v.PostingPolicy
	c.UpdatedAt = s.timestamp()
	group := s.iris.Group(c.Slug)
	defer s.notifyOutbox()
	err = s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.UpdateCommunity(ctx, c); err != nil {
			return err
		}
		if opened {
			if err := s.acceptPendingFollows(ctx, tx, group); err != nil {
				return err
			}
		}
		return tx.EnqueueActivity(ctx, s.actorUpdate(group, c.UpdatedAt))
	})
	if err != nil {
		return nil, fmt.Errorf("update community %s: %w", c.Slug, err)
	}
	s.log.InfoContext(ctx, "community updated", "slug", c.Slug)
	return c, nil
}

// acceptPendingFollows accepts every follow of group that waits for a moderator.
func (s *Service) acceptPendingFollows(ctx context.Context, tx convene.Store, group string) error {
	pending, err := tx.FindFollows(ctx, convene.FollowFilter{Followee: group, State: convene.FollowPending})
	if err != nil {
		return err
	}
	for _, f := range pending {
		if err := tx.UpdateFollowState(ctx, f.ID, convene.FollowAccepted, s.timestamp()); err != nil {
			return err
		}
		if err := s.enqueueAnswer(ctx, tx, "Accept", group, f, f.ActivityIRI); err != nil {
			return err
		}
	}
	return nil
}

// CanManageModerators reports whether the principal may add and remove moderators of c:
// its owner and instance admins (AddModerator's rule).
func (s *Service) CanManageModerators(ctx context.Context, c *convene.Community) bool {
	return s.requireOwner(ctx, c) == nil
}

// ActorRef names an actor for people: its handle, its name and where to see it.
type ActorRef struct {
	IRI    string
	Handle string // @name@host; the IRI when the actor is unknown here
	Name   string
	URL    string
}

// FollowView is a follow with the actor on its other side.
type FollowView struct {
	Follow *convene.Follow
	Actor  ActorRef
}

// PendingCrossPost is an event someone shared into a community, waiting for a moderator.
type PendingCrossPost struct {
	Share     *convene.Share
	Event     *convene.Event
	Organiser ActorRef
}

// CommunitySettings is what a community's moderators look after, on one page.
type CommunitySettings struct {
	Community  *convene.Community
	Moderators []*convene.Account
	// ManageModerators: the principal may add and remove moderators (owner and admins).
	ManageModerators bool
	FollowRequests   []FollowView       // follows waiting for approval
	CrossPosts       []PendingCrossPost // events waiting for approval
	Following        []FollowView       // whom the community follows or asked to follow
}

// maxSettingsList bounds each list on the settings page.
const maxSettingsList = 200

// CommunitySettings gathers a community's settings for its moderators and instance staff.
func (s *Service) CommunitySettings(ctx context.Context, slug string) (*CommunitySettings, error) {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	group := s.iris.Group(c.Slug)
	cs := &CommunitySettings{Community: c, ManageModerators: s.CanManageModerators(ctx, c)}
	if cs.Moderators, err = s.store.FindModerators(ctx, c.ID); err != nil {
		return nil, err
	}
	if cs.FollowRequests, err = s.followViews(ctx, convene.FollowFilter{Followee: group, State: convene.FollowPending},
		func(f *convene.Follow) string { return f.Follower }); err != nil {
		return nil, err
	}
	if cs.Following, err = s.followViews(ctx, convene.FollowFilter{Follower: group},
		func(f *convene.Follow) string { return f.Followee }); err != nil {
		return nil, err
	}
	if cs.CrossPosts, err = s.pendingCrossPosts(ctx, c); err != nil {
		return nil, err
	}
	return cs, nil
}

func (s *Service) followViews(ctx context.Context, filter convene.FollowFilter, other func(*convene.Follow) string) ([]FollowView, error) {
	filter.Limit = maxSettingsList
	follows, err := s.store.FindFollows(ctx, filter)
	if err != nil {
		return nil, err
	}
	views := make([]FollowView, 0, len(follows))
	for _, f := range follows {
		views = append(views, FollowView{Follow: f, Actor: s.DescribeActor(ctx, other(f))})
	}
	return views, nil
}

func (s *Service) pendingCrossPosts(ctx context.Context, c *convene.Community) ([]PendingCrossPost, error) {
	shares, err := s.store.FindCommunityShares(ctx, c.ID, convene.SharePending)
	if err != nil {
		return nil, err
	}
	var list []PendingCrossPost
	for _, sh := range shares {
		e, err := s.store.FindEventByIRI(ctx, sh.ObjectIRI)
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			continue // only events are cross-posted; nothing to decide without one
		} else if err != nil {
			return nil, err
		}
		list = append(list, PendingCrossPost{Share: sh, Event: e, Organiser: s.DescribeActor(ctx, sh.SharedBy)})
		if len(list) == maxSettingsList {
			break
		}
	}
	return list, nil
}

// DescribeActor is ActorName with the IRI kept and a handle always set (the IRI for an actor
// never fetched), as the settings lists show them.
func (s *Service) DescribeActor(ctx context.Context, iri string) ActorRef {
	n := s.ActorName(ctx, iri)
	return ActorRef{IRI: iri, Handle: cmp.Or(n.Handle, iri), Name: n.Name, URL: n.URL}
}

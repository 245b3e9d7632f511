package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/convene-social/convene"
)

// ReceiveFollow applies a Follow from a remote actor to a local one. Open communities,
// people and the instance actor accept at once (an Accept goes back); approval communities
// keep it pending for their moderators. A repeated Follow of an accepted pair is accepted
// again, since the sender may have lost our first Accept.
func (s *Service) ReceiveFollow(ctx context.Context, activityIRI, follower, followee string) error {
	manual, err := s.requiresApproval(ctx, followee)
	if err != nil {
		return err
	}
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		f, err := tx.FindFollow(ctx, follower, followee)
		switch {
		case convene.ErrorCode(err) == convene.ENOTFOUND:
			f = s.newFollow(activityIRI, follower, followee, convene.FollowPending)
			if !manual {
				f.State = convene.FollowAccepted
			}
			if err := tx.CreateFollow(ctx, f); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if f.State != convene.FollowAccepted {
			return nil // waits for a moderator
		}
		return s.enqueueAnswer(ctx, tx, "Accept", followee, f, activityIRI)
	})
}

// requiresApproval reports whether follows of the local actor iri wait for a moderator.
func (s *Service) requiresApproval(ctx context.Context, iri string) (bool, error) {
	kind, name, ok := s.iris.LocalActor(iri)
	if !ok {
		return false, convene.Errorf(convene.ENOTFOUND, "%s is not an actor here", iri)
	}
	switch kind {
	case "group":
		c, err := s.store.FindCommunityBySlug(ctx, name)
		if err != nil {
			return false, err
		}
		return c.FollowPolicy == convene.FollowApproval, nil
	case "person":
		a, err := s.store.FindAccountByUsername(ctx, name)
		if err != nil {
			return false, err
		}
		return false, s.checkListed(ctx, a)
	}
	return false, nil // the instance actor: relays and event sites follow it freely
}

func (s *Service) newFollow(activityIRI, follower, followee string, state convene.FollowState) *convene.Follow {
	now := s.timestamp()
	return &convene.Follow{ID: convene.NewIDAt(now), ActivityIRI: activityIRI, Follower: follower,
		Followee: followee, State: state, CreatedAt: now, UpdatedAt: now}
}

// enqueueAnswer queues an Accept or Reject of follow f from the followee to the follower.
// It answers with the Follow's IRI as the follower sent it (requestIRI), which is what the
// follower matches on.
func (s *Service) enqueueAnswer(ctx context.Context, tx convene.Store, typ, followee string, f *convene.Follow, requestIRI string) error {
	now := s.timestamp()
	return tx.EnqueueActivity(ctx, &convene.Activity{
		ID: convene.NewIDAt(now), Type: typ, Actor: followee, Object: requestIRI,
		Inner: &convene.InnerActivity{IRI: requestIRI, Type: "Follow", Actor: f.Follower, Object: followee},
		To:    []string{f.Follower}, Published: now,
	})
}

// ReceiveAccept marks our Follow accepted. Only the followed actor may accept it; an
// Accept of a Follow we never sent (or already withdrew) changes nothing.
func (s *Service) ReceiveAccept(ctx context.Context, followIRI, by string) error {
	f, err := s.store.FindFollowByActivity(ctx, followIRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND || (err == nil && f.Followee != by) {
		s.log.InfoContext(ctx, "ignored Accept of an unknown follow", "follow", followIRI, "by", by)
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.UpdateFollowState(ctx, f.ID, convene.FollowAccepted, s.timestamp())
}

// ReceiveReject drops our Follow (pending or accepted) when the followed actor rejects it.
func (s *Service) ReceiveReject(ctx context.Context, followIRI, by string) error {
	f, err := s.store.FindFollowByActivity(ctx, followIRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND || (err == nil && f.Followee != by) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.DeleteFollow(ctx, f.ID)
}

// ReceiveUndoFollow ends a follow when its follower withdraws it. Peers identify the
// Follow by its IRI or only by the pair, so either is enough; an Undo that arrives before
// its Follow (or for one we never saw) changes nothing.
func (s *Service) ReceiveUndoFollow(ctx context.Context, followIRI, follower, followee string) error {
	f, err := s.store.FindFollowByActivity(ctx, followIRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND && followee != "" {
		f, err = s.store.FindFollow(ctx, follower, followee)
	}
	if convene.ErrorCode(err) == convene.ENOTFOUND || (err == nil && f.Follower != follower) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.DeleteFollow(ctx, f.ID)
}

// PendingFollows lists the follow requests a community's moderators have to decide.
func (s *Service) PendingFollows(ctx context.Context, slug string) ([]*convene.Follow, error) {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	return s.store.FindFollows(ctx, convene.FollowFilter{Followee: s.iris.Group(c.Slug), State: convene.FollowPending, Limit: 200})
}

// DecideFollow approves or rejects a pending follow of a community. Owners, moderators
// and instance staff may.
func (s *Service) DecideFollow(ctx context.Context, slug, follower string, approve bool) error {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return err
	}
	followee := s.iris.Group(c.Slug)
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		f, err := tx.FindFollow(ctx, follower, followee)
		if err != nil {
			return err
		}
		if f.State != convene.FollowPending {
			return convene.Errorf(convene.ECONFLICT, "%s already follows %s", follower, c.Slug)
		}
		if approve {
			if err := tx.UpdateFollowState(ctx, f.ID, convene.FollowAccepted, s.timestamp()); err != nil {
				return err
			}
			return s.enqueueAnswer(ctx, tx, "Accept", followee, f, f.ActivityIRI)
		}
		if err := tx.DeleteFollow(ctx, f.ID); err != nil {
			return err
		}
		return s.enqueueAnswer(ctx, tx, "Reject", followee, f, f.ActivityIRI)
	})
}

// moderatedCommunity loads a community the principal may moderate.
func (s *Service) moderatedCommunity(ctx context.Context, slug string) (*convene.Community, error) {
	c, err := s.FindCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	ok, err := s.CanModerate(ctx, c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, convene.Errorf(convene.EFORBIDDEN, "only moderators of %s may do that", c.Slug)
	}
	return c, nil
}

// FollowRemote makes a local account or community follow a remote actor: the follow waits
// as pending until the remote side accepts. An account may follow for itself (admins for
// anyone); a community's moderators may make it follow.
func (s *Service) FollowRemote(ctx context.Context, localName string, remote *convene.RemoteActor) (*convene.Follow, error) {
	follower, err := s.localActorIRI(ctx, localName)
	if err != nil {
		return nil, err
	}
	return s.followRemote(ctx, follower, remote)
}

// followRemote records a pending follow of a remote actor and queues the Follow.
func (s *Service) followRemote(ctx context.Context, follower string, remote *convene.RemoteActor) (*convene.Follow, error) {
	if blocked, err := s.store.IsDomainBlocked(ctx, remote.Domain); err != nil || blocked {
		return nil, firstErr(err, convene.Errorf(convene.EFORBIDDEN, "%s is blocked", remote.Domain))
	}
	now := s.timestamp()
	activityID := convene.NewIDAt(now)
	f := s.newFollow(s.iris.Activity(activityID), follower, remote.IRI, convene.FollowPending)
	err := s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.CreateFollow(ctx, f); err != nil {
			return err
		}
		return tx.EnqueueActivity(ctx, &convene.Activity{ID: activityID, Type: "Follow", Actor: follower,
			Object: remote.IRI, To: []string{remote.IRI}, Published: now})
	})
	if err != nil {
		return nil, fmt.Errorf("follow %s: %w", remote.IRI, err)
	}
	s.notifyOutbox()
	return f, nil
}

// localActorIRI resolves the local follower named name and checks the principal may act for it.
func (s *Service) localActorIRI(ctx context.Context, name string) (string, error) {
	a, c, err := s.FindActor(ctx, name)
	if err != nil {
		return "", err
	}
	p := convene.PrincipalFrom(ctx)
	if a != nil {
		if !p.IsAdmin() && (p.Account == nil || p.Account.ID != a.ID) {
			return "", convene.Errorf(convene.EFORBIDDEN, "you may only follow as yourself")
		}
		return s.iris.Person(a.Username), nil
	}
	if _, err := s.moderatedCommunity(ctx, c.Slug); err != nil {
		return "", err
	}
	return s.iris.Group(c.Slug), nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// FollowPage is one page of a local actor's followers or following, newest first.
type FollowPage struct {
	Actors []string // IRIs
	Total  int
	NextID string // pass as beforeID for the next page; empty on the last
}

// Followers lists who follows the local actor iri (accepted follows only).
func (s *Service) Followers(ctx context.Context, iri, beforeID string) (FollowPage, error) {
	return s.followPage(ctx, convene.FollowFilter{Followee: iri, State: convene.FollowAccepted}, beforeID, func(f *convene.Follow) string { return f.Follower })
}

// Following lists whom the local actor iri follows (accepted follows only).
func (s *Service) Following(ctx context.Context, iri, beforeID string) (FollowPage, error) {
	return s.followPage(ctx, convene.FollowFilter{Follower: iri, State: convene.FollowAccepted}, beforeID, func(f *convene.Follow) string { return f.Followee })
}

const followPageSize = 40

func (s *Service) followPage(ctx context.Context, filter convene.FollowFilter, beforeID string, other func(*convene.Follow) string) (FollowPage, error) {
	var page FollowPage
	var err error
	if page.Total, err = s.store.CountFollows(ctx, filter); err != nil {
		return page, err
	}
	filter.BeforeID, filter.Limit = beforeID, followPageSize
	list, err := s.store.FindFollows(ctx, filter)
	if err != nil {
		return page, err
	}
	for _, f := range list {
		page.Actors = append(page.Actors, other(f))
	}
	if len(list) == followPageSize {
		page.NextID = list[len(list)-1].ID
	}
	return page, nil
}

// FindActivityForActor returns an activity a local actor sent, by its ULID, to the actor
// behind a signed fetch ("" for an unsigned one). What went to the public is anyone's; the
// rest only its audience's: the actors it names, the accepted followers of the local actor
// whose followers it went to, and, for the Create or Update of a local post, whoever may see
// that post. To everyone else it does not exist, as such posts do not.
func (s *Service) FindActivityForActor(ctx context.Context, id, actor string) (*convene.Activity, error) {
	a, err := s.store.FindActivity(ctx, id)
	if err != nil {
		return nil, err
	}
	notFound := convene.Errorf(convene.ENOTFOUND, "activity not found")
	recipients := slices.Concat(a.To, a.Cc)
	switch {
	case slices.Contains(recipients, convene.PublicIRI):
		return a, nil
	case actor == "":
		return nil, notFound
	case slices.Contains(recipients, actor):
		return a, nil
	}
	for _, to := range recipients {
		owner, ok := s.iris.FollowersOwner(to)
		if !ok {
			continue
		}
		if follows, err := s.followsAccepted(ctx, actor, owner); err != nil || follows {
			return a, err
		}
	}
	if a.Type == "Create" || a.Type == "Update" {
		if p, err := s.store.FindPostByIRI(ctx, a.Object); err == nil {
			if _, err := s.postForActor(ctx, p, actor); err == nil {
				return a, nil
			}
		}
	}
	return nil, notFound
}

// FollowInstance makes this instance's actor follow another server's instance actor
// (FEP-2677): a Mobilizon or Gancio instance then sends us its public events. Admins only.
func (s *Service) FollowInstance(ctx context.Context, remote *convene.RemoteActor) (*convene.Follow, error) {
	if !convene.PrincipalFrom(ctx).IsAdmin() {
		return nil, convene.Errorf(convene.EFORBIDDEN, "only admins make the instance follow another")
	}
	return s.followRemote(ctx, s.iris.InstanceActor(), remote)
}

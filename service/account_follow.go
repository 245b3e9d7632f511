package service

import (
	"context"
	"strings"

	"github.com/convene-social/convene"
)

// FindActorByAcct finds an actor by its acct as clients write it: name or @name for one of
// ours (name@ourdomain too), name@host for an actor elsewhere this instance already knows.
// It does not look anyone up on the network: that is search's resolve.
func (s *Service) FindActorByAcct(ctx context.Context, acct string) (Actor, error) {
	name, host, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(acct), "@"), "@")
	if name == "" {
		return Actor{}, convene.Errorf(convene.EINVALID, "acct is required")
	}
	if host == "" || strings.EqualFold(host, s.iris.Domain()) {
		a, c, err := s.FindActor(ctx, name)
		return Actor{Account: a, Community: c}, err
	}
	r, err := s.store.FindRemoteActorByHandle(ctx, name, strings.ToLower(host))
	if err != nil {
		return Actor{}, notFoundAs(err, "account not found")
	}
	return Actor{Remote: r}, nil
}

// Relationship is how the signed-in account and another actor follow each other.
type Relationship struct {
	ID          string // the other actor's API id
	Following   bool
	Requested   bool // a follow waiting for the other side's approval
	FollowedBy  bool
	RequestedBy bool
}

// Relationships says, for each id in order, how the signed-in account relates to that
// actor; unknown ids are left out, as Mastodon leaves them out.
func (s *Service) Relationships(ctx context.Context, ids []string) ([]Relationship, error) {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	var out []Relationship
	for _, id := range ids {
		target, err := s.FindActorByID(ctx, id)
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		rel, err := s.relationship(ctx, s.iris.Person(me.Username), id, s.ActorIRI(target))
		if err != nil {
			return nil, err
		}
		out = append(out, rel)
	}
	return out, nil
}

func (s *Service) relationship(ctx context.Context, me, id, other string) (Relationship, error) {
	rel := Relationship{ID: id}
	for _, pair := range []struct {
		follower, followee   string
		accepted, requesting *bool
	}{{me, other, &rel.Following, &rel.Requested}, {other, me, &rel.FollowedBy, &rel.RequestedBy}} {
		f, err := s.store.FindFollow(ctx, pair.follower, pair.followee)
		switch {
		case convene.ErrorCode(err) == convene.ENOTFOUND:
		case err != nil:
			return rel, err
		case f.State == convene.FollowAccepted:
			*pair.accepted = true
		case f.State == convene.FollowPending:
			*pair.requesting = true
		}
	}
	return rel, nil
}

// FollowActor makes the signed-in account follow the actor with that id: joining a
// community here (under its follow policy), following a person here at once, or sending a
// Follow elsewhere (pending until it is accepted). Following again changes nothing.
func (s *Service) FollowActor(ctx context.Context, id string) (Relationship, error) {
	me, err := s.postingAccount(ctx)
	if err != nil {
		return Relationship{}, err
	}
	target, err := s.FindActorByID(ctx, id)
	if err != nil {
		return Relationship{}, err
	}
	self, iri := s.iris.Person(me.Username), s.ActorIRI(target)
	if iri == self {
		return Relationship{}, convene.Errorf(convene.EINVALID, "you cannot follow yourself")
	}
	switch {
	case target.Community != nil:
		_, err = s.Join(ctx, target.Community.Slug)
	case target.Account != nil:
		err = s.store.CreateFollow(ctx, s.newFollow(s.iris.Activity(convene.NewIDAt(s.timestamp())), self, iri, convene.FollowAccepted))
	default:
		_, err = s.followRemote(ctx, self, target.Remote)
	}
	if err != nil && convene.ErrorCode(err) != convene.ECONFLICT {
		return Relationship{}, err
	}
	return s.relationship(ctx, self, id, iri)
}

// UnfollowActor ends (or withdraws the request of) the signed-in account's follow of the
// actor with that id; an actor elsewhere receives Undo{Follow}. Not following is no error.
func (s *Service) UnfollowActor(ctx context.Context, id string) (Relationship, error) {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return Relationship{}, err
	}
	target, err := s.FindActorByID(ctx, id)
	if err != nil {
		return Relationship{}, err
	}
	self, iri := s.iris.Person(me.Username), s.ActorIRI(target)
	if err := s.unfollow(ctx, self, iri); err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return Relationship{}, err
	}
	return s.relationship(ctx, self, id, iri)
}

// unfollow deletes follower's follow of followee and, for a followee elsewhere, queues the
// Undo{Follow} naming our Follow by its id, as Mastodon and Lemmy match it.
func (s *Service) unfollow(ctx context.Context, follower, followee string) error {
	f, err := s.store.FindFollow(ctx, follower, followee)
	if err != nil {
		return err
	}
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.DeleteFollow(ctx, f.ID); err != nil {
			return err
		}
		if _, _, local := s.iris.LocalActor(followee); local {
			return nil
		}
		now := s.timestamp()
		return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Undo", Actor: follower,
			Object: f.ActivityIRI, Inner: &convene.InnerActivity{IRI: f.ActivityIRI, Type: "Follow", Actor: follower, Object: followee},
			To: []string{followee}, Published: now})
	})
}

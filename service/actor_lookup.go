package service

import (
	"context"

	"github.com/convene-social/convene"
)

// Actor is anyone who can appear as a Mastodon account: a person here, a community here, or
// an actor elsewhere. Exactly one field is set.
type Actor struct {
	Account   *convene.Account
	Community *convene.Community
	Remote    *convene.RemoteActor
}

// FindActorByID finds the actor with an account id as the Mastodon API gives them out: the
// id of an account, a community or a known remote actor (all ULIDs, so they cannot clash).
// An account awaiting approval is not found, as on its profile page.
func (s *Service) FindActorByID(ctx context.Context, id string) (Actor, error) {
	a, err := s.store.FindAccountByID(ctx, id)
	if err == nil {
		return Actor{Account: a}, s.checkListed(ctx, a)
	}
	if convene.ErrorCode(err) != convene.ENOTFOUND {
		return Actor{}, err
	}
	c, err := s.store.FindCommunityByID(ctx, id)
	if err == nil {
		return Actor{Community: c}, nil
	}
	if convene.ErrorCode(err) != convene.ENOTFOUND {
		return Actor{}, err
	}
	r, err := s.store.FindRemoteActorByID(ctx, id)
	if err != nil {
		return Actor{}, notFoundAs(err, "account not found")
	}
	return Actor{Remote: r}, nil
}

// FindActorByIRI finds the actor whose ActivityPub id is iri: ours by the URL layout, others
// among the remote actors we know (nothing is fetched). Posts, notifications and follows
// name actors by IRI; the instance actor is no account.
func (s *Service) FindActorByIRI(ctx context.Context, iri string) (Actor, error) {
	kind, name, local := s.iris.LocalActor(iri)
	switch {
	case local && kind == "person":
		a, err := s.FindAccount(ctx, name)
		return Actor{Account: a}, err
	case local && kind == "group":
		c, err := s.FindCommunity(ctx, name)
		return Actor{Community: c}, err
	case local:
		return Actor{}, convene.Errorf(convene.ENOTFOUND, "account not found")
	}
	r, err := s.store.FindRemoteActor(ctx, iri)
	if err != nil {
		return Actor{}, notFoundAs(err, "account not found")
	}
	return Actor{Remote: r}, nil
}

// ID is the actor's id: its account's, community's or remote actor's.
func (a Actor) ID() string {
	switch {
	case a.Account != nil:
		return a.Account.ID
	case a.Community != nil:
		return a.Community.ID
	case a.Remote != nil:
		return a.Remote.ID
	}
	return ""
}

// ActorIRI is the actor's ActivityPub id.
func (s *Service) ActorIRI(a Actor) string {
	switch {
	case a.Account != nil:
		return s.iris.Person(a.Account.Username)
	case a.Community != nil:
		return s.iris.Group(a.Community.Slug)
	case a.Remote != nil:
		return a.Remote.IRI
	}
	return ""
}

// ActorStats counts what the actor's profile shows. Remote actors' collections are not
// fetched, so their numbers are zero.
func (s *Service) ActorStats(ctx context.Context, a Actor) (ActorStats, error) {
	switch {
	case a.Account != nil:
		return s.AccountStats(ctx, a.Account)
	case a.Community != nil:
		return s.CommunityStats(ctx, a.Community)
	}
	return ActorStats{}, nil
}

// notFoundAs gives a not-found error a message for the API's callers; other errors pass.
func notFoundAs(err error, message string) error {
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return convene.Errorf(convene.ENOTFOUND, "%s", message)
	}
	return err
}

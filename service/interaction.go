package service

import (
	"context"
	"net/url"
	"strings"

	"github.com/convene-social/convene"
)

// maxRemoteIRI bounds the address /authorize_interaction takes (as the federation parsers
// bound the URLs they keep), before it is fetched or logged.
const maxRemoteIRI = 2000

// RemoteActorToFollow looks up the actor at iri on another server for a signed-in account
// about to follow it: where "Follow from Mastodon" on that server sends people whose home
// is here (our WebFinger's subscribe template, /authorize_interaction?uri=…).
func (s *Service) RemoteActorToFollow(ctx context.Context, iri string) (*convene.RemoteActor, error) {
	account, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(strings.TrimSpace(iri))
	if err != nil || len(iri) > maxRemoteIRI || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil {
		return nil, convene.Errorf(convene.EINVALID, "%q is not the address of a community or person on another server", iri)
	}
	if _, _, local := s.iris.LocalActor(u.String()); local {
		return nil, convene.Errorf(convene.EINVALID, "%s is on this server: open it to join", u)
	}
	host := strings.ToLower(u.Hostname())
	if blocked, err := s.store.IsDomainBlocked(ctx, host); err != nil || blocked {
		return nil, firstErr(err, convene.Errorf(convene.EFORBIDDEN, "%s is blocked on this server", host))
	}
	if s.resolveActor == nil {
		return nil, convene.Errorf(convene.EINVALID, "Following from another server is not available here")
	}
	if ok, _ := s.remoteActorByAccount.allow(account.ID, s.now()); !ok {
		return nil, convene.Errorf(convene.ETOOMANY, "Too many lookups of accounts elsewhere. Try again in a few minutes.")
	}
	a, err := s.resolveActor(ctx, u.String())
	if err != nil {
		s.log.InfoContext(ctx, "actor to follow not loaded", "iri", u.String(), "err", err)
		return nil, convene.Errorf(convene.EINVALID, "We could not load %s from its server. Try again later.", u)
	}
	return a, nil
}

// FollowFromElsewhere makes the signed-in account follow the actor at iri on another
// server. The follow waits until that server accepts it.
func (s *Service) FollowFromElsewhere(ctx context.Context, iri string) (*convene.RemoteActor, *convene.Follow, error) {
	remote, err := s.RemoteActorToFollow(ctx, iri)
	if err != nil {
		return nil, nil, err
	}
	me := s.iris.Person(convene.PrincipalFrom(ctx).Account.Username)
	switch _, err := s.store.FindFollow(ctx, me, remote.IRI); {
	case err == nil:
		return remote, nil, convene.Errorf(convene.ECONFLICT, "You already follow (or asked to follow) %s", remote.Handle())
	case convene.ErrorCode(err) != convene.ENOTFOUND:
		return nil, nil, err
	}
	f, err := s.followRemote(ctx, me, remote)
	return remote, f, err
}

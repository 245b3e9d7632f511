package service

import (
	"context"
	"time"

	"github.com/convene-social/convene"
)

// InstanceKeys returns the instance actor's key pair and when it was made, making it on
// first use. Two processes starting at once both try; the second insert conflicts and
// reads the first one's keys.
func (s *Service) InstanceKeys(ctx context.Context) (convene.KeyPair, time.Time, error) {
	keys, at, err := s.store.FindInstanceKeys(ctx)
	if convene.ErrorCode(err) != convene.ENOTFOUND {
		return keys, at, err
	}
	if keys, err = s.newKeyPair(); err != nil {
		return convene.KeyPair{}, time.Time{}, err
	}
	at = s.timestamp()
	err = s.store.CreateInstanceKeys(ctx, keys, at)
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return s.store.FindInstanceKeys(ctx)
	}
	return keys, at, err
}

// Usage is how much the instance is used, as NodeInfo reports it.
type Usage struct {
	Users          int // approved accounts
	ActiveMonth    int // of those, signed in within 30 days
	ActiveHalfyear int // within 180 days
	LocalPosts     int // posts written here, tombstones excluded
	Domains        int // other servers we know actors on
}

// Usage counts the instance's accounts, posts and known servers, for NodeInfo and the
// client API's instance documents.
func (s *Service) Usage(ctx context.Context) (Usage, error) {
	var u Usage
	var err error
	approved := convene.AccountFilter{State: convene.AccountApproved}
	if u.Users, err = s.store.CountAccounts(ctx, approved); err != nil {
		return u, err
	}
	approved.ActiveSince = s.now().AddDate(0, 0, -30)
	if u.ActiveMonth, err = s.store.CountAccounts(ctx, approved); err != nil {
		return u, err
	}
	approved.ActiveSince = s.now().AddDate(0, 0, -180)
	if u.ActiveHalfyear, err = s.store.CountAccounts(ctx, approved); err != nil {
		return u, err
	}
	posts, err := s.store.CountPosts(ctx, convene.PostCountFilter{AuthorPrefix: s.iris.Person("")})
	if err != nil {
		return u, err
	}
	u.LocalPosts = posts.N
	if u.Domains, err = s.store.CountRemoteDomains(ctx); err != nil {
		return u, err
	}
	return u, nil
}

// OpenRegistrations reports whether anyone may sign up (even if staff approve them after).
func (s *Service) OpenRegistrations() bool {
	return s.Registration() != convene.RegistrationClosed
}

// FindActor returns the account or the community called name (exactly one is non-nil):
// both are actors in one namespace.
func (s *Service) FindActor(ctx context.Context, name string) (*convene.Account, *convene.Community, error) {
	name = convene.NormalizeName(name)
	a, err := s.store.FindAccountByUsername(ctx, name)
	if err == nil {
		if err := s.checkListed(ctx, a); err != nil {
			return nil, nil, err
		}
		return a, nil, nil
	}
	if convene.ErrorCode(err) != convene.ENOTFOUND {
		return nil, nil, err
	}
	c, err := s.store.FindCommunityBySlug(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	return nil, c, nil
}

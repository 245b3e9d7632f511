package service

import (
	"context"
	"time"

	"github.com/convene-social/convene"
)

// ActorStats are the numbers a profile shows (Mastodon's followers_count, following_count,
// statuses_count and last_status_at).
type ActorStats struct {
	Followers    int       // accepted follows of the actor
	Following    int       // accepted follows by the actor
	Statuses     int       // a person's posts, or a community's threads; tombstones excluded
	LastStatusAt time.Time // when the newest of those was published; zero if none
}

// AccountStats counts a local account's followers, follows and posts. Anyone may ask: the
// numbers of an approved account are public, like its profile.
func (s *Service) AccountStats(ctx context.Context, a *convene.Account) (ActorStats, error) {
	if err := s.checkListed(ctx, a); err != nil {
		return ActorStats{}, err
	}
	iri := s.iris.Person(a.Username)
	return s.actorStats(ctx, iri, convene.PostCountFilter{AuthorIRI: iri})
}

// CommunityStats counts a community's followers (its members here and followers elsewhere),
// the communities it follows, and its threads.
func (s *Service) CommunityStats(ctx context.Context, c *convene.Community) (ActorStats, error) {
	iri := s.iris.Group(c.Slug)
	return s.actorStats(ctx, iri, convene.PostCountFilter{CommunityIRI: iri, ThreadsOnly: true})
}

func (s *Service) actorStats(ctx context.Context, iri string, posts convene.PostCountFilter) (ActorStats, error) {
	var st ActorStats
	var err error
	if st.Followers, err = s.store.CountFollows(ctx, convene.FollowFilter{Followee: iri, State: convene.FollowAccepted}); err != nil {
		return st, err
	}
	if st.Following, err = s.store.CountFollows(ctx, convene.FollowFilter{Follower: iri, State: convene.FollowAccepted}); err != nil {
		return st, err
	}
	n, err := s.store.CountPosts(ctx, posts)
	if err != nil {
		return st, err
	}
	st.Statuses, st.LastStatusAt = n.N, n.Latest
	return st, nil
}

// InstanceContact is the account people may contact about the instance: an approved admin
// (the most recently created one). ENOTFOUND before the first admin exists.
func (s *Service) InstanceContact(ctx context.Context) (*convene.Account, error) {
	list, err := s.store.FindAccounts(ctx, convene.AccountFilter{Role: convene.RoleAdmin, State: convene.AccountApproved, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, convene.Errorf(convene.ENOTFOUND, "this instance has no admin yet")
	}
	return list[0], nil
}

// MaxStatusCharacters is the longest post body accepted, in characters: what Mastodon
// clients show as the composer's limit.
const MaxStatusCharacters = maxPostBody

// FollowRequestCount counts the follow requests waiting for the signed-in account to decide:
// those of the communities it moderates (owners included), since people here accept follows
// at once. Mastodon apps show it as source.follow_requests_count.
func (s *Service) FollowRequestCount(ctx context.Context) (int, error) {
	groups, err := s.moderatedGroups(ctx)
	if err != nil || len(groups) == 0 {
		return 0, err
	}
	return s.store.CountFollows(ctx, convene.FollowFilter{Followees: groups.iris(), State: convene.FollowPending})
}

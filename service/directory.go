package service

import (
	"context"

	"github.com/convene-social/convene"
)

// DirectoryQuery pages the directory: Active orders by latest post, else newest first.
type DirectoryQuery struct {
	Active        bool
	Limit, Offset int
}

// Directory lists this instance's people and communities, for finding whom to follow and
// where to join. People elsewhere are not listed: they never chose to be in our directory.
func (s *Service) Directory(ctx context.Context, q DirectoryQuery) ([]Actor, error) {
	ids, err := s.store.FindDirectoryIDs(ctx, convene.DirectoryFilter{Active: q.Active, Limit: q.Limit, Offset: q.Offset})
	if err != nil {
		return nil, err
	}
	return s.actorsByID(ctx, ids)
}

// maxSuggestions bounds the communities suggested at once.
const maxSuggestions = 40

// Suggestions are the communities here the signed-in account has not joined (nor asked to),
// the most active first: where a newcomer might take part.
func (s *Service) Suggestions(ctx context.Context, limit int) ([]Actor, error) {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	var joined []string
	err = s.eachFollow(ctx, convene.FollowFilter{Follower: s.iris.Person(me.Username)}, func(f *convene.Follow) error {
		if kind, slug, ok := s.iris.LocalActor(f.Followee); ok && kind == "group" {
			joined = append(joined, slug)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids, err := s.store.FindDirectoryIDs(ctx, convene.DirectoryFilter{Active: true, CommunityOnly: true, ExceptNames: joined,
		Limit: min(max(limit, 1), maxSuggestions)})
	if err != nil {
		return nil, err
	}
	return s.actorsByID(ctx, ids)
}

// actorsByID finds the actors with these ids, in order, leaving out any gone meanwhile.
func (s *Service) actorsByID(ctx context.Context, ids []string) ([]Actor, error) {
	out := make([]Actor, 0, len(ids))
	for _, id := range ids {
		a, err := s.FindActorByID(ctx, id)
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

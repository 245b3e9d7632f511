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
	joined := map[string]bool{}
	err = s.eachFollow(ctx, convene.FollowFilter{Follower: s.iris.Person(me.Username)}, func(f *convene.Follow) error {
		joined[f.Followee] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	limit = min(max(limit, 1), maxSuggestions)
	var out []Actor
	for offset := 0; len(out) < limit; offset += 200 {
		ids, err := s.store.FindDirectoryIDs(ctx, convene.DirectoryFilter{Active: true, CommunityOnly: true, Limit: 200, Offset: offset})
		if err != nil {
			return nil, err
		}
		actors, err := s.actorsByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, a := range actors {
			if len(out) < limit && !joined[s.ActorIRI(a)] {
				out = append(out, a)
			}
		}
		if len(ids) < 200 {
			break
		}
	}
	return out, nil
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

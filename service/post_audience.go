package service

import (
	"context"

	"github.com/convene-social/convene"
)

// Likers lists who likes a post the principal may see, the latest first: people and
// communities here and elsewhere.
func (s *Service) Likers(ctx context.Context, id string, limit int) ([]Actor, error) {
	p, err := s.FindPost(ctx, id)
	if err != nil {
		return nil, err
	}
	iris, err := s.store.FindLikers(ctx, p.ID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Actor, 0, len(iris))
	for _, iri := range iris {
		a, err := s.FindActorByIRI(ctx, iri)
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			continue // an actor this instance never fetched
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Boosters lists the people here who boosted a post the principal may see, the latest first.
func (s *Service) Boosters(ctx context.Context, id string, limit int) ([]Actor, error) {
	p, err := s.FindPost(ctx, id)
	if err != nil {
		return nil, err
	}
	ids, err := s.store.FindBoosters(ctx, p.ID, limit)
	if err != nil {
		return nil, err
	}
	return s.actorsByID(ctx, ids)
}

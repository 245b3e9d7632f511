package service

import (
	"context"

	"github.com/convene-social/convene"
)

// PostHistory lists the versions of a post the principal may see, oldest first, ending with
// the current one: an unedited post has one. A deleted post has none left to show.
func (s *Service) PostHistory(ctx context.Context, id string) (*convene.Post, []convene.PostRevision, error) {
	p, err := s.FindPost(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if p.DeletedAt != nil {
		return nil, nil, convene.Errorf(convene.ENOTFOUND, "post not found")
	}
	revs, err := s.store.FindPostRevisions(ctx, p.ID)
	if err != nil {
		return nil, nil, err
	}
	current := convene.PostRevision{Title: p.Title, Content: p.Content, CreatedAt: p.PublishedAt}
	if p.EditedAt != nil {
		current.CreatedAt = *p.EditedAt
	}
	return p, append(revs, current), nil
}

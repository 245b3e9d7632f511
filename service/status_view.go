package service

import (
	"context"

	"github.com/convene-social/convene"
)

// PostView is what a status shows of a post besides the post itself.
type PostView struct {
	Tags  []string // its hashtags
	Liked bool     // the principal likes it
}

// PostViews gathers the hashtags of each post and whether the principal likes it, asking
// about likes once per thread.
func (s *Service) PostViews(ctx context.Context, posts []*convene.Post) (map[string]PostView, error) {
	views := make(map[string]PostView, len(posts))
	liked := map[string]bool{}
	account := convene.PrincipalFrom(ctx).Account
	threads := map[string]bool{}
	for _, p := range posts {
		tags, err := s.store.FindPostTags(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		if account != nil && !threads[p.ThreadID] {
			threads[p.ThreadID] = true
			ids, err := s.likedPosts(ctx, account, p.ThreadID)
			if err != nil {
				return nil, err
			}
			for id := range ids {
				liked[id] = true
			}
		}
		views[p.ID] = PostView{Tags: tags, Liked: liked[p.ID]}
	}
	return views, nil
}

package service

import (
	"context"

	"github.com/convene-social/convene"
)

// PostView is what a status shows of a post besides the post itself.
type PostView struct {
	Tags    []string // its hashtags
	Liked   bool     // the principal likes it
	Boosted bool     // the principal boosted it
	Boosts  int      // how many boosted it here
}

// PostViews gathers the hashtags and boost count of each post and whether the principal
// likes and boosted it, asking about likes once per thread.
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
		boosts, err := s.store.CountBoosts(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		views[p.ID] = PostView{Tags: tags, Liked: liked[p.ID], Boosts: boosts}
	}
	if account != nil && len(posts) > 0 {
		ids := make([]string, len(posts))
		for i, p := range posts {
			ids[i] = p.ID
		}
		boosted, err := s.store.FindBoostedPostIDs(ctx, account.ID, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range boosted {
			v := views[id]
			v.Boosted = true
			views[id] = v
		}
	}
	return views, nil
}

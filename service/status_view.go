package service

import (
	"context"
	"slices"

	"github.com/convene-social/convene"
)

// PostView is what a status shows of a post besides the post itself.
type PostView struct {
	Tags    []string // its hashtags
	Liked   bool     // the principal likes it
	Boosted bool     // the principal boosted it
	Boosts  int      // how many boosted it here
	// ParentAuthor is the actor IRI of the author of the post it answers, for a reply.
	ParentAuthor string
	Media        []*convene.Media // its attachments, in order
	Poll         *PollView
}

// PostViews gathers the hashtags, attachments, boost count and parent's author of each post
// and whether the principal likes and boosted it: one query each for the whole page, and
// likes once per thread.
func (s *Service) PostViews(ctx context.Context, posts []*convene.Post) (map[string]PostView, error) {
	views := make(map[string]PostView, len(posts))
	if len(posts) == 0 {
		return views, nil
	}
	ids := make([]string, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
	}
	tags, err := s.store.FindPostsTags(ctx, ids)
	if err != nil {
		return nil, err
	}
	boosts, err := s.store.CountBoosts(ctx, ids)
	if err != nil {
		return nil, err
	}
	parents, err := s.parentAuthors(ctx, posts)
	if err != nil {
		return nil, err
	}
	media, err := s.store.FindPostsMedia(ctx, ids)
	if err != nil {
		return nil, err
	}
	polls, err := s.PollViews(ctx, posts)
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		views[p.ID] = PostView{Tags: tags[p.ID], Boosts: boosts[p.ID], ParentAuthor: parents[p.ParentID], Media: media[p.ID],
			Poll: polls[p.ID]}
	}
	account := convene.PrincipalFrom(ctx).Account
	if account == nil {
		return views, nil
	}
	threads := map[string]bool{}
	for _, p := range posts {
		if threads[p.ThreadID] {
			continue
		}
		threads[p.ThreadID] = true
		liked, err := s.likedPosts(ctx, account, p.ThreadID)
		if err != nil {
			return nil, err
		}
		for id := range liked {
			if v, ok := views[id]; ok {
				v.Liked = true
				views[id] = v
			}
		}
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
	return views, nil
}

// parentAuthors maps the ids of the posts these reply to onto their authors' IRIs, with one
// query. A reply shares its parent's audience, so whoever sees the reply may learn whom it
// answers.
func (s *Service) parentAuthors(ctx context.Context, posts []*convene.Post) (map[string]string, error) {
	var ids []string
	for _, p := range posts {
		if p.ParentID != "" && !slices.Contains(ids, p.ParentID) {
			ids = append(ids, p.ParentID)
		}
	}
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	parents, err := s.store.FindPosts(ctx, convene.PostFilter{IDs: ids, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	for _, p := range parents {
		out[p.ID] = p.AuthorIRI
	}
	return out, nil
}

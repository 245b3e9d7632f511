package service

import (
	"context"
	"slices"
	"strings"

	"github.com/convene-social/convene"
)

// StatusContext is a post's place in its thread, as Mastodon's context endpoint gives it:
// the posts it answers, from the thread's first down to its parent, and every answer below
// it, in the order they were written.
type StatusContext struct {
	Ancestors   []*convene.Post
	Descendants []*convene.Post
}

// PostContext returns the ancestors and descendants of a post the principal may see.
// Deleted posts stay in the chain (as tombstones) so that a thread keeps its shape.
func (s *Service) PostContext(ctx context.Context, id string) (*StatusContext, error) {
	p, _, err := s.visiblePost(ctx, id)
	if err != nil {
		return nil, err
	}
	posts, err := s.ThreadPosts(ctx, p)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*convene.Post, len(posts))
	for _, q := range posts {
		byID[q.ID] = q
	}
	out := &StatusContext{Ancestors: []*convene.Post{}, Descendants: []*convene.Post{}}
	for parent := byID[p.ParentID]; parent != nil; parent = byID[parent.ParentID] {
		out.Ancestors = append([]*convene.Post{parent}, out.Ancestors...)
		if len(out.Ancestors) > len(posts) { // a cycle cannot be stored, but never loop on one
			break
		}
	}
	// Walk down from p. A reply may have been stored before its parent (federation brings
	// them in any order), so descendants are gathered first and put in id order after.
	children := map[string][]*convene.Post{}
	for _, q := range posts {
		children[q.ParentID] = append(children[q.ParentID], q)
	}
	for queue := children[p.ID]; len(queue) > 0 && len(out.Descendants) < len(posts); queue = queue[1:] {
		out.Descendants = append(out.Descendants, queue[0])
		queue = append(queue, children[queue[0].ID]...)
	}
	slices.SortFunc(out.Descendants, func(a, b *convene.Post) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

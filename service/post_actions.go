package service

import (
	"context"

	"github.com/convene-social/convene"
)

// PostActions says what the principal may do with one post, so that pages offer only the
// buttons that would work. The rules are EditPost's, DeletePost's, Reply's and Like's own.
type PostActions struct {
	Reply  bool
	Like   bool // may like or unlike it
	Liked  bool // the principal likes it now
	Edit   bool
	Delete bool
}

// isPostAuthor reports whether the principal is the local author of p (remote posts have no
// local author, so nobody here is theirs).
func isPostAuthor(pr convene.Principal, p *convene.Post) bool {
	return pr.Account != nil && p.AccountID != "" && pr.Account.ID == p.AccountID
}

// mayEditPost is who may edit a post: its local author, while it is not deleted.
func mayEditPost(pr convene.Principal, p *convene.Post) bool {
	return isPostAuthor(pr, p) && p.DeletedAt == nil
}

// mayDeletePost is who may delete a post: its author, or a moderator of its community.
func mayDeletePost(pr convene.Principal, p *convene.Post, moderates bool) bool {
	return moderates || isPostAuthor(pr, p)
}

// moderates reports whether the principal moderates c; nobody here moderates a community
// elsewhere (c == nil).
func (s *Service) moderates(ctx context.Context, c *convene.Community) (bool, error) {
	if c == nil {
		return false, nil
	}
	return s.CanModerate(ctx, c)
}

// ThreadActions says, for each post of a thread as Thread returns them, what the principal
// may do with it, by post ID. Visitors may do nothing.
func (s *Service) ThreadActions(ctx context.Context, posts []*convene.Post) (map[string]PostActions, error) {
	actions := make(map[string]PostActions, len(posts))
	pr := convene.PrincipalFrom(ctx)
	account, err := s.postingAccount(ctx)
	if err != nil || len(posts) == 0 {
		return actions, nil // not signed in, or not approved: nothing to offer
	}
	liked, err := s.likedPosts(ctx, account, posts[0].ThreadID)
	if err != nil {
		return nil, err
	}
	mods := map[string]bool{} // by community ID: a thread has one, but asking costs a query
	for _, p := range posts {
		mod, known := mods[p.CommunityID]
		if !known {
			if mod, err = s.moderatesPostCommunity(ctx, p); err != nil {
				return nil, err
			}
			mods[p.CommunityID] = mod
		}
		live := p.DeletedAt == nil
		actions[p.ID] = PostActions{Reply: live, Like: live, Liked: liked[p.ID],
			Edit: mayEditPost(pr, p), Delete: live && mayDeletePost(pr, p, mod)}
	}
	return actions, nil
}

func (s *Service) moderatesPostCommunity(ctx context.Context, p *convene.Post) (bool, error) {
	if p.CommunityID == "" {
		return false, nil
	}
	c, err := s.store.FindCommunityByID(ctx, p.CommunityID)
	if err != nil {
		return false, err
	}
	return s.moderates(ctx, c)
}

func (s *Service) likedPosts(ctx context.Context, a *convene.Account, threadID string) (map[string]bool, error) {
	ids, err := s.store.FindLikedPostIDs(ctx, s.iris.Person(a.Username), threadID)
	if err != nil {
		return nil, err
	}
	liked := make(map[string]bool, len(ids))
	for _, id := range ids {
		liked[id] = true
	}
	return liked, nil
}

// PostToEdit returns a post the principal may edit (EditPost's rule), for an edit form.
func (s *Service) PostToEdit(ctx context.Context, id string) (*convene.Post, error) {
	p, _, err := s.visiblePost(ctx, id)
	if err != nil {
		return nil, err
	}
	if !mayEditPost(convene.PrincipalFrom(ctx), p) {
		return nil, convene.Errorf(convene.EFORBIDDEN, "only the author may edit a post")
	}
	return p, nil
}

// PostToDelete returns a live post the principal may delete (DeletePost's rule), for a
// confirmation page.
func (s *Service) PostToDelete(ctx context.Context, id string) (*convene.Post, error) {
	p, c, err := s.visiblePost(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.DeletedAt != nil {
		return nil, convene.Errorf(convene.ENOTFOUND, "that post was already deleted")
	}
	mod, err := s.moderates(ctx, c)
	if err != nil {
		return nil, err
	}
	if !mayDeletePost(convene.PrincipalFrom(ctx), p, mod) {
		return nil, convene.Errorf(convene.EFORBIDDEN, "only the author or a moderator may delete a post")
	}
	return p, nil
}

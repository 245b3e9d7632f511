package service

import (
	"context"
	"strings"

	"github.com/convene-social/convene"
)

// SearchResults is what a search found: accounts (people and communities), posts, hashtags.
type SearchResults struct {
	Actors   []Actor
	Posts    []*convene.Post
	Hashtags []string
}

// Search finds what q names: an account by its handle (@name, name@host; with resolve, one
// elsewhere this instance has not seen yet is looked up by WebFinger, which only signed-in
// people may make it do), a post by its URL, or a hashtag in use. It is an exact search, not
// a full-text one: Convene keeps no search index.
func (s *Service) Search(ctx context.Context, q string, resolve bool) (*SearchResults, error) {
	q = strings.TrimSpace(q)
	out := &SearchResults{Actors: []Actor{}, Posts: []*convene.Post{}, Hashtags: []string{}}
	if q == "" || len(q) > 2000 {
		return out, nil
	}
	switch {
	case strings.HasPrefix(q, "https://") || strings.HasPrefix(q, "http://"):
		if p, err := s.store.FindPostByIRI(ctx, q); err == nil {
			if p, err := s.FindPost(ctx, p.ID); err == nil {
				out.Posts = append(out.Posts, p)
			}
		}
		if a, err := s.FindActorByIRI(ctx, q); err == nil {
			out.Actors = append(out.Actors, a)
		}
	case strings.HasPrefix(q, "#"):
		tag := strings.ToLower(strings.TrimPrefix(q, "#"))
		if posts, err := s.TaggedPosts(ctx, tag, "", 1); err == nil && len(posts) > 0 {
			out.Hashtags = append(out.Hashtags, tag)
		}
	default:
		a, err := s.FindActorByAcct(ctx, q)
		if convene.ErrorCode(err) == convene.ENOTFOUND && resolve && strings.Contains(strings.TrimPrefix(q, "@"), "@") {
			a, err = s.lookUpActor(ctx, q)
		}
		switch {
		case err == nil:
			out.Actors = append(out.Actors, a)
		case convene.ErrorCode(err) != convene.ENOTFOUND && convene.ErrorCode(err) != convene.EINVALID:
			return nil, err
		}
	}
	return out, nil
}

// lookUpActor looks a handle up by WebFinger through the federation hook.
func (s *Service) lookUpActor(ctx context.Context, handle string) (Actor, error) {
	if convene.PrincipalFrom(ctx).Account == nil {
		return Actor{}, convene.Errorf(convene.EUNAUTHORIZED, "sign in to look up accounts elsewhere")
	}
	iri := s.remoteActorIRI(ctx, strings.TrimPrefix(handle, "@"))
	if iri == "" {
		return Actor{}, convene.Errorf(convene.ENOTFOUND, "no account %s was found", handle)
	}
	return s.FindActorByIRI(ctx, iri)
}

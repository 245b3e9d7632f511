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

// SearchQuery is a search as a Mastodon app asks it: Type is accounts, statuses or hashtags
// (empty: all three); Resolve looks a handle elsewhere up by WebFinger.
type SearchQuery struct {
	Q             string
	Type          string
	Resolve       bool
	Limit, Offset int
}

// maxSearchTerms bounds the words of a text search.
const maxSearchTerms = 8

// Search finds what a query names or contains: a post by its URL (and an actor by its IRI);
// an account by its exact handle (with Resolve, one elsewhere this instance has not seen yet
// is looked up by WebFinger, which only signed-in people may make it do); accounts and
// communities whose handle starts with, or whose name contains, the first word; hashtags in
// public use starting with it; and, for signed-in people, public posts containing every word
// (Mastodon too searches text for signed-in people only).
func (s *Service) Search(ctx context.Context, in SearchQuery) (*SearchResults, error) {
	q := strings.TrimSpace(in.Q)
	out := &SearchResults{Actors: []Actor{}, Posts: []*convene.Post{}, Hashtags: []string{}}
	if q == "" || len(q) > 2000 {
		return out, nil
	}
	if strings.HasPrefix(q, "https://") || strings.HasPrefix(q, "http://") {
		if in.Offset == 0 {
			s.searchURL(ctx, q, out)
		}
		return out, nil
	}
	want := func(kind string) bool { return in.Type == "" || in.Type == kind }
	f := convene.SearchFilter{Terms: searchTerms(q), Limit: min(max(in.Limit, 1), 40), Offset: in.Offset}
	if in.Limit <= 0 {
		f.Limit = 20
	}
	var err error
	if want("accounts") {
		if out.Actors, err = s.searchActors(ctx, q, in, f); err != nil {
			return nil, err
		}
	}
	if want("hashtags") {
		tags := f
		tags.Terms = []string{strings.TrimPrefix(f.Terms[0], "#")}
		if out.Hashtags, err = s.store.SearchHashtags(ctx, tags); err != nil {
			return nil, err
		}
	}
	if want("statuses") && convene.PrincipalFrom(ctx).Account != nil && !strings.HasPrefix(q, "#") {
		if out.Posts, err = s.store.SearchPublicPosts(ctx, f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// searchTerms splits a query into at most maxSearchTerms lowercase words.
func searchTerms(q string) []string {
	terms := strings.Fields(strings.ToLower(q))
	return terms[:min(len(terms), maxSearchTerms)]
}

// searchURL finds the post and the actor a URL names.
func (s *Service) searchURL(ctx context.Context, u string, out *SearchResults) {
	if p, err := s.store.FindPostByIRI(ctx, u); err == nil {
		if p, err := s.FindPost(ctx, p.ID); err == nil {
			out.Posts = append(out.Posts, p)
		}
	}
	if a, err := s.FindActorByIRI(ctx, u); err == nil {
		out.Actors = append(out.Actors, a)
	}
}

// searchActors puts the account an exact handle names first (looked up elsewhere with
// resolve), then the accounts and communities whose handle or name matches.
func (s *Service) searchActors(ctx context.Context, q string, in SearchQuery, f convene.SearchFilter) ([]Actor, error) {
	out := []Actor{}
	elsewhere := strings.Contains(strings.TrimPrefix(q, "@"), "@")
	if in.Offset == 0 { // the exact match heads the first page only: no lookup for later ones
		exact, err := s.FindActorByAcct(ctx, q)
		if convene.ErrorCode(err) == convene.ENOTFOUND && in.Resolve && elsewhere {
			exact, err = s.lookUpActor(ctx, q)
		}
		switch {
		case err == nil:
			out = append(out, exact)
		case convene.ErrorCode(err) != convene.ENOTFOUND && convene.ErrorCode(err) != convene.EINVALID:
			return nil, err
		}
	}
	if elsewhere {
		return out, nil // a handle elsewhere names one account, found or not
	}
	f.Terms = []string{strings.TrimPrefix(f.Terms[0], "@")}
	ids, err := s.store.SearchActorIDs(ctx, f)
	if err != nil {
		return nil, err
	}
	matches, err := s.actorsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range matches {
		if len(out) == 0 || out[0].ID() != a.ID() {
			out = append(out, a)
		}
	}
	return out[:min(len(out), f.Limit)], nil
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

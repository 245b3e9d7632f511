package convene

import "context"

// SearchFilter is a ranked search: Terms are lowercase words that must all match; Limit and
// Offset page the ranking (a search result is no growing list, so an offset is right here).
type SearchFilter struct {
	Terms         []string
	Limit, Offset int
}

// SearchStore finds things by what people type: no search index, prefix and substring
// matches over the tables themselves, which suits an instance's size.
type SearchStore interface {
	// SearchActorIDs ranks approved accounts, communities and known remote actors whose
	// handle or a word of whose name starts with the first term: exact handles first, then
	// ours before others, then by handle.
	SearchActorIDs(ctx context.Context, f SearchFilter) ([]string, error)
	// SearchHashtags ranks the hashtags of public posts starting with the first term: an
	// exact match first, then the most used.
	SearchHashtags(ctx context.Context, f SearchFilter) ([]string, error)
	// SearchPublicPosts finds public posts whose title or text holds every term, newest first.
	SearchPublicPosts(ctx context.Context, f SearchFilter) ([]*Post, error)
}

package convene

import "context"

// DirectoryFilter pages the directory of this instance's people and communities: by their
// latest post (Active) or newest first.
type DirectoryFilter struct {
	Active        bool
	CommunityOnly bool
	// ExceptNames leaves out the actors with these names (usernames or slugs).
	ExceptNames   []string
	Limit, Offset int
}

// DirectoryStore lists the instance's approved accounts and its communities.
type DirectoryStore interface {
	FindDirectoryIDs(ctx context.Context, f DirectoryFilter) ([]string, error)
}

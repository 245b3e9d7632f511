package convene

import (
	"context"
	"time"
)

// PostCountFilter selects the posts counted for an actor's or the instance's numbers; zero
// fields do not filter. Tombstoned posts are never counted.
type PostCountFilter struct {
	AuthorIRI    string
	CommunityIRI string
	ThreadsOnly  bool
	// AuthorPrefix keeps posts whose author IRI starts with it: IRIs.Person("") selects the
	// posts of local people.
	AuthorPrefix string
}

// PostCount is how many posts match a filter and when the newest was published (zero if none).
type PostCount struct {
	N      int
	Latest time.Time
}

// StatsStore counts what profiles and the instance description show.
type StatsStore interface {
	CountPosts(ctx context.Context, f PostCountFilter) (PostCount, error)
	// CountRemoteDomains counts the distinct hosts of the remote actors we know.
	CountRemoteDomains(ctx context.Context) (int, error)
}

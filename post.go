package convene

import (
	"context"
	"time"
)

// Visibility says who may see a post.
type Visibility string

const (
	VisibilityPublic    Visibility = "public"    // anyone, anywhere
	VisibilityCommunity Visibility = "community" // the community's accepted followers and moderators only
)

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool { return v == VisibilityPublic || v == VisibilityCommunity }

// PostingPolicy says who may start threads in a community (anyone who may see a thread may
// reply to it).
type PostingPolicy string

const (
	PostingMembers    PostingPolicy = "members"    // local accounts that joined (follow) the community
	PostingFollowers  PostingPolicy = "followers"  // any accepted follower, local or remote
	PostingModerators PostingPolicy = "moderators" // moderators only (an announcement channel)
)

// Valid reports whether p is a known policy.
func (p PostingPolicy) Valid() bool {
	return p == PostingMembers || p == PostingFollowers || p == PostingModerators
}

// MaxTitleLength is the longest thread title, Lemmy's limit.
const MaxTitleLength = 200

// Post is a thread (ParentID empty) or a reply in a community's discussion. Local and remote
// posts share the table: IRI is /p/{id} for ours and the remote object id for theirs.
type Post struct {
	ID           string     `db:"id"`
	IRI          string     `db:"iri"`
	CommunityID  string     `db:"community_id"`  // the local community; empty for a remote community's post
	CommunityIRI string     `db:"community_iri"` // the Group it belongs to, here or elsewhere
	ThreadID     string     `db:"thread_id"`     // the thread's root post (its own ID for a thread)
	ParentID     string     `db:"parent_id"`     // the post it answers; empty for a thread
	AuthorIRI    string     `db:"author_iri"`
	AccountID    string     `db:"account_id"` // the local author, empty for remote posts
	Title        string     `db:"title"`      // threads only
	Content      string     `db:"content"`    // HTML: rendered from Source, or sanitized remote HTML
	Source       string     `db:"source"`     // markdown, for local posts
	Mentions     string     `db:"mentions"`   // IRIs of the actors it mentions, space-separated
	Tags         []string   `db:"-"`          // its hashtags, lowercase, without '#' (written on create)
	Visibility   Visibility `db:"visibility"`
	ReplyCount   int        `db:"reply_count"`
	LikeCount    int        `db:"like_count"`
	PublishedAt  time.Time  `db:"published_at"`
	EditedAt     *time.Time `db:"edited_at"`  // set by an edit (AS2 updated)
	DeletedAt    *time.Time `db:"deleted_at"` // a tombstone: content gone, id kept
	Poll         *Poll      `db:"-"`          // written with the post by CreatePost; not loaded with it
}

// PostRevision is a version of a post that an edit replaced.
type PostRevision struct {
	Title     string    `db:"title"`
	Content   string    `db:"content"` // HTML, as the post held it
	CreatedAt time.Time `db:"created_at"`
}

// IsThread reports whether p starts a thread.
func (p *Post) IsThread() bool { return p.ParentID == "" }

// PostFilter selects posts; zero fields do not filter. Lists are newest first, paged by ID.
type PostFilter struct {
	CommunityID  string
	CommunityIRI string
	AuthorIRI    string   // posts by this actor (a profile's recent posts)
	Tag          string   // posts carrying this hashtag (lowercase, without '#')
	ThreadID     string   // all posts of a thread (then oldest first)
	IDs          []string // these posts (a page of boosts' originals)
	ThreadsOnly  bool
	PublicOnly   bool
	BeforeID     string
	Limit        int
}

// PostStore persists posts and likes.
type PostStore interface {
	// CreatePost stores a post and counts it as a reply of its parent; an IRI seen before is
	// an ECONFLICT.
	CreatePost(ctx context.Context, p *Post) error
	FindPostByID(ctx context.Context, id string) (*Post, error)
	FindPostByIRI(ctx context.Context, iri string) (*Post, error)
	FindPosts(ctx context.Context, f PostFilter) ([]*Post, error)
	FindPostTags(ctx context.Context, postID string) ([]string, error)
	// FindPostsTags returns the hashtags of each of the posts, by post id.
	FindPostsTags(ctx context.Context, postIDs []string) (map[string][]string, error)
	// UpdatePost writes title, content, source, mentions, visibility, edited_at and tags.
	UpdatePost(ctx context.Context, p *Post) error
	// FindPostRevisions lists a post's earlier versions, oldest first (UpdatePost keeps one
	// whenever the title or content changes).
	FindPostRevisions(ctx context.Context, postID string) ([]PostRevision, error)
	// TombstonePost empties a post's content, forgets its earlier versions and marks it deleted.
	TombstonePost(ctx context.Context, id string, at time.Time) error

	// AddLike records actorIRI liking the post once (ECONFLICT the second time).
	AddLike(ctx context.Context, postID, actorIRI, activityIRI string, at time.Time) error
	// RemoveLike withdraws a like and returns the IRI of the Like activity it undoes.
	RemoveLike(ctx context.Context, postID, actorIRI string) (string, error)
	// FindLikedPostIDs lists the posts of a thread that actorIRI likes.
	FindLikedPostIDs(ctx context.Context, actorIRI, threadID string) ([]string, error)
	// FindLikers lists the actors (IRIs) who like a post, the latest first.
	FindLikers(ctx context.Context, postID string, limit int) ([]string, error)

	// RecordDeletion remembers that actor deleted a remote object we never saw, so its late
	// Create cannot bring it back; IsDeleted asks whether actor did so since the given time.
	RecordDeletion(ctx context.Context, iri, actor string, at time.Time) error
	IsDeleted(ctx context.Context, iri, actor string, since time.Time) (bool, error)
}

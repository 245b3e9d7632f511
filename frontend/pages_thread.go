package frontend

import (
	"html/template"
	"time"
)

// MaxReplyIndent is how many levels of replies are indented; deeper replies still nest
// inside their parent's list, but line up with it, so a long exchange stays readable on a
// phone.
const MaxReplyIndent = 4

// ThreadPage shows a discussion thread as a tree: each reply under the post it answers.
type ThreadPage struct {
	Layout
	// Posts are the top of the tree: the thread's first post, and any reply whose parent is
	// not known here (a remote reply to a post we never received).
	Posts []*ThreadPost
	// Community is where the thread was posted.
	Community ActorLink
	// ReplyTo is the post the form at the bottom answers (the thread's first post), empty
	// when nobody can reply; Replying is a post whose own reply form is open (?reply=1).
	ReplyTo  string
	Replying string
}

func (*ThreadPage) template() string { return "thread" }

// ThreadPost is one post of a thread with the replies to it and what the viewer may do.
type ThreadPost struct {
	PostView
	ParentID string
	Edited   bool
	Likes    int
	Media    []MediaView // its files, in order
	// What the viewer may do; all false for a visitor.
	CanReply, CanLike, Liked, CanEdit, CanDelete bool
	Poll                                         *PollPanel // nil when the post has none

	Depth   int // 0 for the top of the tree
	Replies []*ThreadPost
	page    *ThreadPage // for the form secret and the open reply form
}

// SetPosts arranges posts (oldest first) into the page's tree: each under its parent when
// the parent is among them, at the top otherwise. Replies keep their order, so siblings
// read oldest first.
func (p *ThreadPage) SetPosts(posts []*ThreadPost) {
	byID := make(map[string]*ThreadPost, len(posts))
	for _, q := range posts {
		q.page = p
		byID[q.ID] = q
	}
	p.Posts = nil
	for _, q := range posts {
		if parent, ok := byID[q.ParentID]; ok && q.ParentID != q.ID {
			parent.Replies = append(parent.Replies, q)
		} else {
			p.Posts = append(p.Posts, q)
		}
	}
	for _, q := range p.Posts {
		setDepth(q, 0)
	}
}

func setDepth(q *ThreadPost, depth int) {
	q.Depth = depth
	for _, r := range q.Replies {
		setDepth(r, depth+1)
	}
}

// Indented reports whether the post's replies are indented under it: answers to the
// thread's first post are the page's main list, and from MaxReplyIndent levels down
// replies line up with their parent.
func (q *ThreadPost) Indented() bool { return q.Depth >= 1 && q.Depth <= MaxReplyIndent }

// CSRF is the page's form secret, for the post's forms.
func (q *ThreadPost) CSRF() string { return q.page.CSRF }

// ReplyOpen reports whether this post's own reply form is shown (the thread's first post
// has the form at the bottom of the page).
func (q *ThreadPost) ReplyOpen() bool {
	return q.CanReply && q.page.Replying == q.ID && q.page.ReplyTo != q.ID
}

// ReplyHref is where the post's "Reply" link leads: the form at the bottom for the thread's
// first post, the page with this post's form open for a reply.
func (q *ThreadPost) ReplyHref() string {
	if q.page.ReplyTo == q.ID {
		return "#reply-" + q.ID
	}
	return "/p/" + q.ID + "?reply=1#reply-" + q.ID
}

// When is the post's time for reading; Published is already in the viewer's time zone.
func (v PostView) When() string { return v.Published.Format("2 Jan 2006, 15:04 MST") }

// PostEditPage is the form that edits a post: its markdown, and the title of a thread.
type PostEditPage struct {
	Layout
	ID        string
	IsThread  bool
	PostTitle string
	Body      string
	Back      string // the post on its thread page
	FormError
}

func (*PostEditPage) template() string { return "post_edit" }

// PostDeletePage asks to confirm deleting a post.
type PostDeletePage struct {
	Layout
	ID        string
	IsThread  bool
	Content   template.HTML
	Author    string
	Published time.Time
	Back      string
}

func (*PostDeletePage) template() string { return "post_delete" }

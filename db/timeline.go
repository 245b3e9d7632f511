package db

import (
	"context"
	"fmt"
	"strconv"

	"github.com/convene-social/convene"
)

// listMembers is the subquery of a list's members.
const listMembers = `SELECT actor_iri FROM list_members WHERE list_id = ?`

// exclusiveMembers is the subquery of the members of an account's exclusive lists.
const exclusiveMembers = `SELECT m.actor_iri FROM list_members m JOIN lists l ON l.id = m.list_id
	WHERE l.account_id = ? AND l.exclusive = ?`

// followedBy is the subquery of what an actor follows (accepted follows only).
const followedBy = `SELECT followee_iri FROM follows WHERE follower_iri = ? AND state = 'accepted'`

// FindTimelinePosts implements convene.TimelineStore.
func (s *store) FindTimelinePosts(ctx context.Context, f convene.TimelineFilter) ([]*convene.Post, error) {
	w := &where{}
	w.add("deleted_at IS NULL")
	if f.Home != "" {
		w.add(homePosts, homeArgs(f.Home)...)
	} else {
		w.add("visibility = ?", convene.VisibilityPublic)
	}
	if f.LocalOnly {
		w.add("account_id <> ''")
	}
	if f.RemoteOnly {
		w.add("account_id = ''")
	}
	if f.ThreadsOnly {
		w.add("parent_id = ''")
	}
	if f.Author != "" {
		w.add("author_iri = ?", f.Author)
	}
	if f.OnlyMedia {
		w.add("EXISTS (SELECT 1 FROM media WHERE media.post_id = posts.id)")
	}
	if f.Community != "" {
		w.add("community_iri = ? AND parent_id = ''", f.Community)
	}
	if f.Tag != "" {
		w.add("id IN (SELECT post_id FROM post_tags WHERE tag = ?)", f.Tag)
	}
	if f.List != "" {
		w.add(`(author_iri IN (`+listMembers+`) OR community_iri IN (`+listMembers+`))`, f.List, f.List)
	}
	if f.HomeAccount != "" {
		w.add(`NOT (author_iri IN (`+exclusiveMembers+`) OR community_iri IN (`+exclusiveMembers+`))`,
			f.HomeAccount, true, f.HomeAccount, true)
	}
	query := `SELECT ` + postColumns + ` FROM posts` + idBounds(w, f.MaxID, f.SinceID, f.MinID, f.Limit)
	var list []*convene.Post
	if err := s.selectContext(ctx, &list, query, w.args...); err != nil {
		return nil, fmt.Errorf("find timeline posts: %w", err)
	}
	for _, p := range list {
		normalizePost(p)
	}
	return list, nil
}

// homePosts is the condition of a home timeline's posts: everything in a community it belongs
// to (members may read its community-only posts), its own posts, and the public posts of the
// people it follows. homeArgs gives its arguments.
const homePosts = `(community_iri IN (` + followedBy + `) OR author_iri = ? OR (visibility = ? AND author_iri IN (` + followedBy + `)))`

func homeArgs(home string) []any {
	return []any{home, home, convene.VisibilityPublic, home}
}

// FindTimelineBoosts implements convene.TimelineStore. On a home timeline a post shows once:
// boosts of posts the home shows anyway are left out, and of several boosts of one post only
// the latest is kept, in SQL, so that pages stay full and paging skips nothing.
func (s *store) FindTimelineBoosts(ctx context.Context, f convene.TimelineFilter) ([]*convene.Boost, error) {
	if len(f.BoostedBy) == 0 {
		return nil, nil
	}
	w := &where{}
	w.add("account_id IN ("+placeholders(len(f.BoostedBy))+")", anys(f.BoostedBy)...)
	// Correlated EXISTS looks each boost's post up by its key; "post_id IN (SELECT …)" would
	// read every post on SQLite (no index covers visibility), on every page.
	standing := `SELECT 1 FROM posts WHERE posts.id = boosts.post_id AND deleted_at IS NULL AND visibility = ?`
	if f.ThreadsOnly {
		standing += ` AND parent_id = ''`
	}
	if f.OnlyMedia {
		standing += ` AND EXISTS (SELECT 1 FROM media WHERE media.post_id = posts.id)`
	}
	w.add("EXISTS ("+standing+")", convene.VisibilityPublic)
	if f.Home != "" {
		w.add("NOT EXISTS (SELECT 1 FROM posts WHERE posts.id = boosts.post_id AND "+homePosts+")", homeArgs(f.Home)...)
		w.add("id IN (SELECT MAX(id) FROM boosts WHERE account_id IN ("+placeholders(len(f.BoostedBy))+") GROUP BY post_id)",
			anys(f.BoostedBy)...)
	}
	var list []*convene.Boost
	if err := s.selectContext(ctx, &list, `SELECT `+boostColumns+` FROM boosts`+idBounds(w, f.MaxID, f.SinceID, f.MinID, f.Limit),
		w.args...); err != nil {
		return nil, fmt.Errorf("find timeline boosts: %w", err)
	}
	for _, b := range list {
		b.CreatedAt = utc(b.CreatedAt)
	}
	return list, nil
}

// FindTimelineEvents implements convene.TimelineStore.
func (s *store) FindTimelineEvents(ctx context.Context, f convene.TimelineFilter) ([]*convene.Event, error) {
	if f.Tag != "" || f.OnlyMedia {
		return nil, nil // events carry no hashtags and no attachments
	}
	w := &where{}
	w.add("deleted_at IS NULL")
	if f.Home != "" {
		w.add(`(community_iri IN (`+followedBy+`) OR organizer_iri = ? OR (public = ? AND organizer_iri IN (`+followedBy+`)))`,
			f.Home, f.Home, true, f.Home)
	} else {
		w.add("public = ? AND listed = ?", true, true)
	}
	if f.LocalOnly {
		w.add("account_id <> ''")
	}
	if f.RemoteOnly {
		w.add("account_id = ''")
	}
	if f.Author != "" {
		w.add("organizer_iri = ?", f.Author)
	}
	if f.List != "" {
		w.add(`(organizer_iri IN (`+listMembers+`) OR community_iri IN (`+listMembers+`))`, f.List, f.List)
	}
	if f.HomeAccount != "" {
		w.add(`NOT (organizer_iri IN (`+exclusiveMembers+`) OR community_iri IN (`+exclusiveMembers+`))`,
			f.HomeAccount, true, f.HomeAccount, true)
	}
	if f.Community != "" {
		w.add("community_iri = ?", f.Community)
	}
	query := `SELECT ` + eventColumns + ` FROM events` + idBounds(w, f.MaxID, f.SinceID, f.MinID, f.Limit)
	var list []*convene.Event
	if err := s.selectContext(ctx, &list, query, w.args...); err != nil {
		return nil, fmt.Errorf("find timeline events: %w", err)
	}
	for _, e := range list {
		normalizeEvent(e)
	}
	return list, nil
}

// idBounds pages a list by id as Mastodon's lists page: older than maxID, newer than sinceID
// (newest first), or the ones just newer than minID (oldest first). It adds the bounds to w
// and returns the WHERE, ORDER BY and LIMIT.
func idBounds(w *where, maxID, sinceID, minID string, limit int) string {
	order := " ORDER BY id DESC"
	if maxID != "" {
		w.add("id < ?", maxID)
	}
	if sinceID != "" {
		w.add("id > ?", sinceID)
	}
	if minID != "" {
		w.add("id > ?", minID)
		order = " ORDER BY id"
	}
	return w.String() + order + " LIMIT " + strconv.Itoa(pageLimit(limit))
}

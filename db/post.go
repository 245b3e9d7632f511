package db

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/convene-social/convene"
)

const postColumns = `id, iri, COALESCE(community_id, '') AS community_id, community_iri, thread_id, parent_id, author_iri,
	account_id, title, content, source, mentions, visibility, reply_count, like_count, published_at, edited_at, deleted_at`

const postInsertColumns = `id, iri, community_id, community_iri, thread_id, parent_id, author_iri, account_id, title, content,
	source, mentions, visibility, reply_count, like_count, published_at, edited_at, deleted_at`

// CreatePost implements convene.PostStore.
func (s *store) CreatePost(ctx context.Context, p *convene.Post) error {
	return s.inTx(ctx, func(t *store) error {
		var communityID any // NULL for a remote community's post
		if p.CommunityID != "" {
			communityID = p.CommunityID
		}
		_, err := t.execContext(ctx, `INSERT INTO posts (`+postInsertColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)`,
			p.ID, p.IRI, communityID, p.CommunityIRI, p.ThreadID, p.ParentID, p.AuthorIRI, p.AccountID, p.Title, p.Content,
			p.Source, p.Mentions, p.Visibility, p.PublishedAt, p.EditedAt, p.DeletedAt)
		if convene.ErrorCode(err) == convene.ECONFLICT {
			return convene.Errorf(convene.ECONFLICT, "post %s already exists", p.IRI)
		}
		if err != nil {
			return fmt.Errorf("create post: %w", err)
		}
		if p.Poll != nil {
			p.Poll.PostID = p.ID
			if err := t.createPoll(ctx, p.Poll); err != nil {
				return err
			}
		}
		for _, tag := range p.Tags {
			if _, err := t.execContext(ctx, `INSERT INTO post_tags (post_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING`, p.ID, tag); err != nil {
				return fmt.Errorf("tag post: %w", err)
			}
		}
		if p.ParentID == "" {
			return nil
		}
		_, err = t.execContext(ctx, `UPDATE posts SET reply_count = reply_count + 1 WHERE id IN (?, ?)`, p.ParentID, p.ThreadID)
		return err
	})
}

// FindPostByID implements convene.PostStore.
func (s *store) FindPostByID(ctx context.Context, id string) (*convene.Post, error) {
	return s.findPost(ctx, "id = ?", id)
}

// FindPostByIRI implements convene.PostStore.
func (s *store) FindPostByIRI(ctx context.Context, iri string) (*convene.Post, error) {
	return s.findPost(ctx, "iri = ?", iri)
}

func (s *store) findPost(ctx context.Context, cond string, arg any) (*convene.Post, error) {
	var p convene.Post
	if err := s.getContext(ctx, &p, `SELECT `+postColumns+` FROM posts WHERE `+cond, arg); err != nil {
		return nil, notFound(err, "post not found")
	}
	return normalizePost(&p), nil
}

// FindPosts implements convene.PostStore. A thread's posts come oldest first, in the order
// they were written; lists of threads newest first.
func (s *store) FindPosts(ctx context.Context, f convene.PostFilter) ([]*convene.Post, error) {
	w := &where{}
	if f.CommunityID != "" {
		w.add("community_id = ?", f.CommunityID)
	}
	if f.CommunityIRI != "" {
		w.add("community_iri = ?", f.CommunityIRI)
	}
	if f.AuthorIRI != "" {
		w.add("author_iri = ?", f.AuthorIRI)
	}
	if f.Tag != "" {
		w.add("id IN (SELECT post_id FROM post_tags WHERE tag = ?)", f.Tag)
	}
	if f.ThreadID != "" {
		w.add("thread_id = ?", f.ThreadID)
	}
	if len(f.IDs) > 0 {
		w.add("id IN ("+placeholders(len(f.IDs))+")", anys(f.IDs)...)
	}
	if f.ThreadsOnly {
		w.add("parent_id = ''")
	}
	if f.PublicOnly {
		w.add("visibility = ?", convene.VisibilityPublic)
	}
	order := " ORDER BY id DESC"
	if f.BeforeID != "" {
		w.add("id < ?", f.BeforeID)
	}
	if f.ThreadID != "" {
		order = " ORDER BY id"
	}
	var list []*convene.Post
	query := `SELECT ` + postColumns + ` FROM posts` + w.String() + order + ` LIMIT ` + strconv.Itoa(pageLimit(f.Limit))
	if err := s.selectContext(ctx, &list, query, w.args...); err != nil {
		return nil, fmt.Errorf("find posts: %w", err)
	}
	for _, p := range list {
		normalizePost(p)
	}
	return list, nil
}

// FindPostTags implements convene.PostStore.
func (s *store) FindPostTags(ctx context.Context, postID string) ([]string, error) {
	var tags []string
	if err := s.selectContext(ctx, &tags, `SELECT tag FROM post_tags WHERE post_id = ? ORDER BY tag`, postID); err != nil {
		return nil, fmt.Errorf("find post tags: %w", err)
	}
	return tags, nil
}

// FindPostsTags implements convene.PostStore: one query for a page of posts.
func (s *store) FindPostsTags(ctx context.Context, postIDs []string) (map[string][]string, error) {
	tags := map[string][]string{}
	if len(postIDs) == 0 {
		return tags, nil
	}
	var rows []struct {
		PostID string `db:"post_id"`
		Tag    string `db:"tag"`
	}
	if err := s.selectContext(ctx, &rows, `SELECT post_id, tag FROM post_tags WHERE post_id IN (`+placeholders(len(postIDs))+
		`) ORDER BY post_id, tag`, anys(postIDs)...); err != nil {
		return nil, fmt.Errorf("find posts' tags: %w", err)
	}
	for _, r := range rows {
		tags[r.PostID] = append(tags[r.PostID], r.Tag)
	}
	return tags, nil
}

// UpdatePost implements convene.PostStore; the post's hashtags become p.Tags.
func (s *store) UpdatePost(ctx context.Context, p *convene.Post) error {
	return s.inTx(ctx, func(t *store) error {
		if err := t.keepRevision(ctx, p); err != nil {
			return err
		}
		n, err := t.execContext(ctx, `UPDATE posts SET title = ?, content = ?, source = ?, mentions = ?, visibility = ?, edited_at = ?
			WHERE id = ? AND deleted_at IS NULL`, p.Title, p.Content, p.Source, p.Mentions, p.Visibility, p.EditedAt, p.ID)
		if err != nil {
			return fmt.Errorf("update post: %w", err)
		}
		if n == 0 {
			return convene.Errorf(convene.ENOTFOUND, "post not found")
		}
		if _, err := t.execContext(ctx, `DELETE FROM post_tags WHERE post_id = ?`, p.ID); err != nil {
			return fmt.Errorf("update post tags: %w", err)
		}
		for _, tag := range p.Tags {
			if _, err := t.execContext(ctx, `INSERT INTO post_tags (post_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING`, p.ID, tag); err != nil {
				return fmt.Errorf("update post tags: %w", err)
			}
		}
		return nil
	})
}

// keepRevision copies the post as it stands before an update that changes its title or
// content into post_revisions, dated from when that version appeared.
func (s *store) keepRevision(ctx context.Context, p *convene.Post) error {
	at := time.Now()
	if p.EditedAt != nil {
		at = *p.EditedAt
	}
	_, err := s.execContext(ctx, `INSERT INTO post_revisions (id, post_id, title, content, created_at)
		SELECT ?, id, title, content, COALESCE(edited_at, published_at) FROM posts
		WHERE id = ? AND deleted_at IS NULL AND (title <> ? OR content <> ?)`, convene.NewIDAt(at), p.ID, p.Title, p.Content)
	if err != nil {
		return fmt.Errorf("keep post revision: %w", err)
	}
	_, err = s.execContext(ctx, `DELETE FROM post_revisions WHERE post_id = ? AND id NOT IN
		(SELECT id FROM post_revisions WHERE post_id = ? ORDER BY id DESC LIMIT `+strconv.Itoa(maxPostRevisions)+`)`, p.ID, p.ID)
	if err != nil {
		return fmt.Errorf("trim post revisions: %w", err)
	}
	return nil
}

// maxPostRevisions bounds the versions kept of a post: a peer sending edit after edit must
// not grow them, or its history, without end.
const maxPostRevisions = 50

// FindPostRevisions implements convene.PostStore.
func (s *store) FindPostRevisions(ctx context.Context, postID string) ([]convene.PostRevision, error) {
	var revs []convene.PostRevision
	if err := s.selectContext(ctx, &revs, `SELECT title, content, created_at FROM post_revisions
		WHERE post_id = ? ORDER BY id`, postID); err != nil {
		return nil, fmt.Errorf("find post revisions: %w", err)
	}
	for i := range revs {
		revs[i].CreatedAt = revs[i].CreatedAt.UTC()
	}
	return revs, nil
}

// TombstonePost implements convene.PostStore; the post's earlier versions go with its content.
func (s *store) TombstonePost(ctx context.Context, id string, at time.Time) error {
	return s.inTx(ctx, func(t *store) error {
		_, err := t.execContext(ctx, `UPDATE posts SET title = '', content = '', source = '', deleted_at = ?
			WHERE id = ? AND deleted_at IS NULL`, at, id)
		if err != nil {
			return fmt.Errorf("delete post: %w", err)
		}
		if _, err := t.execContext(ctx, `DELETE FROM post_revisions WHERE post_id = ?`, id); err != nil {
			return fmt.Errorf("delete post revisions: %w", err)
		}
		return nil
	})
}

// AddLike implements convene.PostStore.
func (s *store) AddLike(ctx context.Context, postID, actorIRI, activityIRI string, at time.Time) error {
	return s.inTx(ctx, func(t *store) error {
		_, err := t.execContext(ctx, `INSERT INTO likes (post_id, actor_iri, activity_iri, created_at) VALUES (?, ?, ?, ?)`,
			postID, actorIRI, activityIRI, at)
		if convene.ErrorCode(err) == convene.ECONFLICT {
			return convene.Errorf(convene.ECONFLICT, "already liked")
		}
		if err != nil {
			return fmt.Errorf("like: %w", err)
		}
		_, err = t.execContext(ctx, `UPDATE posts SET like_count = like_count + 1 WHERE id = ?`, postID)
		return err
	})
}

// RemoveLike implements convene.PostStore.
func (s *store) RemoveLike(ctx context.Context, postID, actorIRI string) (string, error) {
	var activityIRI string
	err := s.inTx(ctx, func(t *store) error {
		err := t.getContext(ctx, &activityIRI, `SELECT activity_iri FROM likes WHERE post_id = ? AND actor_iri = ?`, postID, actorIRI)
		if err != nil {
			return notFound(err, "not liked")
		}
		if _, err := t.execContext(ctx, `DELETE FROM likes WHERE post_id = ? AND actor_iri = ?`, postID, actorIRI); err != nil {
			return fmt.Errorf("unlike: %w", err)
		}
		_, err = t.execContext(ctx, `UPDATE posts SET like_count = like_count - 1 WHERE id = ?`, postID)
		return err
	})
	return activityIRI, err
}

// RecordDeletion implements convene.PostStore.
func (s *store) RecordDeletion(ctx context.Context, iri, actor string, at time.Time) error {
	_, err := s.execContext(ctx, `INSERT INTO deleted_objects (iri, actor_iri, deleted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, iri, actor, at)
	if err != nil {
		return fmt.Errorf("record deletion: %w", err)
	}
	return nil
}

// IsDeleted implements convene.PostStore.
func (s *store) IsDeleted(ctx context.Context, iri, actor string, since time.Time) (bool, error) {
	var n int
	if err := s.getContext(ctx, &n, `SELECT COUNT(*) FROM deleted_objects WHERE iri = ? AND actor_iri = ? AND deleted_at >= ?`,
		iri, actor, since); err != nil {
		return false, fmt.Errorf("is deleted: %w", err)
	}
	return n > 0, nil
}

func normalizePost(p *convene.Post) *convene.Post {
	p.PublishedAt = utc(p.PublishedAt)
	for _, t := range []**time.Time{&p.EditedAt, &p.DeletedAt} {
		if *t != nil {
			u := utc(**t)
			*t = &u
		}
	}
	return p
}

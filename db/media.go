package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/convene-social/convene"
)

const mediaColumns = `id, COALESCE(account_id, '') AS account_id, COALESCE(post_id, '') AS post_id, kind, content_type,
	description, blurhash, width, height, size, small_width, small_height, small_size, file_key, small_key, remote_url,
	focus_x, focus_y, position, created_at`

const mediaInsertColumns = `id, account_id, post_id, kind, content_type, description, blurhash, width, height, size,
	small_width, small_height, small_size, file_key, small_key, remote_url, focus_x, focus_y, position, created_at`

// nullable is NULL for "", for the optional foreign keys.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateMedia implements convene.MediaStore.
func (s *store) CreateMedia(ctx context.Context, m *convene.Media) error {
	_, err := s.execContext(ctx, `INSERT INTO media (`+mediaInsertColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, nullable(m.AccountID), nullable(m.PostID), m.Kind, m.ContentType, m.Description, m.Blurhash, m.Width, m.Height,
		m.Size, m.SmallWidth, m.SmallHeight, m.SmallSize, m.FileKey, m.SmallKey, m.RemoteURL, m.FocusX, m.FocusY, m.Position,
		m.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("create media: %w", err)
	}
	return nil
}

// FindMedia implements convene.MediaStore.
func (s *store) FindMedia(ctx context.Context, id string) (*convene.Media, error) {
	var m convene.Media
	if err := s.getContext(ctx, &m, `SELECT `+mediaColumns+` FROM media WHERE id = ?`, id); err != nil {
		return nil, notFound(err, "media not found")
	}
	m.CreatedAt = utc(m.CreatedAt)
	return &m, nil
}

// FindMediaByFileKey implements convene.MediaStore.
func (s *store) FindMediaByFileKey(ctx context.Context, key string) (*convene.Media, error) {
	if key == "" {
		return nil, convene.Errorf(convene.ENOTFOUND, "media not found")
	}
	var m convene.Media
	if err := s.getContext(ctx, &m, `SELECT `+mediaColumns+` FROM media WHERE file_key = ? AND file_key <> ''
		UNION ALL SELECT `+mediaColumns+` FROM media WHERE small_key = ? AND small_key <> '' LIMIT 1`, key, key); err != nil {
		return nil, notFound(err, "media not found")
	}
	m.CreatedAt = utc(m.CreatedAt)
	return &m, nil
}

// FindPostsMedia implements convene.MediaStore.
func (s *store) FindPostsMedia(ctx context.Context, postIDs []string) (map[string][]*convene.Media, error) {
	out := map[string][]*convene.Media{}
	if len(postIDs) == 0 {
		return out, nil
	}
	var list []*convene.Media
	if err := s.selectContext(ctx, &list, `SELECT `+mediaColumns+` FROM media WHERE post_id IN (`+placeholders(len(postIDs))+
		`) ORDER BY post_id, position, id`, anys(postIDs)...); err != nil {
		return nil, fmt.Errorf("find posts' media: %w", err)
	}
	for _, m := range list {
		m.CreatedAt = utc(m.CreatedAt)
		out[m.PostID] = append(out[m.PostID], m)
	}
	return out, nil
}

// UpdateMediaDescription implements convene.MediaStore.
func (s *store) UpdateMediaDescription(ctx context.Context, m *convene.Media) error {
	n, err := s.execContext(ctx, `UPDATE media SET description = ?, focus_x = ?, focus_y = ? WHERE id = ?`,
		m.Description, m.FocusX, m.FocusY, m.ID)
	if err != nil {
		return fmt.Errorf("update media: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "media not found")
	}
	return nil
}

// SetPostMedia implements convene.MediaStore. Each row is claimed with a conditional update,
// so two posts racing for one upload cannot both get it.
func (s *store) SetPostMedia(ctx context.Context, postID, accountID string, ids []string) ([]*convene.Media, error) {
	var removed []*convene.Media
	err := s.inTx(ctx, func(t *store) error {
		for i, id := range ids {
			n, err := t.execContext(ctx, `UPDATE media SET post_id = ?, position = ?
				WHERE id = ? AND account_id = ? AND (post_id IS NULL OR post_id = ?)`, postID, i, id, accountID, postID)
			if err != nil {
				return fmt.Errorf("attach media: %w", err)
			}
			if n == 0 {
				return convene.Errorf(convene.ECONFLICT, "media %s cannot be attached", id)
			}
		}
		w := &where{}
		w.add("post_id = ?", postID)
		if len(ids) > 0 {
			w.add("id NOT IN ("+placeholders(len(ids))+")", anys(ids)...)
		}
		var err error
		removed, err = t.deleteMedia(ctx, w)
		return err
	})
	return removed, err
}

// DeletePostMedia implements convene.MediaStore.
func (s *store) DeletePostMedia(ctx context.Context, postID string) ([]*convene.Media, error) {
	var removed []*convene.Media
	err := s.inTx(ctx, func(t *store) error {
		w := &where{}
		w.add("post_id = ?", postID)
		var err error
		removed, err = t.deleteMedia(ctx, w)
		return err
	})
	return removed, err
}

// DetachPostMedia implements convene.MediaStore.
func (s *store) DetachPostMedia(ctx context.Context, postID string, at time.Time) error {
	if _, err := s.execContext(ctx, `UPDATE media SET post_id = NULL, position = 0, created_at = ?
		WHERE post_id = ? AND remote_url = '' AND account_id IS NOT NULL`, at.UTC(), postID); err != nil {
		return fmt.Errorf("detach post media: %w", err)
	}
	return nil
}

// DeleteUnattachedMedia implements convene.MediaStore.
func (s *store) DeleteUnattachedMedia(ctx context.Context, before time.Time, limit int) ([]*convene.Media, error) {
	var removed []*convene.Media
	err := s.inTx(ctx, func(t *store) error {
		var ids []string
		if err := t.selectContext(ctx, &ids, `SELECT id FROM media WHERE post_id IS NULL AND created_at < ? ORDER BY created_at LIMIT ?`,
			before.UTC(), pageLimit(limit)); err != nil {
			return fmt.Errorf("find unattached media: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		w := &where{}
		w.add("post_id IS NULL AND id IN ("+placeholders(len(ids))+")", anys(ids)...)
		var err error
		removed, err = t.deleteMedia(ctx, w)
		return err
	})
	return removed, err
}

// deleteMedia deletes the rows w selects and returns them, in one statement: rows a
// concurrent attach took meanwhile no longer match, so their files are not removed.
func (t *store) deleteMedia(ctx context.Context, w *where) ([]*convene.Media, error) {
	var list []*convene.Media
	if err := sqlx.SelectContext(ctx, t.writer(), &list, t.rebind(`DELETE FROM media`+w.String()+` RETURNING `+mediaColumns),
		w.args...); err != nil {
		return nil, fmt.Errorf("delete media: %w", translate(err))
	}
	for _, m := range list {
		m.CreatedAt = utc(m.CreatedAt)
	}
	return list, nil
}

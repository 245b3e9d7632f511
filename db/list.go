package db

import (
	"context"
	"fmt"
	"time"

	"github.com/convene-social/convene"
)

const listColumns = `id, account_id, title, replies_policy, exclusive, created_at`

// CreateList implements convene.ListStore.
func (s *store) CreateList(ctx context.Context, l *convene.List) error {
	if _, err := s.execContext(ctx, `INSERT INTO lists (`+listColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		l.ID, l.AccountID, l.Title, l.RepliesPolicy, l.Exclusive, l.CreatedAt.UTC()); err != nil {
		return fmt.Errorf("create list: %w", err)
	}
	return nil
}

// UpdateList implements convene.ListStore.
func (s *store) UpdateList(ctx context.Context, l *convene.List) error {
	if _, err := s.execContext(ctx, `UPDATE lists SET title = ?, replies_policy = ?, exclusive = ? WHERE id = ?`,
		l.Title, l.RepliesPolicy, l.Exclusive, l.ID); err != nil {
		return fmt.Errorf("update list: %w", err)
	}
	return nil
}

// DeleteList implements convene.ListStore.
func (s *store) DeleteList(ctx context.Context, id string) error {
	if _, err := s.execContext(ctx, `DELETE FROM lists WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete list: %w", err)
	}
	return nil
}

// FindList implements convene.ListStore.
func (s *store) FindList(ctx context.Context, id string) (*convene.List, error) {
	var l convene.List
	if err := s.getContext(ctx, &l, `SELECT `+listColumns+` FROM lists WHERE id = ?`, id); err != nil {
		return nil, notFound(err, "list not found")
	}
	l.CreatedAt = l.CreatedAt.UTC()
	return &l, nil
}

// FindLists implements convene.ListStore.
func (s *store) FindLists(ctx context.Context, accountID string) ([]*convene.List, error) {
	var list []*convene.List
	if err := s.selectContext(ctx, &list, `SELECT `+listColumns+` FROM lists WHERE account_id = ? ORDER BY id LIMIT 200`, accountID); err != nil {
		return nil, fmt.Errorf("find lists: %w", err)
	}
	for _, l := range list {
		l.CreatedAt = l.CreatedAt.UTC()
	}
	return list, nil
}

// FindListsWithMembers implements convene.ListStore.
func (s *store) FindListsWithMembers(ctx context.Context, ownerID string, actors []string) ([]*convene.List, error) {
	if len(actors) == 0 {
		return nil, nil
	}
	w := &where{}
	w.add("id IN (SELECT list_id FROM list_members WHERE actor_iri IN ("+placeholders(len(actors))+"))", anys(actors)...)
	if ownerID != "" {
		w.add("account_id = ?", ownerID)
	}
	var list []*convene.List
	if err := s.selectContext(ctx, &list, `SELECT `+listColumns+` FROM lists`+w.String()+` ORDER BY id`, w.args...); err != nil {
		return nil, fmt.Errorf("find lists with members: %w", err)
	}
	for _, l := range list {
		l.CreatedAt = l.CreatedAt.UTC()
	}
	return list, nil
}

// AddListMembers implements convene.ListStore; members already there stay.
func (s *store) AddListMembers(ctx context.Context, listID string, actors []string, at time.Time) error {
	return s.inTx(ctx, func(t *store) error {
		for _, iri := range actors {
			if _, err := t.execContext(ctx, `INSERT INTO list_members (list_id, actor_iri, created_at) VALUES (?, ?, ?)
				ON CONFLICT DO NOTHING`, listID, iri, at.UTC()); err != nil {
				return fmt.Errorf("add list member: %w", err)
			}
		}
		return nil
	})
}

// RemoveListMembers implements convene.ListStore.
func (s *store) RemoveListMembers(ctx context.Context, listID string, actors []string) error {
	if len(actors) == 0 {
		return nil
	}
	if _, err := s.execContext(ctx, `DELETE FROM list_members WHERE list_id = ? AND actor_iri IN (`+placeholders(len(actors))+`)`,
		append([]any{listID}, anys(actors)...)...); err != nil {
		return fmt.Errorf("remove list members: %w", err)
	}
	return nil
}

// FindListMembers implements convene.ListStore.
func (s *store) FindListMembers(ctx context.Context, listID string) ([]string, error) {
	var iris []string
	if err := s.selectContext(ctx, &iris, `SELECT actor_iri FROM list_members WHERE list_id = ? ORDER BY created_at, actor_iri LIMIT 1000`, listID); err != nil {
		return nil, fmt.Errorf("find list members: %w", err)
	}
	return iris, nil
}

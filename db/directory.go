package db

import (
	"context"
	"fmt"

	"github.com/convene-social/convene"
)

// FindDirectoryIDs implements convene.DirectoryStore: communities, and the people who chose
// to be found. A person is as active as their latest public post, a community as its latest
// public thread; those who never posted come last.
func (s *store) FindDirectoryIDs(ctx context.Context, f convene.DirectoryFilter) ([]string, error) {
	w := &where{}
	w.add("((ac.state = 'approved' AND ac.discoverable) OR c.id IS NOT NULL)")
	if f.CommunityOnly {
		w.add("c.id IS NOT NULL")
	}
	if len(f.ExceptNames) > 0 {
		w.add("a.name NOT IN ("+placeholders(len(f.ExceptNames))+")", anys(f.ExceptNames)...)
	}
	order := " ORDER BY a.id DESC"
	if f.Active {
		// Only public posts that stand count, so the order tells outsiders nothing of
		// members-only activity; "account_id <> ''" lets the partial index posts_account serve
		// the subquery (without it, a scan of every post per person).
		order = ` ORDER BY COALESCE(CASE WHEN c.id IS NULL
			THEN (SELECT MAX(p.id) FROM posts p WHERE p.account_id = a.id AND p.account_id <> ''
				AND p.visibility = 'public' AND p.deleted_at IS NULL)
			ELSE (SELECT MAX(p.id) FROM posts p WHERE p.community_id = a.id AND p.parent_id = ''
				AND p.visibility = 'public' AND p.deleted_at IS NULL) END, '') DESC, a.id DESC`
	}
	var ids []string
	if err := s.selectContext(ctx, &ids, `SELECT a.id FROM actors a LEFT JOIN accounts ac ON ac.id = a.id
		LEFT JOIN communities c ON c.id = a.id`+w.String()+order+searchPage(convene.SearchFilter{Limit: f.Limit, Offset: f.Offset}),
		w.args...); err != nil {
		return nil, fmt.Errorf("find directory: %w", err)
	}
	return ids, nil
}

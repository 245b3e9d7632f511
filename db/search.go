package db

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/convene-social/convene"
)

// likeEscaper makes a term match itself in LIKE ... ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func likePrefix(term string) string   { return likeEscaper.Replace(term) + "%" }
func likeContains(term string) string { return "%" + likeEscaper.Replace(term) + "%" }

func searchPage(f convene.SearchFilter) string {
	return " LIMIT " + strconv.Itoa(pageLimit(f.Limit)) + " OFFSET " + strconv.Itoa(max(f.Offset, 0))
}

// SearchActorIDs implements convene.SearchStore.
func (s *store) SearchActorIDs(ctx context.Context, f convene.SearchFilter) ([]string, error) {
	if len(f.Terms) == 0 {
		return nil, nil
	}
	term := f.Terms[0]
	prefix, wordPrefix := likePrefix(term), "% "+likePrefix(term)
	var ids []string
	err := s.selectContext(ctx, &ids, `SELECT id FROM (
		SELECT a.id, a.name AS handle, 0 AS remote FROM actors a
			LEFT JOIN accounts ac ON ac.id = a.id LEFT JOIN communities c ON c.id = a.id
			WHERE (ac.state = 'approved' OR c.id IS NOT NULL)
			AND (a.name LIKE ? ESCAPE '\' OR lower(COALESCE(ac.display_name, c.name)) LIKE ? ESCAPE '\'
				OR lower(COALESCE(ac.display_name, c.name)) LIKE ? ESCAPE '\')
		UNION ALL
		SELECT r.id, lower(r.username) AS handle, 1 AS remote FROM remote_actors r
			WHERE r.gone = ? AND (lower(r.username) LIKE ? ESCAPE '\' OR lower(r.name) LIKE ? ESCAPE '\'
				OR lower(r.name) LIKE ? ESCAPE '\')
		) m ORDER BY CASE WHEN handle = ? THEN 0 ELSE 1 END, remote, handle, id`+searchPage(f),
		prefix, prefix, wordPrefix, false, prefix, prefix, wordPrefix, term)
	if err != nil {
		return nil, fmt.Errorf("search actors: %w", err)
	}
	return ids, nil
}

// SearchHashtags implements convene.SearchStore.
func (s *store) SearchHashtags(ctx context.Context, f convene.SearchFilter) ([]string, error) {
	if len(f.Terms) == 0 {
		return nil, nil
	}
	var tags []string
	err := s.selectContext(ctx, &tags, `SELECT t.tag FROM post_tags t JOIN posts p ON p.id = t.post_id
		WHERE t.tag LIKE ? ESCAPE '\' AND p.visibility = ? AND p.deleted_at IS NULL
		GROUP BY t.tag ORDER BY CASE WHEN t.tag = ? THEN 0 ELSE 1 END, COUNT(*) DESC, t.tag`+searchPage(f),
		likePrefix(f.Terms[0]), convene.VisibilityPublic, f.Terms[0])
	if err != nil {
		return nil, fmt.Errorf("search hashtags: %w", err)
	}
	return tags, nil
}

// SearchPublicPosts implements convene.SearchStore. The text is the stored HTML, so a term
// may also match inside markup; the cost is a scan of public posts, fine at an instance's
// size and bounded by the API's rate limits.
func (s *store) SearchPublicPosts(ctx context.Context, f convene.SearchFilter) ([]*convene.Post, error) {
	if len(f.Terms) == 0 {
		return nil, nil
	}
	w := &where{}
	w.add("deleted_at IS NULL AND visibility = ?", convene.VisibilityPublic)
	for _, term := range f.Terms {
		c := likeContains(term)
		w.add(`(lower(title) LIKE ? ESCAPE '\' OR lower(content) LIKE ? ESCAPE '\')`, c, c)
	}
	var list []*convene.Post
	if err := s.selectContext(ctx, &list, `SELECT `+postColumns+` FROM posts`+w.String()+` ORDER BY id DESC`+searchPage(f),
		w.args...); err != nil {
		return nil, fmt.Errorf("search posts: %w", err)
	}
	for _, p := range list {
		normalizePost(p)
	}
	return list, nil
}

package db

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/convene-social/convene"
)

const followColumns = `id, activity_iri, follower_iri, followee_iri, state, created_at, updated_at`

// CreateFollow implements convene.FederationStore.
func (s *store) CreateFollow(ctx context.Context, f *convene.Follow) error {
	_, err := s.execContext(ctx, `INSERT INTO follows (`+followColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.ActivityIRI, f.Follower, f.Followee, f.State, f.CreatedAt, f.UpdatedAt)
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return convene.Errorf(convene.ECONFLICT, "already following")
	}
	if err != nil {
		return fmt.Errorf("create follow: %w", err)
	}
	return nil
}

// FindFollow implements convene.FederationStore.
func (s *store) FindFollow(ctx context.Context, follower, followee string) (*convene.Follow, error) {
	return s.findFollow(ctx, "follower_iri = ? AND followee_iri = ?", follower, followee)
}

// FindFollowByActivity implements convene.FederationStore.
func (s *store) FindFollowByActivity(ctx context.Context, activityIRI string) (*convene.Follow, error) {
	return s.findFollow(ctx, "activity_iri = ?", activityIRI)
}

func (s *store) findFollow(ctx context.Context, cond string, args ...any) (*convene.Follow, error) {
	var f convene.Follow
	if err := s.getContext(ctx, &f, `SELECT `+followColumns+` FROM follows WHERE `+cond+` LIMIT 1`, args...); err != nil {
		return nil, notFound(err, "follow not found")
	}
	f.CreatedAt, f.UpdatedAt = utc(f.CreatedAt), utc(f.UpdatedAt)
	return &f, nil
}

// UpdateFollowState implements convene.FederationStore.
func (s *store) UpdateFollowState(ctx context.Context, id string, state convene.FollowState, at time.Time) error {
	n, err := s.execContext(ctx, `UPDATE follows SET state = ?, updated_at = ? WHERE id = ?`, state, at, id)
	if err != nil {
		return fmt.Errorf("update follow: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "follow not found")
	}
	return nil
}

// DeleteFollow implements convene.FederationStore.
func (s *store) DeleteFollow(ctx context.Context, id string) error {
	if _, err := s.execContext(ctx, `DELETE FROM follows WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete follow: %w", err)
	}
	return nil
}

// FindFollows implements convene.FederationStore.
func (s *store) FindFollows(ctx context.Context, f convene.FollowFilter) ([]*convene.Follow, error) {
	w := followWhere(f)
	if f.BeforeID != "" {
		w.add("id < ?", f.BeforeID)
	}
	var list []*convene.Follow
	query := `SELECT ` + followColumns + ` FROM follows` + w.String() + ` ORDER BY id DESC LIMIT ` + strconv.Itoa(pageLimit(f.Limit))
	if err := s.selectContext(ctx, &list, query, w.args...); err != nil {
		return nil, fmt.Errorf("find follows: %w", err)
	}
	for _, fl := range list {
		fl.CreatedAt, fl.UpdatedAt = utc(fl.CreatedAt), utc(fl.UpdatedAt)
	}
	return list, nil
}

// CountFollows implements convene.FederationStore.
func (s *store) CountFollows(ctx context.Context, f convene.FollowFilter) (int, error) {
	w := followWhere(f)
	var n int
	if err := s.getContext(ctx, &n, `SELECT COUNT(*) FROM follows`+w.String(), w.args...); err != nil {
		return 0, fmt.Errorf("count follows: %w", err)
	}
	return n, nil
}

func followWhere(f convene.FollowFilter) *where {
	w := &where{}
	if f.Follower != "" {
		w.add("follower_iri = ?", f.Follower)
	}
	if len(f.Followers) > 0 {
		w.add("follower_iri IN ("+placeholders(len(f.Followers))+")", anys(f.Followers)...)
	}
	if len(f.Followees) > 0 {
		w.add("followee_iri IN ("+placeholders(len(f.Followees))+")", anys(f.Followees)...)
	}
	if f.Followee != "" {
		w.add("followee_iri = ?", f.Followee)
	}
	if f.State != "" {
		w.add("state = ?", f.State)
	}
	return w
}

// DeleteFollowsWithDomain implements convene.FederationStore.
func (s *store) DeleteFollowsWithDomain(ctx context.Context, host string) (int, error) {
	// remote_actors.domain may carry a port, and a block covers subdomains.
	onHost := `SELECT iri FROM remote_actors WHERE domain = ? OR domain LIKE ? OR domain LIKE ? OR domain LIKE ?`
	args := []any{host, host + ":%", "%." + host, "%." + host + ":%"}
	n, err := s.execContext(ctx, `DELETE FROM follows WHERE follower_iri IN (`+onHost+`) OR followee_iri IN (`+onHost+`)`,
		append(args, args...)...)
	if err != nil {
		return 0, fmt.Errorf("delete follows with %s: %w", host, err)
	}
	return int(n), nil
}

// FindFollowerActors implements convene.FederationStore.
func (s *store) FindFollowerActors(ctx context.Context, followee string) ([]*convene.RemoteActor, error) {
	var list []*convene.RemoteActor
	err := s.selectContext(ctx, &list, `SELECT `+remoteActorColumns+` FROM remote_actors
		WHERE iri IN (SELECT follower_iri FROM follows WHERE followee_iri = ? AND state = ?)`, followee, convene.FollowAccepted)
	if err != nil {
		return nil, fmt.Errorf("find follower actors: %w", err)
	}
	return list, nil
}

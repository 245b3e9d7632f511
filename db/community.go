package db

import (
	"context"
	"fmt"
	"strconv"

	"github.com/convene-social/convene"
)

const communityColumns = `c.id, ac.name AS slug, c.name, c.summary, c.region, c.owner_id, c.follow_policy,
	c.posting_policy, ac.public_key_pem, ac.avatar_key, ac.header_key, c.created_at, c.updated_at`

const communityFrom = ` FROM communities c JOIN actors ac ON ac.id = c.id`

// CreateCommunity implements convene.CommunityStore.
func (s *store) CreateCommunity(ctx context.Context, c *convene.Community, keys convene.KeyPair) error {
	return s.inTx(ctx, func(t *store) error {
		if err := t.createActor(ctx, c.ID, convene.ActorGroup, c.Slug, keys, c.CreatedAt); err != nil {
			return err
		}
		_, err := t.tx.ExecContext(ctx, t.rebind(`INSERT INTO communities
			(id, name, summary, region, owner_id, follow_policy, posting_policy, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			c.ID, c.Name, c.Summary, c.Region, c.OwnerID, c.FollowPolicy, c.PostingPolicy, c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return fmt.Errorf("create community: %w", translate(err))
		}
		if err := t.AddModerator(ctx, c.ID, c.OwnerID); err != nil {
			return err
		}
		c.PublicKeyPEM = keys.PublicKeyPEM
		return nil
	})
}

// FindCommunityByID implements convene.CommunityStore.
func (s *store) FindCommunityByID(ctx context.Context, id string) (*convene.Community, error) {
	return s.findCommunity(ctx, "c.id = ?", id)
}

// FindCommunityBySlug implements convene.CommunityStore; slug must be normalized.
func (s *store) FindCommunityBySlug(ctx context.Context, slug string) (*convene.Community, error) {
	return s.findCommunity(ctx, "ac.name = ?", slug)
}

func (s *store) findCommunity(ctx context.Context, cond string, arg any) (*convene.Community, error) {
	var c convene.Community
	if err := s.getContext(ctx, &c, `SELECT `+communityColumns+communityFrom+` WHERE `+cond, arg); err != nil {
		return nil, notFound(err, "community not found")
	}
	return normalizeCommunity(&c), nil
}

// FindCommunities implements convene.CommunityStore.
func (s *store) FindCommunities(ctx context.Context, f convene.CommunityFilter) ([]*convene.Community, error) {
	w := communityWhere(f)
	if f.BeforeID != "" {
		w.add("c.id < ?", f.BeforeID)
	}
	var list []*convene.Community
	query := `SELECT ` + communityColumns + communityFrom + w.String() + ` ORDER BY c.id DESC LIMIT ` + strconv.Itoa(pageLimit(f.Limit))
	if err := s.selectContext(ctx, &list, query, w.args...); err != nil {
		return nil, fmt.Errorf("find communities: %w", err)
	}
	for _, c := range list {
		normalizeCommunity(c)
	}
	return list, nil
}

// CountCommunities implements convene.CommunityStore; BeforeID and Limit are ignored.
func (s *store) CountCommunities(ctx context.Context, f convene.CommunityFilter) (int, error) {
	w := communityWhere(f)
	var n int
	if err := s.getContext(ctx, &n, `SELECT COUNT(*) FROM communities c`+w.String(), w.args...); err != nil {
		return 0, fmt.Errorf("count communities: %w", err)
	}
	return n, nil
}

func communityWhere(f convene.CommunityFilter) *where {
	w := &where{}
	if f.OwnerID != "" {
		w.add("c.owner_id = ?", f.OwnerID)
	}
	if f.ModeratorID != "" {
		w.add("c.id IN (SELECT community_id FROM community_moderators WHERE account_id = ?)", f.ModeratorID)
	}
	return w
}

// UpdateCommunity implements convene.CommunityStore.
func (s *store) UpdateCommunity(ctx context.Context, c *convene.Community) error {
	n, err := s.execContext(ctx, `UPDATE communities SET name = ?, summary = ?, region = ?, owner_id = ?,
		follow_policy = ?, posting_policy = ?, updated_at = ? WHERE id = ?`,
		c.Name, c.Summary, c.Region, c.OwnerID, c.FollowPolicy, c.PostingPolicy, c.UpdatedAt, c.ID)
	if err != nil {
		return fmt.Errorf("update community: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "community not found")
	}
	return nil
}

// AddModerator implements convene.CommunityStore.
func (s *store) AddModerator(ctx context.Context, communityID, accountID string) error {
	_, err := s.execContext(ctx, `INSERT INTO community_moderators (community_id, account_id, created_at)
		VALUES (?, ?, CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING`, communityID, accountID)
	if err != nil {
		return fmt.Errorf("add moderator: %w", err)
	}
	return nil
}

// RemoveModerator implements convene.CommunityStore.
func (s *store) RemoveModerator(ctx context.Context, communityID, accountID string) error {
	n, err := s.execContext(ctx, `DELETE FROM community_moderators WHERE community_id = ? AND account_id = ?`,
		communityID, accountID)
	if err != nil {
		return fmt.Errorf("remove moderator: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "not a moderator of this community")
	}
	return nil
}

// IsModerator implements convene.CommunityStore.
func (s *store) IsModerator(ctx context.Context, communityID, accountID string) (bool, error) {
	var n int
	err := s.getContext(ctx, &n, `SELECT COUNT(*) FROM community_moderators WHERE community_id = ? AND account_id = ?`,
		communityID, accountID)
	if err != nil {
		return false, fmt.Errorf("is moderator: %w", err)
	}
	return n > 0, nil
}

// FindModerators implements convene.CommunityStore: the community's moderators, earliest first.
func (s *store) FindModerators(ctx context.Context, communityID string) ([]*convene.Account, error) {
	var list []*convene.Account
	err := s.selectContext(ctx, &list, `SELECT `+accountColumns+accountFrom+`
		JOIN community_moderators m ON m.account_id = a.id
		WHERE m.community_id = ? ORDER BY m.created_at, a.id`, communityID)
	if err != nil {
		return nil, fmt.Errorf("find moderators: %w", err)
	}
	for _, a := range list {
		normalizeAccount(a)
	}
	return list, nil
}

func normalizeCommunity(c *convene.Community) *convene.Community {
	c.CreatedAt, c.UpdatedAt = utc(c.CreatedAt), utc(c.UpdatedAt)
	return c
}

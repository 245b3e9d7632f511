package service

import (
	"context"
	"fmt"

	"github.com/convene-social/convene"
)

// CommunityCreate is the input to CreateCommunity.
type CommunityCreate struct {
	Slug         string
	Name         string
	Summary      string // markdown
	Region       string
	FollowPolicy convene.FollowPolicy // empty means open
	// PostingPolicy says who may start threads; empty means members.
	PostingPolicy convene.PostingPolicy
	// Owner is the owner's username. Members create communities they own, so only admins and
	// the operator may name someone else. The operator may leave it empty when the instance
	// has exactly one admin, who then owns the community.
	Owner string
}

// CreateCommunity creates a community owned by an approved account, which also becomes its
// first moderator.
func (s *Service) CreateCommunity(ctx context.Context, in CommunityCreate) (*convene.Community, error) {
	c, err := s.newCommunity(in)
	if err != nil {
		return nil, err
	}
	owner, err := s.communityOwner(ctx, in.Owner)
	if err != nil {
		return nil, err
	}
	c.OwnerID = owner.ID
	keys, err := s.newKeyPair()
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateCommunity(ctx, c, keys); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "community created", "slug", c.Slug, "owner", owner.Username)
	return c, nil
}

func (s *Service) newCommunity(in CommunityCreate) (*convene.Community, error) {
	slug := convene.NormalizeName(in.Slug)
	if err := convene.ValidateName("slug", slug); err != nil {
		return nil, err
	}
	name, err := validateText("name", in.Name, maxCommunityName, true)
	if err != nil {
		return nil, err
	}
	summary, err := validateText("summary", in.Summary, maxSummary, false)
	if err != nil {
		return nil, err
	}
	region, err := validateText("region", in.Region, maxRegion, false)
	if err != nil {
		return nil, err
	}
	policy := in.FollowPolicy
	if policy == "" {
		policy = convene.FollowOpen
	}
	if !policy.Valid() {
		return nil, convene.Errorf(convene.EINVALID, "follow policy %q must be open or approval", policy)
	}
	posting := in.PostingPolicy
	if posting == "" {
		posting = convene.PostingMembers
	}
	if !posting.Valid() {
		return nil, convene.Errorf(convene.EINVALID, "posting policy %q must be members, followers or moderators", posting)
	}
	now := s.timestamp()
	return &convene.Community{
		ID: convene.NewIDAt(now), Slug: slug, Name: name, Summary: summary, Region: region,
		FollowPolicy: policy, PostingPolicy: posting, CreatedAt: now, UpdatedAt: now,
	}, nil
}

// communityOwner decides who owns a new community, given the requested owner's username.
func (s *Service) communityOwner(ctx context.Context, username string) (*convene.Account, error) {
	p := convene.PrincipalFrom(ctx)
	username = convene.NormalizeName(username)
	switch {
	case p.Account == nil && !p.Operator:
		return nil, convene.Errorf(convene.EUNAUTHORIZED, "sign in to create a community")
	case p.Account != nil && p.Account.State != convene.AccountApproved:
		return nil, convene.Errorf(convene.EFORBIDDEN, "your account is waiting for approval")
	case username == "" && p.Account != nil:
		return p.Account, nil
	case username == "":
		return s.soleAdmin(ctx)
	case !p.IsAdmin() && username != p.Account.Username:
		return nil, convene.Errorf(convene.EFORBIDDEN, "only admins may create a community for someone else")
	}
	owner, err := s.store.FindAccountByUsername(ctx, username)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil, convene.Errorf(convene.ENOTFOUND, "owner %q: no such account", username)
	} else if err != nil {
		return nil, err
	}
	if owner.State != convene.AccountApproved {
		return nil, convene.Errorf(convene.EINVALID, "owner %q is not approved yet", username)
	}
	return owner, nil
}

func (s *Service) soleAdmin(ctx context.Context) (*convene.Account, error) {
	admins, err := s.store.FindAccounts(ctx, convene.AccountFilter{Role: convene.RoleAdmin, State: convene.AccountApproved, Limit: 2})
	if err != nil {
		return nil, err
	}
	if len(admins) != 1 {
		return nil, convene.Errorf(convene.EINVALID, "an owner is required: there are %d admins to choose from", len(admins))
	}
	return admins[0], nil
}

// FindCommunity returns the community with the given slug.
func (s *Service) FindCommunity(ctx context.Context, slug string) (*convene.Community, error) {
	return s.store.FindCommunityBySlug(ctx, convene.NormalizeName(slug))
}

// FindCommunities lists communities, newest first.
func (s *Service) FindCommunities(ctx context.Context, f convene.CommunityFilter) ([]*convene.Community, error) {
	return s.store.FindCommunities(ctx, f)
}

// FindModerators lists a community's moderators.
func (s *Service) FindModerators(ctx context.Context, slug string) ([]*convene.Account, error) {
	c, err := s.FindCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	return s.store.FindModerators(ctx, c.ID)
}

// AddModerator makes an approved account a moderator of a community. The community's owner
// and instance admins may.
func (s *Service) AddModerator(ctx context.Context, slug, username string) error {
	c, a, err := s.moderatorChange(ctx, slug, username)
	if err != nil {
		return err
	}
	if a.State != convene.AccountApproved {
		return convene.Errorf(convene.EINVALID, "%q is not approved yet", a.Username)
	}
	if err := s.store.AddModerator(ctx, c.ID, a.ID); err != nil {
		return fmt.Errorf("add moderator: %w", err)
	}
	return nil
}

// RemoveModerator takes moderation away from an account. The owner always moderates.
func (s *Service) RemoveModerator(ctx context.Context, slug, username string) error {
	c, a, err := s.moderatorChange(ctx, slug, username)
	if err != nil {
		return err
	}
	if a.ID == c.OwnerID {
		return convene.Errorf(convene.EINVALID, "the owner of a community always moderates it")
	}
	return s.store.RemoveModerator(ctx, c.ID, a.ID)
}

// moderatorChange loads the community and account of a moderator change and checks that the
// principal may make it.
func (s *Service) moderatorChange(ctx context.Context, slug, username string) (*convene.Community, *convene.Account, error) {
	c, err := s.FindCommunity(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	if err := s.requireOwner(ctx, c); err != nil {
		return nil, nil, err
	}
	a, err := s.FindAccount(ctx, username)
	if err != nil {
		return nil, nil, err
	}
	return c, a, nil
}

// requireOwner allows the community's owner and instance admins.
func (s *Service) requireOwner(ctx context.Context, c *convene.Community) error {
	p := convene.PrincipalFrom(ctx)
	if p.IsAdmin() || (p.Account != nil && p.Account.ID == c.OwnerID && p.Account.State == convene.AccountApproved) {
		return nil
	}
	return convene.Errorf(convene.EFORBIDDEN, "only the owner of %s may change its moderators", c.Slug)
}

// CanModerate reports whether the principal in ctx may moderate community c: its moderators
// and instance staff may.
func (s *Service) CanModerate(ctx context.Context, c *convene.Community) (bool, error) {
	p := convene.PrincipalFrom(ctx)
	if p.IsStaff() {
		return true, nil
	}
	if p.Account == nil || p.Account.State != convene.AccountApproved {
		return false, nil
	}
	return s.store.IsModerator(ctx, c.ID, p.Account.ID)
}

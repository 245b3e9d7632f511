package service

import (
	"context"
	"fmt"

	"github.com/convene-social/convene"
)

// AdminOverview counts what the admin pages manage.
type AdminOverview struct {
	PendingSignups int // accounts waiting for approval
	DomainBlocks   int
	Accounts       int // approved accounts
}

// AdminOverview counts pending sign-ups, domain blocks and accounts. Admins only.
func (s *Service) AdminOverview(ctx context.Context) (AdminOverview, error) {
	var o AdminOverview
	if !convene.PrincipalFrom(ctx).IsAdmin() {
		return o, convene.Errorf(convene.EFORBIDDEN, "only admins may administer the instance")
	}
	var err error
	if o.PendingSignups, err = s.store.CountAccounts(ctx, convene.AccountFilter{State: convene.AccountPending}); err != nil {
		return o, err
	}
	if o.Accounts, err = s.store.CountAccounts(ctx, convene.AccountFilter{State: convene.AccountApproved}); err != nil {
		return o, err
	}
	blocks, err := s.store.FindDomainBlocks(ctx)
	o.DomainBlocks = len(blocks)
	return o, err
}

// PendingAccounts lists the accounts waiting for approval, newest first, limit at a time:
// pass the last ID seen as beforeID for the next page. Staff only, as ApproveAccount.
func (s *Service) PendingAccounts(ctx context.Context, beforeID string, limit int) ([]*convene.Account, error) {
	if !convene.PrincipalFrom(ctx).IsStaff() {
		return nil, convene.Errorf(convene.EFORBIDDEN, "only admins and moderators may see sign-ups")
	}
	return s.store.FindAccounts(ctx, convene.AccountFilter{State: convene.AccountPending, BeforeID: beforeID, Limit: limit})
}

// RejectAccount turns a sign-up down: the pending account is deleted, so its name and email
// may be used again (as Mastodon does). Approved accounts are not touched. Staff only.
func (s *Service) RejectAccount(ctx context.Context, username string) error {
	if !convene.PrincipalFrom(ctx).IsStaff() {
		return convene.Errorf(convene.EFORBIDDEN, "only admins and moderators may reject sign-ups")
	}
	a, err := s.store.FindAccountByUsername(ctx, convene.NormalizeName(username))
	if err != nil {
		return err
	}
	if a.State != convene.AccountPending {
		return convene.Errorf(convene.ECONFLICT, "@%s is approved already; only sign-ups waiting for approval can be rejected", a.Username)
	}
	if err := s.store.DeletePendingAccount(ctx, a.ID); err != nil {
		return fmt.Errorf("reject account: %w", err)
	}
	s.log.InfoContext(ctx, "sign-up rejected", "username", a.Username)
	return nil
}

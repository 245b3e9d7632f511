package service

import (
	"context"
	"fmt"

	"github.com/convene-social/convene"
)

// ChangePassword sets a new password for the principal's own account once the current one
// checks out. It follows sign-up's rules for the new password and signs the account out of
// every other session, so a browser a thief kept loses access; the session of keepToken (the
// browser making the change) stays signed in. Attempts count against the account's sign-in
// throttle, since a wrong current password is a guess like a wrong sign-in.
func (s *Service) ChangePassword(ctx context.Context, current, next, keepToken string) error {
	p := convene.PrincipalFrom(ctx)
	if p.Account == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "sign in to change your password")
	}
	if ok, until := s.signInByLogin.allow(p.Account.Username, s.now()); !ok {
		return convene.Errorf(convene.ETOOMANY, "too many attempts: try again after %s", until.UTC().Format("15:04 UTC"))
	}
	a, err := s.store.FindAccountByID(ctx, p.Account.ID)
	if err != nil {
		return err
	}
	if !checkPassword(a.PasswordHash, current) {
		return convene.Errorf(convene.EINVALID, "your current password is not right")
	}
	if err := validatePassword(next, a.Username, a.Email); err != nil {
		return err
	}
	if a.PasswordHash, err = hashPassword(next); err != nil {
		return err
	}
	a.UpdatedAt = s.timestamp()
	var ended int
	err = s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		ended, err = tx.DeleteOtherSessions(ctx, a.ID, hashToken(keepToken))
		return err
	})
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	s.log.InfoContext(ctx, "password changed", "username", a.Username, "sessions_ended", ended)
	return nil
}

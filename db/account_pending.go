package db

import (
	"context"
	"fmt"

	"github.com/convene-social/convene"
)

// DeletePendingAccount implements convene.AccountStore. Deleting the actor cascades to the
// account; a pending account cannot sign in, so nothing else refers to it yet.
func (s *store) DeletePendingAccount(ctx context.Context, id string) error {
	n, err := s.execContext(ctx, `DELETE FROM actors WHERE id = ?
		AND id IN (SELECT id FROM accounts WHERE state = ?)`, id, convene.AccountPending)
	if err != nil {
		return fmt.Errorf("delete pending account: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "no account waits for approval under that name")
	}
	return nil
}

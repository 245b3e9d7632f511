package db

import (
	"context"
	"fmt"
	"time"
)

// ClaimIdempotencyKey implements convene.IdempotencyStore. The insert either claims the key
// or finds it taken, atomically on both dialects (ON CONFLICT DO NOTHING).
func (s *store) ClaimIdempotencyKey(ctx context.Context, accountID, key string, now, since time.Time) (bool, string, error) {
	var claimed bool
	var madeID string
	err := s.inTx(ctx, func(t *store) error {
		if _, err := t.execContext(ctx, `DELETE FROM idempotency_keys WHERE account_id = ? AND created_at < ?`,
			accountID, since.UTC()); err != nil {
			return err
		}
		n, err := t.execContext(ctx, `INSERT INTO idempotency_keys (account_id, idem_key, created_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, accountID, key, now.UTC())
		if err != nil {
			return err
		}
		if claimed = n == 1; claimed {
			return nil
		}
		return t.getContext(ctx, &madeID, `SELECT made_id FROM idempotency_keys WHERE account_id = ? AND idem_key = ?`,
			accountID, key)
	})
	if err != nil {
		return false, "", fmt.Errorf("claim idempotency key: %w", err)
	}
	return claimed, madeID, nil
}

// SetIdempotencyResult implements convene.IdempotencyStore.
func (s *store) SetIdempotencyResult(ctx context.Context, accountID, key, madeID string) error {
	if _, err := s.execContext(ctx, `UPDATE idempotency_keys SET made_id = ? WHERE account_id = ? AND idem_key = ?`,
		madeID, accountID, key); err != nil {
		return fmt.Errorf("set idempotency result: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey implements convene.IdempotencyStore.
func (s *store) ReleaseIdempotencyKey(ctx context.Context, accountID, key string) error {
	if _, err := s.execContext(ctx, `DELETE FROM idempotency_keys WHERE account_id = ? AND idem_key = ?`,
		accountID, key); err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

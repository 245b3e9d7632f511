package db

import (
	"context"
	"fmt"
	"time"

	"github.com/convene-social/convene"
)

// FindInstanceKeys implements convene.InstanceStore.
func (s *store) FindInstanceKeys(ctx context.Context) (convene.KeyPair, time.Time, error) {
	var row struct {
		Public    string    `db:"public_key_pem"`
		Private   string    `db:"private_key_pem"`
		CreatedAt time.Time `db:"created_at"`
	}
	err := s.getContext(ctx, &row, `SELECT public_key_pem, private_key_pem, created_at FROM instance_actor WHERE id = 1`)
	if err != nil {
		return convene.KeyPair{}, time.Time{}, notFound(err, "the instance actor has no keys yet")
	}
	return convene.KeyPair{PublicKeyPEM: row.Public, PrivateKeyPEM: convene.PrivateKey(row.Private)}, utc(row.CreatedAt), nil
}

// CreateInstanceKeys implements convene.InstanceStore.
func (s *store) CreateInstanceKeys(ctx context.Context, keys convene.KeyPair, at time.Time) error {
	_, err := s.execContext(ctx, `INSERT INTO instance_actor (id, public_key_pem, private_key_pem, created_at) VALUES (1, ?, ?, ?)`,
		keys.PublicKeyPEM, keys.PrivateKeyPEM.PEM(), at)
	if err != nil {
		return fmt.Errorf("create instance keys: %w", err)
	}
	return nil
}

package db

import (
	"context"
	"time"

	"github.com/convene-social/convene"
)

// createActor claims name for a local actor and stores its keys. The unique index on
// actors.name is what keeps a community from taking a username, and the reverse.
func (s *store) createActor(ctx context.Context, id string, kind convene.ActorKind, name string, keys convene.KeyPair, at time.Time) error {
	_, err := s.tx.ExecContext(ctx, s.rebind(`INSERT INTO actors (id, kind, name, public_key_pem, private_key_pem, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`), id, kind, name, keys.PublicKeyPEM, keys.PrivateKeyPEM.PEM(), at)
	if err != nil {
		if violatedConstraint(err) == "actors_name_key" {
			return convene.Errorf(convene.ECONFLICT, "the name %q is already taken", name)
		}
		return translate(err)
	}
	return nil
}

// FindPrivateKey returns the private key of a local actor, for signing as that actor. It is
// the only way the key leaves the database.
func (s *store) FindPrivateKey(ctx context.Context, actorID string) (convene.PrivateKey, error) {
	var pem string
	err := s.getContext(ctx, &pem, `SELECT private_key_pem FROM actors WHERE id = ?`, actorID)
	if err != nil {
		return "", notFound(err, "actor not found")
	}
	return convene.PrivateKey(pem), nil
}

package db

import (
	"context"
	"fmt"

	"github.com/convene-social/convene"
)

const remoteActorColumns = `id, iri, type, username, domain, name, inbox, shared_inbox, followers, url, key_id,
	public_key_pem, manually_approves, gone, fetched_at, created_at, avatar_url, header_url, summary`

// UpsertRemoteActor implements convene.FederationStore.
func (s *store) UpsertRemoteActor(ctx context.Context, a *convene.RemoteActor) error {
	return s.inTx(ctx, func(t *store) error {
		existing, err := t.FindRemoteActor(ctx, a.IRI)
		switch {
		case err == nil:
			a.ID, a.CreatedAt = existing.ID, existing.CreatedAt
			_, err = t.execContext(ctx, `UPDATE remote_actors SET type = ?, username = ?, domain = ?, name = ?, inbox = ?,
				shared_inbox = ?, followers = ?, url = ?, key_id = ?, public_key_pem = ?, manually_approves = ?, gone = ?,
				fetched_at = ?, avatar_url = ?, header_url = ?, summary = ? WHERE id = ?`,
				a.Type, a.Username, a.Domain, a.Name, a.Inbox, a.SharedInbox, a.Followers, a.URL, a.KeyID,
				a.PublicKeyPEM, a.ManuallyApproves, a.Gone, a.FetchedAt, a.AvatarURL, a.HeaderURL, a.Summary, a.ID)
		case convene.ErrorCode(err) == convene.ENOTFOUND:
			_, err = t.execContext(ctx, `INSERT INTO remote_actors (`+remoteActorColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				a.ID, a.IRI, a.Type, a.Username, a.Domain, a.Name, a.Inbox, a.SharedInbox, a.Followers, a.URL,
				a.KeyID, a.PublicKeyPEM, a.ManuallyApproves, a.Gone, a.FetchedAt, a.CreatedAt,
				a.AvatarURL, a.HeaderURL, a.Summary)
		}
		if err != nil {
			return fmt.Errorf("upsert remote actor %s: %w", a.IRI, err)
		}
		return nil
	})
}

// FindRemoteActor implements convene.FederationStore.
func (s *store) FindRemoteActor(ctx context.Context, iri string) (*convene.RemoteActor, error) {
	return s.findRemoteActor(ctx, "iri = ?", iri)
}

// FindRemoteActorByKeyID implements convene.FederationStore.
func (s *store) FindRemoteActorByKeyID(ctx context.Context, keyID string) (*convene.RemoteActor, error) {
	return s.findRemoteActor(ctx, "key_id = ?", keyID)
}

// FindRemoteActorByID implements convene.FederationStore.
func (s *store) FindRemoteActorByID(ctx context.Context, id string) (*convene.RemoteActor, error) {
	return s.findRemoteActor(ctx, "id = ?", id)
}

// FindRemoteActorByHandle implements convene.FederationStore.
func (s *store) FindRemoteActorByHandle(ctx context.Context, username, domain string) (*convene.RemoteActor, error) {
	return s.findRemoteActor(ctx, "lower(username) = lower(?) AND domain = lower(?)", username, domain)
}

func (s *store) findRemoteActor(ctx context.Context, cond string, args ...any) (*convene.RemoteActor, error) {
	var a convene.RemoteActor
	if err := s.getContext(ctx, &a, `SELECT `+remoteActorColumns+` FROM remote_actors WHERE `+cond+` LIMIT 1`, args...); err != nil {
		return nil, notFound(err, "remote actor not known")
	}
	a.FetchedAt, a.CreatedAt = utc(a.FetchedAt), utc(a.CreatedAt)
	return &a, nil
}

// DeleteRemoteActor implements convene.FederationStore. Only a known remote actor's follows
// go with it: the IRI of anything else (a local actor above all) changes nothing.
func (s *store) DeleteRemoteActor(ctx context.Context, iri string) error {
	return s.inTx(ctx, func(t *store) error {
		n, err := t.execContext(ctx, `DELETE FROM remote_actors WHERE iri = ?`, iri)
		if err != nil {
			return fmt.Errorf("delete remote actor %s: %w", iri, err)
		}
		if n == 0 {
			return nil
		}
		if _, err := t.execContext(ctx, `DELETE FROM follows WHERE follower_iri = ? OR followee_iri = ?`, iri, iri); err != nil {
			return fmt.Errorf("delete follows of %s: %w", iri, err)
		}
		return nil
	})
}

// FindRemoteActorsByInbox implements convene.FederationStore.
func (s *store) FindRemoteActorsByInbox(ctx context.Context, inbox string) ([]*convene.RemoteActor, error) {
	var list []*convene.RemoteActor
	if err := s.selectContext(ctx, &list, `SELECT `+remoteActorColumns+` FROM remote_actors WHERE inbox = ?`, inbox); err != nil {
		return nil, fmt.Errorf("find actors by inbox: %w", err)
	}
	return list, nil
}

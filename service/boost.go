package service

import (
	"context"

	"github.com/convene-social/convene"
)

// Boost shares a public post with the signed-in account's followers: an Announce from the
// person, to the public and their followers, as a Mastodon boost is. Boosting twice is an
// ECONFLICT; members-only and deleted posts cannot be boosted.
func (s *Service) Boost(ctx context.Context, id string) (*convene.Boost, *convene.Post, error) {
	me, err := s.postingAccount(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.FindPost(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if p.Visibility != convene.VisibilityPublic || p.DeletedAt != nil {
		return nil, nil, convene.Errorf(convene.EINVALID, "only public posts can be boosted")
	}
	now := s.timestamp()
	activityID := convene.NewIDAt(now)
	person := s.iris.Person(me.Username)
	b := &convene.Boost{ID: convene.NewIDAt(now), AccountID: me.ID, PostID: p.ID, ActivityIRI: s.iris.Activity(activityID), CreatedAt: now}
	defer s.notifyOutbox()
	err = s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.CreateBoost(ctx, b); err != nil {
			return err
		}
		return tx.EnqueueActivity(ctx, &convene.Activity{ID: activityID, Type: "Announce", Actor: person, Object: p.IRI,
			To: []string{convene.PublicIRI, s.iris.Followers(person)}, Published: now})
	})
	if err != nil {
		return nil, nil, err
	}
	return b, p, nil
}

// Unboost withdraws the signed-in account's boost of a post: its followers' servers get
// Undo{Announce}. Not having boosted it is ENOTFOUND.
func (s *Service) Unboost(ctx context.Context, id string) (*convene.Post, error) {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.FindPost(ctx, id)
	if err != nil {
		return nil, err
	}
	person := s.iris.Person(me.Username)
	defer s.notifyOutbox()
	return p, s.store.InTx(ctx, func(tx convene.Store) error {
		b, err := tx.DeleteBoost(ctx, me.ID, p.ID)
		if err != nil {
			return err
		}
		now := s.timestamp()
		return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Undo", Actor: person,
			Object: b.ActivityIRI, Inner: &convene.InnerActivity{IRI: b.ActivityIRI, Type: "Announce", Actor: person, Object: p.IRI},
			To: []string{convene.PublicIRI, s.iris.Followers(person)}, Published: now})
	})
}

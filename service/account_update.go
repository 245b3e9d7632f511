package service

import (
	"context"
	"fmt"
	"io"

	"github.com/convene-social/convene"
)

// ProfileUpdate changes the fields that are not nil.
type ProfileUpdate struct {
	DisplayName *string
	Bio         *string // markdown
	Timezone    *string
	// Discoverable lists the person in the directory and tells other servers they may be
	// found (Mastodon's discoverable and indexable).
	Discoverable *bool
	// Pictures changes the pictures it names: each to an upload, or to none when nil.
	Pictures map[convene.Picture]io.Reader
}

// UpdateProfile changes an account's profile and pictures, all or nothing. Only the account
// itself and admins may. Other servers hear of what they show in one Update.
func (s *Service) UpdateProfile(ctx context.Context, username string, upd ProfileUpdate) (*convene.Account, error) {
	a, err := s.store.FindAccountByUsername(ctx, convene.NormalizeName(username))
	if err != nil {
		return nil, err
	}
	p := convene.PrincipalFrom(ctx)
	if !p.IsAdmin() && (p.Account == nil || p.Account.ID != a.ID) {
		return nil, convene.Errorf(convene.EFORBIDDEN, "you may only change your own profile")
	}
	before := *a
	if err := applyProfileText(a, upd); err != nil {
		return nil, err
	}
	// What other servers show of the person (name, bio, discoverable, pictures) goes to
	// them in an Update; the time zone is private. An account not yet approved is not
	// published.
	publish := ""
	if a.State == convene.AccountApproved {
		publish = s.iris.Person(a.Username)
	}
	a.UpdatedAt = s.timestamp()
	err = s.changePictures(ctx, a.ID, &a.Pictures, upd.Pictures, publish, func(tx convene.Store) (bool, error) {
		changed := a.DisplayName != before.DisplayName || a.Bio != before.Bio || a.Discoverable != before.Discoverable
		return changed, tx.UpdateAccount(ctx, a)
	})
	if err != nil {
		return nil, fmt.Errorf("update profile: %w", err)
	}
	return a, nil
}

// applyProfileText validates the text fields of upd and sets them on a.
func applyProfileText(a *convene.Account, upd ProfileUpdate) error {
	var err error
	if upd.DisplayName != nil {
		if a.DisplayName, err = validateText("display name", *upd.DisplayName, maxDisplayName, false); err != nil {
			return err
		}
	}
	if upd.Bio != nil {
		if a.Bio, err = validateText("bio", *upd.Bio, maxBio, false); err != nil {
			return err
		}
	}
	if upd.Timezone != nil {
		if a.Timezone, err = normalizeTimezone(*upd.Timezone); err != nil {
			return err
		}
	}
	if upd.Discoverable != nil {
		a.Discoverable = *upd.Discoverable
	}
	return nil
}

// SetAccountPicture makes an upload the person's avatar or header, or removes it when file
// is nil: UpdateProfile with that picture only.
func (s *Service) SetAccountPicture(ctx context.Context, username string, p convene.Picture, file io.Reader) (*convene.Account, error) {
	return s.UpdateProfile(ctx, username, ProfileUpdate{Pictures: map[convene.Picture]io.Reader{p: file}})
}

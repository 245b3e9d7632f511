package service

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/convene-social/convene"
)

// Limits on the instance settings, in characters: a name fits a page header, a description
// is a short introduction on the home page.
const (
	maxInstanceName        = 100
	maxInstanceDescription = 2000
)

// settingsTTL bounds how long a change saved by another process sharing the database goes
// unnoticed here; a change saved through this Service is seen at once.
//
// The settings are cached rather than read on every call because Registration and
// OpenRegistrations have no context or error to return (pages and NodeInfo call them), and
// the home page shows the name and description on every view; a row that changes a few
// times in an instance's life does not need a query each time.
const settingsTTL = 5 * time.Second

// settingsCache holds the stored instance settings.
type settingsCache struct {
	mu     sync.Mutex
	val    convene.InstanceSettings
	loaded time.Time // zero: nothing cached yet
}

// storedSettings returns the stored settings, from the cache while it is fresh. On error it
// returns the last settings it saw (zero if none) with the error.
func (s *Service) storedSettings(ctx context.Context) (convene.InstanceSettings, error) {
	c := &s.settings
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded.IsZero() && time.Since(c.loaded) < settingsTTL {
		return c.val, nil
	}
	val, err := s.store.FindInstanceSettings(ctx)
	if err != nil {
		return c.val, fmt.Errorf("instance settings: %w", err)
	}
	c.val, c.loaded = val, time.Now()
	return val, nil
}

// cacheSettings makes val the current settings after this Service saved them.
func (s *Service) cacheSettings(val convene.InstanceSettings) {
	c := &s.settings
	c.mu.Lock()
	c.val, c.loaded = val, time.Now()
	c.mu.Unlock()
}

// registrationMode is the admin's stored mode, else the configured one. On error it also
// returns the mode it would have used without the database, for callers that only display it.
func (s *Service) registrationMode(ctx context.Context) (convene.RegistrationMode, error) {
	set, err := s.storedSettings(ctx)
	if set.Registration != "" {
		return set.Registration, err
	}
	return s.registration, err
}

// InstanceSettings returns the instance's name, description and registration mode in force,
// for anyone: the home page shows them.
func (s *Service) InstanceSettings(ctx context.Context) (convene.InstanceSettings, error) {
	set, err := s.storedSettings(ctx)
	if err != nil {
		return convene.InstanceSettings{}, err
	}
	if set.Registration == "" {
		set.Registration = s.registration
	}
	return set, nil
}

// EditInstanceSettings returns the settings as stored (Registration empty while the
// configured mode applies) and the configured mode, for the admin's settings form. Admins only.
func (s *Service) EditInstanceSettings(ctx context.Context) (convene.InstanceSettings, convene.RegistrationMode, error) {
	if !convene.PrincipalFrom(ctx).IsAdmin() {
		return convene.InstanceSettings{}, "", convene.Errorf(convene.EFORBIDDEN, "only admins may change the instance settings")
	}
	set, err := s.store.FindInstanceSettings(ctx)
	return set, s.registration, err
}

// SettingsUpdate is the input to UpdateInstanceSettings.
type SettingsUpdate struct {
	Name         string
	Description  string                   // markdown
	Registration convene.RegistrationMode // empty: the configured mode
}

// UpdateInstanceSettings replaces the instance settings. Admins only.
func (s *Service) UpdateInstanceSettings(ctx context.Context, in SettingsUpdate) (convene.InstanceSettings, error) {
	if !convene.PrincipalFrom(ctx).IsAdmin() {
		return convene.InstanceSettings{}, convene.Errorf(convene.EFORBIDDEN, "only admins may change the instance settings")
	}
	var set convene.InstanceSettings
	var err error
	if set.Name, err = validateText("name", in.Name, maxInstanceName, false); err != nil {
		return set, err
	}
	if set.Description, err = validateText("description", in.Description, maxInstanceDescription, false); err != nil {
		return set, err
	}
	if in.Registration != "" && !in.Registration.Valid() {
		return set, convene.Errorf(convene.EINVALID, "registration %q must be open, approval or closed", in.Registration)
	}
	set.Registration, set.UpdatedAt = in.Registration, s.timestamp()
	if err := s.store.SaveInstanceSettings(ctx, set); err != nil {
		return set, err
	}
	s.cacheSettings(set)
	s.log.InfoContext(ctx, "instance settings changed", "registration", set.Registration)
	return set, nil
}

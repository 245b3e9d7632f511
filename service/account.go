package service

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/convene-social/convene"
)

// AccountCreate is the input to CreateAccount and SignUp.
type AccountCreate struct {
	Username    string
	Email       string
	Password    string
	DisplayName string
	Timezone    string       // IANA name; empty means UTC
	Role        convene.Role // CreateAccount only; empty means member
}

// CreateAccount creates an approved account with any role. Only admins (and the operator at
// the command line) may do it; everyone else uses SignUp.
func (s *Service) CreateAccount(ctx context.Context, in AccountCreate) (*convene.Account, error) {
	if !convene.PrincipalFrom(ctx).IsAdmin() {
		return nil, convene.Errorf(convene.EFORBIDDEN, "only admins may create accounts")
	}
	if in.Role == "" {
		in.Role = convene.RoleMember
	}
	if !in.Role.Valid() {
		return nil, convene.Errorf(convene.EINVALID, "role %q must be admin, moderator or member", in.Role)
	}
	return s.createAccount(ctx, in, convene.AccountApproved)
}

// CreateFirstAdmin makes the instance's first account, an admin, for whoever opens a new
// instance's first-run page. Once any account exists it is EFORBIDDEN.
func (s *Service) CreateFirstAdmin(ctx context.Context, in AccountCreate) (*convene.Account, error) {
	closed := convene.Errorf(convene.EFORBIDDEN, "this instance is set up already: sign in instead")
	// Checked first so that a set-up instance spends no password hash or key on the request;
	// CreateFirstAccount checks again, under a lock, for visitors racing each other.
	if n, err := s.store.CountAccounts(ctx, convene.AccountFilter{}); err != nil || n > 0 {
		return nil, firstErr(err, closed)
	}
	in.Role = convene.RoleAdmin
	a, err := s.prepareAccount(in, convene.AccountApproved)
	if err != nil {
		return nil, err
	}
	keys, err := s.newKeyPair()
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateFirstAccount(ctx, a, keys); convene.ErrorCode(err) == convene.ECONFLICT {
		return nil, closed
	} else if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "first admin created", "username", a.Username)
	return a, nil
}

// NeedsFirstAdmin reports whether the instance has no account yet (its first-run state).
func (s *Service) NeedsFirstAdmin(ctx context.Context) (bool, error) {
	n, err := s.store.CountAccounts(ctx, convene.AccountFilter{})
	return n == 0, err
}

// Registration is the instance's registration mode: the admin's setting, else the
// configured one. It is for showing; SignUp checks the mode itself.
func (s *Service) Registration() convene.RegistrationMode {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	mode, err := s.registrationMode(ctx)
	if err != nil {
		s.log.Warn("reading the registration mode failed; showing the last known", "err", err)
	}
	return mode
}

// SignUp registers a member under the instance's registration mode: usable at once when
// registration is open, pending approval under approval, refused when closed.
func (s *Service) SignUp(ctx context.Context, in AccountCreate) (*convene.Account, error) {
	mode, err := s.registrationMode(ctx)
	if err != nil {
		return nil, err
	}
	state := convene.AccountApproved
	switch mode {
	case convene.RegistrationClosed:
		return nil, convene.Errorf(convene.EFORBIDDEN, "registration is closed on this instance")
	case convene.RegistrationApproval:
		state = convene.AccountPending
	}
	in.Role = convene.RoleMember
	return s.createAccount(ctx, in, state)
}

func (s *Service) createAccount(ctx context.Context, in AccountCreate, state convene.AccountState) (*convene.Account, error) {
	a, err := s.prepareAccount(in, state)
	if err != nil {
		return nil, err
	}
	keys, err := s.newKeyPair()
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateAccount(ctx, a, keys); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "account created", "username", a.Username, "role", a.Role, "state", a.State)
	return a, nil
}

// prepareAccount validates in, password included, and builds the account with its hash.
func (s *Service) prepareAccount(in AccountCreate, state convene.AccountState) (*convene.Account, error) {
	a, err := s.newAccount(in, state)
	if err != nil {
		return nil, err
	}
	if err := validatePassword(in.Password, a.Username, a.Email); err != nil {
		return nil, err
	}
	if a.PasswordHash, err = hashPassword(in.Password); err != nil {
		return nil, err
	}
	return a, nil
}

// newAccount validates in and builds the account it describes, without a password hash.
func (s *Service) newAccount(in AccountCreate, state convene.AccountState) (*convene.Account, error) {
	username := convene.NormalizeName(in.Username)
	if err := convene.ValidateName("username", username); err != nil {
		return nil, err
	}
	email, err := normalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	displayName, err := validateText("display name", in.DisplayName, maxDisplayName, false)
	if err != nil {
		return nil, err
	}
	tz, err := normalizeTimezone(in.Timezone)
	if err != nil {
		return nil, err
	}
	now := s.timestamp()
	return &convene.Account{
		ID: convene.NewIDAt(now), Username: username, Email: email, Role: in.Role, State: state,
		DisplayName: displayName, Timezone: tz, CreatedAt: now, UpdatedAt: now,
	}, nil
}

// Authenticate returns the approved account whose username or email and password match.
// Every failure is the same EUNAUTHORIZED, and an unknown name costs as much time as a wrong
// password, so neither tells an attacker which accounts exist.
func (s *Service) Authenticate(ctx context.Context, login, password string) (*convene.Account, error) {
	fail := convene.Errorf(convene.EUNAUTHORIZED, "wrong username or password")
	var a *convene.Account
	var err error
	if strings.Contains(login, "@") {
		a, err = s.store.FindAccountByEmail(ctx, strings.TrimSpace(login))
	} else {
		a, err = s.store.FindAccountByUsername(ctx, convene.NormalizeName(login))
	}
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		checkPassword(dummyHash(), password)
		return nil, fail
	}
	if err != nil {
		return nil, err
	}
	if !checkPassword(a.PasswordHash, password) {
		return nil, fail
	}
	if a.State != convene.AccountApproved {
		return nil, convene.Errorf(convene.EFORBIDDEN, "your account is waiting for approval")
	}
	if err := s.store.TouchAccount(ctx, a.ID, s.timestamp()); err != nil {
		return nil, err
	}
	return a, nil
}

// dummyHash is checked against when the account does not exist, to spend the same time.
var dummyHash = sync.OnceValue(func() string {
	h, err := hashPassword("not a real password")
	if err != nil {
		panic(err)
	}
	return h
})

// ApproveAccount lets a pending account sign in. Staff only.
func (s *Service) ApproveAccount(ctx context.Context, username string) (*convene.Account, error) {
	if !convene.PrincipalFrom(ctx).IsStaff() {
		return nil, convene.Errorf(convene.EFORBIDDEN, "only admins and moderators may approve accounts")
	}
	a, err := s.store.FindAccountByUsername(ctx, convene.NormalizeName(username))
	if err != nil {
		return nil, err
	}
	if a.State == convene.AccountApproved {
		return a, nil
	}
	a.State, a.UpdatedAt = convene.AccountApproved, s.timestamp()
	if err := s.store.UpdateAccount(ctx, a); err != nil {
		return nil, fmt.Errorf("approve account: %w", err)
	}
	return a, nil
}

// ProfileUpdate changes the fields that are not nil.
type ProfileUpdate struct {
	DisplayName *string
	Bio         *string // markdown
	Timezone    *string
	// Discoverable lists the person in the directory and suggestions and tells other
	// servers they may be found (Mastodon's discoverable and indexable).
	Discoverable *bool
}

// UpdateProfile changes an account's public profile. Only the account itself and admins may.
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
	if upd.DisplayName != nil {
		if a.DisplayName, err = validateText("display name", *upd.DisplayName, maxDisplayName, false); err != nil {
			return nil, err
		}
	}
	if upd.Bio != nil {
		if a.Bio, err = validateText("bio", *upd.Bio, maxBio, false); err != nil {
			return nil, err
		}
	}
	if upd.Timezone != nil {
		if a.Timezone, err = normalizeTimezone(*upd.Timezone); err != nil {
			return nil, err
		}
	}
	if upd.Discoverable != nil {
		a.Discoverable = *upd.Discoverable
	}
	// What other servers show of the person (name, bio, discoverable) goes to them in an
	// Update; the time zone is private. An account not yet approved is not published.
	public := a.State == convene.AccountApproved &&
		(a.DisplayName != before.DisplayName || a.Bio != before.Bio || a.Discoverable != before.Discoverable)
	a.UpdatedAt = s.timestamp()
	defer s.notifyOutbox()
	err = s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.UpdateAccount(ctx, a); err != nil || !public {
			return err
		}
		return tx.EnqueueActivity(ctx, s.actorUpdate(s.iris.Person(a.Username), a.UpdatedAt))
	})
	if err != nil {
		return nil, fmt.Errorf("update profile: %w", err)
	}
	return a, nil
}

// FindAccount returns the account named username; one waiting for approval only to staff.
func (s *Service) FindAccount(ctx context.Context, username string) (*convene.Account, error) {
	a, err := s.store.FindAccountByUsername(ctx, convene.NormalizeName(username))
	if err != nil {
		return nil, err
	}
	return a, s.checkListed(ctx, a)
}

// checkListed hides an account still waiting for approval from everyone but staff: its
// profile, actor document, collections and WebFinger answer do not exist yet (Mastodon
// answers 404 for a pending account too), so a sign-up nobody approved publishes nothing.
func (s *Service) checkListed(ctx context.Context, a *convene.Account) error {
	if a.State != convene.AccountApproved && !convene.PrincipalFrom(ctx).IsStaff() {
		return convene.Errorf(convene.ENOTFOUND, "account not found")
	}
	return nil
}

// CountAccounts counts the accounts that match f; the first-run page asks whether there are any.
func (s *Service) CountAccounts(ctx context.Context, f convene.AccountFilter) (int, error) {
	return s.store.CountAccounts(ctx, f)
}

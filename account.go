package convene

import (
	"context"
	"time"
)

// Role is what a local account may do on the whole instance.
type Role string

const (
	RoleAdmin     Role = "admin"     // runs the instance: settings, sign-ups, domain blocks
	RoleModerator Role = "moderator" // handles reports and sign-ups across the instance
	RoleMember    Role = "member"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleModerator || r == RoleMember
}

// AccountState says whether an account may sign in yet.
type AccountState string

const (
	AccountApproved AccountState = "approved"
	AccountPending  AccountState = "pending" // waiting for an admin or moderator, under approval registration
)

// Account is a person with a login on this instance, and the Person actor at /u/{username}.
type Account struct {
	ID           string       `db:"id"`
	Username     string       `db:"username"` // normalized; see ValidateName
	Email        string       `db:"email"`
	PasswordHash string       `db:"password_hash" json:"-"`
	Role         Role         `db:"role"`
	State        AccountState `db:"state"`
	DisplayName  string       `db:"display_name"`
	Bio          string       `db:"bio"`      // markdown
	Timezone     string       `db:"timezone"` // IANA name, used to show times
	// Discoverable is the person's choice to be found: listed in the directory, suggested,
	// and marked discoverable and indexable for other servers.
	Discoverable bool `db:"discoverable"`
	Pictures
	PublicKeyPEM string    `db:"public_key_pem"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

// IsStaff reports whether the account moderates the whole instance.
func (a *Account) IsStaff() bool {
	return a.Role == RoleAdmin || a.Role == RoleModerator
}

// AccountFilter selects accounts; zero fields do not filter. Results are newest first and
// paged by ID: pass the last ID seen as BeforeID.
type AccountFilter struct {
	Role        Role
	State       AccountState
	ActiveSince time.Time // signed in at or after this time
	BeforeID    string
	Limit       int
}

// AccountStore persists accounts.
type AccountStore interface {
	// CreateAccount stores a new account and its actor keys. A username already taken by
	// an account or a community, or an email already in use, is an ECONFLICT.
	CreateAccount(ctx context.Context, a *Account, keys KeyPair) error
	// CreateFirstAccount is CreateAccount while no account exists at all; after that, and
	// for all but one of concurrent callers, ECONFLICT.
	CreateFirstAccount(ctx context.Context, a *Account, keys KeyPair) error
	FindAccountByID(ctx context.Context, id string) (*Account, error)
	FindAccountByUsername(ctx context.Context, username string) (*Account, error)
	// FindAccountByEmail matches email case-insensitively.
	FindAccountByEmail(ctx context.Context, email string) (*Account, error)
	FindAccounts(ctx context.Context, filter AccountFilter) ([]*Account, error)
	CountAccounts(ctx context.Context, filter AccountFilter) (int, error)
	// UpdateAccount writes the mutable fields of a (role, state, profile, password).
	UpdateAccount(ctx context.Context, a *Account) error
	// TouchAccount records that the account was active at the given time.
	TouchAccount(ctx context.Context, id string, at time.Time) error
	// DeletePendingAccount deletes an account still waiting for approval, and its actor, so
	// that its name and email are free again. ENOTFOUND if no pending account has that id.
	DeletePendingAccount(ctx context.Context, id string) error
}

package db

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/convene-social/convene"
)

const accountColumns = `a.id, ac.name AS username, a.email, a.password_hash, a.role, a.state,
	a.display_name, a.bio, a.timezone, a.discoverable, ac.public_key_pem, ac.avatar_key, ac.header_key,
	a.created_at, a.updated_at`

const accountFrom = ` FROM accounts a JOIN actors ac ON ac.id = a.id`

// CreateAccount implements convene.AccountStore.
func (s *store) CreateAccount(ctx context.Context, a *convene.Account, keys convene.KeyPair) error {
	return s.inTx(ctx, func(t *store) error {
		if err := t.createActor(ctx, a.ID, convene.ActorPerson, a.Username, keys, a.CreatedAt); err != nil {
			return err
		}
		_, err := t.tx.ExecContext(ctx, t.rebind(`INSERT INTO accounts
			(id, email, password_hash, role, state, display_name, bio, timezone, discoverable, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			a.ID, a.Email, a.PasswordHash, a.Role, a.State, a.DisplayName, a.Bio, a.Timezone, a.Discoverable, a.CreatedAt, a.UpdatedAt)
		if err != nil {
			if violatedConstraint(err) == "accounts_email_key" {
				return convene.Errorf(convene.ECONFLICT, "an account with the email %q already exists", a.Email)
			}
			return fmt.Errorf("create account: %w", translate(err))
		}
		a.PublicKeyPEM = keys.PublicKeyPEM
		return nil
	})
}

// CreateFirstAccount implements convene.AccountStore. PostgreSQL locks the accounts table for
// the check (SQLite's single writer serializes it already), so two visitors racing through
// the first-run page make one admin, not two.
func (s *store) CreateFirstAccount(ctx context.Context, a *convene.Account, keys convene.KeyPair) error {
	return s.inTx(ctx, func(t *store) error {
		if t.db.dialect == Postgres {
			if _, err := t.tx.ExecContext(ctx, `LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("create first account: %w", translate(err))
			}
		}
		var n int
		if err := t.getContext(ctx, &n, `SELECT COUNT(*) FROM accounts`); err != nil {
			return fmt.Errorf("create first account: %w", translate(err))
		}
		if n > 0 {
			return convene.Errorf(convene.ECONFLICT, "this instance has its first account already")
		}
		return t.CreateAccount(ctx, a, keys)
	})
}

// FindAccountByID implements convene.AccountStore.
func (s *store) FindAccountByID(ctx context.Context, id string) (*convene.Account, error) {
	return s.findAccount(ctx, "a.id = ?", id)
}

// FindAccountByUsername implements convene.AccountStore; username must be normalized.
func (s *store) FindAccountByUsername(ctx context.Context, username string) (*convene.Account, error) {
	return s.findAccount(ctx, "ac.name = ?", username)
}

// FindAccountByEmail implements convene.AccountStore.
func (s *store) FindAccountByEmail(ctx context.Context, email string) (*convene.Account, error) {
	return s.findAccount(ctx, "lower(a.email) = lower(?)", email)
}

func (s *store) findAccount(ctx context.Context, cond string, arg any) (*convene.Account, error) {
	var a convene.Account
	if err := s.getContext(ctx, &a, `SELECT `+accountColumns+accountFrom+` WHERE `+cond, arg); err != nil {
		return nil, notFound(err, "account not found")
	}
	return normalizeAccount(&a), nil
}

// FindAccounts implements convene.AccountStore.
func (s *store) FindAccounts(ctx context.Context, f convene.AccountFilter) ([]*convene.Account, error) {
	w := accountWhere(f)
	if f.BeforeID != "" {
		w.add("a.id < ?", f.BeforeID)
	}
	var list []*convene.Account
	query := `SELECT ` + accountColumns + accountFrom + w.String() + ` ORDER BY a.id DESC LIMIT ` + strconv.Itoa(pageLimit(f.Limit))
	if err := s.selectContext(ctx, &list, query, w.args...); err != nil {
		return nil, fmt.Errorf("find accounts: %w", err)
	}
	for _, a := range list {
		normalizeAccount(a)
	}
	return list, nil
}

// CountAccounts implements convene.AccountStore; BeforeID and Limit are ignored.
func (s *store) CountAccounts(ctx context.Context, f convene.AccountFilter) (int, error) {
	w := accountWhere(f)
	var n int
	if err := s.getContext(ctx, &n, `SELECT COUNT(*) FROM accounts a`+w.String(), w.args...); err != nil {
		return 0, fmt.Errorf("count accounts: %w", err)
	}
	return n, nil
}

func accountWhere(f convene.AccountFilter) *where {
	w := &where{}
	if f.Role != "" {
		w.add("a.role = ?", f.Role)
	}
	if f.State != "" {
		w.add("a.state = ?", f.State)
	}
	if !f.ActiveSince.IsZero() {
		w.add("a.last_active_at >= ?", f.ActiveSince.UTC())
	}
	return w
}

// UpdateAccount implements convene.AccountStore.
func (s *store) UpdateAccount(ctx context.Context, a *convene.Account) error {
	n, err := s.execContext(ctx, `UPDATE accounts SET email = ?, password_hash = ?, role = ?, state = ?,
		display_name = ?, bio = ?, timezone = ?, discoverable = ?, updated_at = ? WHERE id = ?`,
		a.Email, a.PasswordHash, a.Role, a.State, a.DisplayName, a.Bio, a.Timezone, a.Discoverable, a.UpdatedAt, a.ID)
	if err != nil {
		if violatedConstraint(err) == "accounts_email_key" {
			return convene.Errorf(convene.ECONFLICT, "an account with the email %q already exists", a.Email)
		}
		return fmt.Errorf("update account: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "account not found")
	}
	return nil
}

// TouchAccount implements convene.AccountStore.
func (s *store) TouchAccount(ctx context.Context, id string, at time.Time) error {
	if _, err := s.execContext(ctx, `UPDATE accounts SET last_active_at = ? WHERE id = ?`, at.UTC(), id); err != nil {
		return fmt.Errorf("touch account: %w", err)
	}
	return nil
}

func normalizeAccount(a *convene.Account) *convene.Account {
	a.CreatedAt, a.UpdatedAt = utc(a.CreatedAt), utc(a.UpdatedAt)
	return a
}

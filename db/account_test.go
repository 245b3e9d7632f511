package db_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

func TestAccountRoundTrip(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := newAccount("alice")
		a.DisplayName, a.Bio = "Alice A.", "Convenes *things*."
		if err := d.CreateAccount(ctx, a, testKeys("alice")); err != nil {
			t.Fatal(err)
		}
		byID, err := d.FindAccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(byID, a) {
			t.Errorf("FindAccountByID = %+v\nwant %+v", byID, a)
		}
		byName, err := d.FindAccountByUsername(ctx, "alice")
		if err != nil || byName.ID != a.ID {
			t.Errorf("FindAccountByUsername = %v, %v", byName, err)
		}
		key, err := d.FindPrivateKey(ctx, a.ID)
		if err != nil || key.PEM() != "private alice" {
			t.Errorf("FindPrivateKey = %q, %v", key.PEM(), err)
		}
	})
}

func TestAccountNotFound(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		_, err := d.FindAccountByUsername(context.Background(), "nobody")
		wantCode(t, err, convene.ENOTFOUND)
		_, err = d.FindAccountByID(context.Background(), convene.NewID())
		wantCode(t, err, convene.ENOTFOUND)
	})
}

func TestCreateAccountConflicts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustCreateAccount(t, d, "alice")

		dupName := newAccount("alice")
		dupName.Email = "other@example.org"
		err := d.CreateAccount(ctx, dupName, testKeys("x"))
		wantCode(t, err, convene.ECONFLICT)
		if msg := convene.ErrorMessage(err); msg != `the name "alice" is already taken` {
			t.Errorf("message = %q", msg)
		}

		dupEmail := newAccount("bob")
		dupEmail.Email = "ALICE@example.org" // emails clash case-insensitively
		err = d.CreateAccount(ctx, dupEmail, testKeys("x"))
		wantCode(t, err, convene.ECONFLICT)
		if msg := convene.ErrorMessage(err); msg != `an account with the email "ALICE@example.org" already exists` {
			t.Errorf("message = %q", msg)
		}

		// A failed create leaves nothing behind: not the actor row, not the name.
		if n, _ := d.CountAccounts(ctx, convene.AccountFilter{}); n != 1 {
			t.Errorf("accounts = %d, want 1", n)
		}
		mustCreateAccount(t, d, "bob")
	})
}

func TestNamesAreSharedByAccountsAndCommunities(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice := mustCreateAccount(t, d, "alice")
		err := d.CreateCommunity(ctx, newCommunity("alice", alice.ID), testKeys("c"))
		wantCode(t, err, convene.ECONFLICT)

		if err := d.CreateCommunity(ctx, newCommunity("surrey", alice.ID), testKeys("c")); err != nil {
			t.Fatal(err)
		}
		err = d.CreateAccount(ctx, newAccount("surrey"), testKeys("s"))
		wantCode(t, err, convene.ECONFLICT)
	})
}

func TestFindAccountsFiltersAndPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var names []string
		for _, n := range []string{"a1", "a2", "a3", "a4", "a5"} {
			a := newAccount(n)
			if n == "a2" || n == "a4" {
				a.State = convene.AccountPending
			}
			if err := d.CreateAccount(ctx, a, testKeys(n)); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		page1, err := d.FindAccounts(ctx, convene.AccountFilter{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		page2, err := d.FindAccounts(ctx, convene.AccountFilter{Limit: 2, BeforeID: page1[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		if got := usernames(append(page1, page2...)); !reflect.DeepEqual(got, []string{"a5", "a4", "a3", "a2"}) {
			t.Errorf("pages = %v", got)
		}
		pending, err := d.FindAccounts(ctx, convene.AccountFilter{State: convene.AccountPending})
		if err != nil {
			t.Fatal(err)
		}
		if got := usernames(pending); !reflect.DeepEqual(got, []string{"a4", "a2"}) {
			t.Errorf("pending = %v", got)
		}
		if n, _ := d.CountAccounts(ctx, convene.AccountFilter{State: convene.AccountApproved}); n != 3 {
			t.Errorf("approved count = %d, want 3", n)
		}
	})
}

func TestUpdateAccount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreateAccount(t, d, "alice")
		a.Role, a.Bio, a.Timezone = convene.RoleAdmin, "new bio", "Asia/Tokyo"
		a.UpdatedAt = at.Add(1e9)
		if err := d.UpdateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, _ := d.FindAccountByID(ctx, a.ID)
		if !reflect.DeepEqual(got, a) {
			t.Errorf("after update = %+v\nwant %+v", got, a)
		}
		ghost := newAccount("ghost")
		wantCode(t, d.UpdateAccount(ctx, ghost), convene.ENOTFOUND)
	})
}

func TestInTxRollsBackEverything(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.InTx(ctx, func(s convene.Store) error {
			mustCreateAccount(t, s, "alice")
			return s.CreateAccount(ctx, newAccount("alice"), testKeys("again")) // conflict
		})
		wantCode(t, err, convene.ECONFLICT)
		_, err = d.FindAccountByUsername(ctx, "alice")
		wantCode(t, err, convene.ENOTFOUND)
	})
}

func usernames(list []*convene.Account) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Username)
	}
	return out
}

package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

func TestInstanceSettingsAreEmptyUntilSavedThenReplaced(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		got, err := d.FindInstanceSettings(ctx)
		if err != nil || got != (convene.InstanceSettings{}) {
			t.Fatalf("settings of a new instance = %+v, %v; want the zero value", got, err)
		}
		first := convene.InstanceSettings{Name: "Surrey", Description: "We *convene*.", Registration: convene.RegistrationClosed, UpdatedAt: at}
		if err := d.SaveInstanceSettings(ctx, first); err != nil {
			t.Fatal(err)
		}
		second := convene.InstanceSettings{Name: "Surrey & Sussex", UpdatedAt: at.Add(time.Minute)}
		if err := d.SaveInstanceSettings(ctx, second); err != nil {
			t.Fatal(err)
		}
		if got, err := d.FindInstanceSettings(ctx); err != nil || got != second {
			t.Errorf("settings after two saves = %+v, %v; want %+v", got, err, second)
		}
		bad := convene.InstanceSettings{Registration: "sometimes", UpdatedAt: at}
		if err := d.SaveInstanceSettings(ctx, bad); err == nil {
			t.Error("saved an unknown registration mode")
		}
	})
}

func TestDeletePendingAccountFreesTheNameButSparesApprovedAccounts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		approved := mustCreateAccount(t, d, "alice")
		pending := newAccount("ben")
		pending.State = convene.AccountPending
		if err := d.CreateAccount(ctx, pending, testKeys("ben")); err != nil {
			t.Fatal(err)
		}
		wantCode(t, d.DeletePendingAccount(ctx, approved.ID), convene.ENOTFOUND)
		if err := d.DeletePendingAccount(ctx, pending.ID); err != nil {
			t.Fatal(err)
		}
		_, err := d.FindAccountByUsername(ctx, "ben")
		wantCode(t, err, convene.ENOTFOUND)
		wantCode(t, d.DeletePendingAccount(ctx, pending.ID), convene.ENOTFOUND)
		// The name and the email may be used again.
		mustCreateAccount(t, d, "ben")
		if _, err := d.FindAccountByID(ctx, approved.ID); err != nil {
			t.Errorf("the approved account went too: %v", err)
		}
	})
}

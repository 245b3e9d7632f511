package service_test

import (
	"context"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

const oldPassword, newPassword = "correct horse battery", "staple of the commons"

func TestChangePasswordChecksTheCurrentOneAndEndsOtherSessions(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		svc, _ := clockService(t, d)
		ctx := context.Background()
		olivia := mustCreate(t, svc, "olivia", convene.RoleMember)
		mustCreate(t, svc, "bea", convene.RoleMember)
		here, _, err := svc.SignIn(ctx, "olivia", oldPassword, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		elsewhere, _, _ := svc.SignIn(ctx, "olivia", oldPassword, "192.0.2.2")
		beas, _, _ := svc.SignIn(ctx, "bea", oldPassword, "192.0.2.3")

		if err := svc.ChangePassword(ctx, oldPassword, newPassword, here); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("a visitor changing a password: %v", err)
		}
		for _, c := range []struct{ what, current, next string }{
			{"a wrong current password", "wrong password", newPassword},
			{"a too short new password", oldPassword, "short"},
			{"a new password containing the username", oldPassword, "Olivia's garden 2026"},
			{"a new password containing the email", oldPassword, "hello olivia@example.org"},
		} {
			if err := svc.ChangePassword(as(olivia), c.current, c.next, here); convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("%s: %v, want EINVALID", c.what, err)
			}
		}
		if _, err := svc.Authenticate(ctx, "olivia", oldPassword); err != nil {
			t.Fatalf("the old password after refused changes: %v", err)
		}
		if _, _, err := svc.Session(ctx, elsewhere); err != nil {
			t.Fatalf("a refused change signed another session out: %v", err)
		}

		if err := svc.ChangePassword(as(olivia), oldPassword, newPassword, here); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, "olivia", oldPassword); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("the old password still works: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "olivia", newPassword); err != nil {
			t.Errorf("the new password: %v", err)
		}
		if _, _, err := svc.Session(ctx, here); err != nil {
			t.Errorf("the session that changed the password was ended: %v", err)
		}
		if _, _, err := svc.Session(ctx, elsewhere); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("another session of the account lives on: %v", err)
		}
		if _, _, err := svc.Session(ctx, beas); err != nil {
			t.Errorf("another account's session was ended: %v", err)
		}
	})
}

func TestChangePasswordIsThrottledWithSignIn(t *testing.T) {
	svc, _ := clockService(t, dbtest.OpenSQLite(t))
	olivia := mustCreate(t, svc, "olivia", convene.RoleMember)
	for i := range 25 {
		if err := svc.ChangePassword(as(olivia), "guess", newPassword, ""); convene.ErrorCode(err) != convene.EINVALID {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if err := svc.ChangePassword(as(olivia), oldPassword, newPassword, ""); convene.ErrorCode(err) != convene.ETOOMANY {
		t.Errorf("26th attempt: %v, want ETOOMANY", err)
	}
	if _, _, err := svc.SignIn(context.Background(), "olivia", oldPassword, "192.0.2.1"); convene.ErrorCode(err) != convene.ETOOMANY {
		t.Errorf("sign-in after 26 guesses at the current password: %v, want ETOOMANY", err)
	}
}

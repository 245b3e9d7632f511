package service_test

import (
	"context"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

func TestInstanceKeysAreMadeOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, convene.RegistrationApproval)
		first, at, err := s.InstanceKeys(context.Background())
		if err != nil || first.PublicKeyPEM == "" || at.IsZero() {
			t.Fatalf("InstanceKeys = %v, %v, %v", first.PublicKeyPEM, at, err)
		}
		again, _, err := s.InstanceKeys(context.Background())
		if err != nil || again.PublicKeyPEM != first.PublicKeyPEM {
			t.Errorf("second call gave other keys: %v", err)
		}
	})
}

func TestUsageCountsActiveAccounts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, convene.RegistrationApproval)
		mustCreate(t, s, "alice", convene.RoleMember)
		mustCreate(t, s, "bob", convene.RoleMember)
		if _, err := s.Authenticate(context.Background(), "alice", "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		u, err := s.Usage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if u.Users != 2 || u.ActiveMonth != 1 || u.ActiveHalfyear != 1 {
			t.Errorf("usage = %+v, want 2 users, 1 active", u)
		}
	})
}

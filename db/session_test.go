package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

func newSession(idHash, accountID string) *convene.Session {
	return &convene.Session{IDHash: idHash, AccountID: accountID, CSRFToken: "csrf-" + idHash,
		CreatedAt: at, SeenAt: at, ExpiresAt: at.Add(time.Hour)}
}

func TestDeleteOtherSessionsKeepsOneAndOtherAccounts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, bob := mustCreateAccount(t, d, "alice"), mustCreateAccount(t, d, "bob")
		for _, se := range []*convene.Session{newSession("a1", alice.ID), newSession("a2", alice.ID),
			newSession("a3", alice.ID), newSession("b1", bob.ID)} {
			if err := d.CreateSession(ctx, se); err != nil {
				t.Fatal(err)
			}
		}
		n, err := d.DeleteOtherSessions(ctx, alice.ID, "a2")
		if err != nil || n != 2 {
			t.Fatalf("DeleteOtherSessions = %d, %v; want 2 ended", n, err)
		}
		for _, h := range []string{"a1", "a3"} {
			_, err := d.FindSession(ctx, h)
			wantCode(t, err, convene.ENOTFOUND)
		}
		for _, h := range []string{"a2", "b1"} {
			if _, err := d.FindSession(ctx, h); err != nil {
				t.Errorf("session %s: %v; want kept", h, err)
			}
		}
		// With nothing to keep, every session of the account ends.
		if n, err := d.DeleteOtherSessions(ctx, alice.ID, ""); err != nil || n != 1 {
			t.Errorf("DeleteOtherSessions keeping none = %d, %v; want 1", n, err)
		}
	})
}

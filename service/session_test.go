package service_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

// clockService is a service whose clock the test moves.
func clockService(t *testing.T, d *db.DB) (*service.Service, *time.Time) {
	t.Helper()
	clock := now
	svc := service.New(service.Config{Store: d, Registration: convene.RegistrationOpen, Now: func() time.Time { return clock },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), NewKeyPair: sharedKeys})
	return svc, &clock
}

func TestFirstAdminOnlyOnAnEmptyInstance(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		svc := newService(t, d, convene.RegistrationClosed)
		ctx := context.Background()
		if need, err := svc.NeedsFirstAdmin(ctx); err != nil || !need {
			t.Fatalf("NeedsFirstAdmin on an empty instance = %v, %v", need, err)
		}
		in := service.AccountCreate{Username: "ada", Email: "ada@example.org", Password: "ada"}
		if _, err := svc.CreateFirstAdmin(ctx, in); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("a password containing the username: %v", err)
		}
		// Visitors racing through first-run: exactly one becomes the admin.
		var wg sync.WaitGroup
		errs := make(chan error, 5)
		for i := range 5 {
			wg.Go(func() {
				name := fmt.Sprintf("admin%d", i)
				_, err := svc.CreateFirstAdmin(ctx, service.AccountCreate{Username: name, Email: name + "@example.org",
					Password: "correct horse battery"})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		made := 0
		for err := range errs {
			switch convene.ErrorCode(err) {
			case "":
				made++
			case convene.EFORBIDDEN:
			default:
				t.Errorf("racing first admin: %v", err)
			}
		}
		admins, err := svc.CountAccounts(operator, convene.AccountFilter{Role: convene.RoleAdmin})
		if made != 1 || err != nil || admins != 1 {
			t.Errorf("%d first admins made, %d admins stored (%v); want 1", made, admins, err)
		}
		if need, _ := svc.NeedsFirstAdmin(ctx); need {
			t.Error("still in first-run after the admin was made")
		}
	})
}

func TestSignInSessionsAndSignOut(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		svc, clock := clockService(t, d)
		ctx := context.Background()
		ada := mustCreate(t, svc, "ada", convene.RoleMember)
		if _, _, err := svc.SignIn(ctx, "ada", "wrong password", "192.0.2.1"); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("a wrong password: %v", err)
		}
		token, se, err := svc.SignIn(ctx, "ADA@example.org", "correct horse battery", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if len(token) < 40 || se.CSRFToken == "" || se.CSRFToken == token || se.IDHash == token {
			t.Errorf("token %q, session %+v: want a long random token, stored only hashed, and its own CSRF secret", token, se)
		}
		got, who, err := svc.Session(ctx, token)
		if err != nil || who.ID != ada.ID || got.CSRFToken != se.CSRFToken {
			t.Fatalf("Session = %+v, %v, %v", got, who, err)
		}
		if _, _, err := svc.Session(ctx, token+"x"); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("a wrong token: %v", err)
		}

		// Each visit moves the expiry: 29 days later the session lives on, 31 idle days end it.
		*clock = clock.Add(29 * 24 * time.Hour)
		if _, _, err := svc.Session(ctx, token); err != nil {
			t.Errorf("after 29 days: %v", err)
		}
		*clock = clock.Add(29 * 24 * time.Hour)
		if _, _, err := svc.Session(ctx, token); err != nil {
			t.Errorf("29 days after the last visit: %v", err)
		}
		*clock = clock.Add(31 * 24 * time.Hour)
		if _, _, err := svc.Session(ctx, token); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("31 idle days: %v", err)
		}
		if n, err := svc.DeleteExpiredSessions(ctx); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}

		token, _, err = svc.SignIn(ctx, "ada", "correct horse battery", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SignOut(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Session(ctx, token); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("after signing out: %v", err)
		}
	})
}

func TestSignInIsThrottled(t *testing.T) {
	svc, clock := clockService(t, dbtest.OpenSQLite(t))
	ctx := context.Background()
	mustCreate(t, svc, "ada", convene.RoleMember)
	mustCreate(t, svc, "bea", convene.RoleMember)
	// 25 attempts from one address in 5 minutes; the 26th is refused even with the password.
	for i := range 25 {
		if _, _, err := svc.SignIn(ctx, fmt.Sprintf("nobody%d", i), "guess", "192.0.2.7"); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if _, _, err := svc.SignIn(ctx, "ada", "correct horse battery", "192.0.2.7"); convene.ErrorCode(err) != convene.ETOOMANY {
		t.Errorf("26th attempt from one address: %v", err)
	}
	if _, _, err := svc.SignIn(ctx, "ada", "correct horse battery", "192.0.2.8"); err != nil {
		t.Errorf("another address: %v", err)
	}
	*clock = clock.Add(5 * time.Minute)
	if _, _, err := svc.SignIn(ctx, "ada", "correct horse battery", "192.0.2.7"); err != nil {
		t.Errorf("the same address 5 minutes later: %v", err)
	}

	// 25 attempts at one account from many addresses in an hour; then it is refused.
	for i := range 24 {
		if _, _, err := svc.SignIn(ctx, "bea", "guess", fmt.Sprintf("198.51.100.%d", i)); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Fatalf("attempt %d at bea: %v", i+1, err)
		}
	}
	if _, _, err := svc.SignIn(ctx, "BEA", "correct horse battery", "198.51.100.200"); err != nil {
		t.Errorf("25th attempt at bea: %v", err)
	}
	if _, _, err := svc.SignIn(ctx, "bea", "correct horse battery", "198.51.100.201"); convene.ErrorCode(err) != convene.ETOOMANY {
		t.Errorf("26th attempt at bea: %v", err)
	}
}

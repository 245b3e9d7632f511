package service_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/service"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var now = time.Date(2026, 2, 3, 18, 30, 0, 0, time.UTC)

// sharedKeys is one real key pair reused by every actor in these tests: generating RSA keys
// would dominate their run time, and nothing here depends on keys being distinct.
var sharedKeys = sync.OnceValues(service.GenerateKeyPair)

func newService(t *testing.T, d *db.DB, mode convene.RegistrationMode) *service.Service {
	t.Helper()
	return service.New(service.Config{
		Store: d, IRIs: federation.NewIRIs("https", "convene.test"), Registration: mode, Now: func() time.Time { return now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), NewKeyPair: sharedKeys,
	})
}

var operator = convene.WithOperator(context.Background())

func as(a *convene.Account) context.Context {
	return convene.WithPrincipal(context.Background(), convene.Principal{Account: a})
}

func mustCreate(t *testing.T, s *service.Service, name string, role convene.Role) *convene.Account {
	t.Helper()
	a, err := s.CreateAccount(operator, service.AccountCreate{
		Username: name, Email: name + "@example.org", Password: "correct horse battery", Role: role,
	})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return a
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := convene.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

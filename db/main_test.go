package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// at is a fixed instant at microsecond precision, which both dialects keep exactly.
var at = time.Date(2026, 2, 3, 18, 30, 0, 123456000, time.UTC)

func testKeys(name string) convene.KeyPair {
	return convene.KeyPair{PublicKeyPEM: "public " + name, PrivateKeyPEM: convene.PrivateKey("private " + name)}
}

func newAccount(name string) *convene.Account {
	return &convene.Account{
		ID: convene.NewID(), Username: name, Email: name + "@example.org", PasswordHash: "hash",
		Role: convene.RoleMember, State: convene.AccountApproved, Timezone: "Europe/London",
		CreatedAt: at, UpdatedAt: at,
	}
}

func newCommunity(slug, ownerID string) *convene.Community {
	return &convene.Community{
		ID: convene.NewID(), Slug: slug, Name: "The " + slug, OwnerID: ownerID,
		FollowPolicy: convene.FollowOpen, PostingPolicy: convene.PostingMembers, CreatedAt: at, UpdatedAt: at,
	}
}

func mustCreateAccount(t *testing.T, s convene.Store, name string) *convene.Account {
	t.Helper()
	a := newAccount(name)
	if err := s.CreateAccount(context.Background(), a, testKeys(name)); err != nil {
		t.Fatalf("create account %s: %v", name, err)
	}
	return a
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := convene.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

package db_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

func mustCreateApp(t *testing.T, d *db.DB, clientID string) *convene.OAuthApp {
	t.Helper()
	app := &convene.OAuthApp{ID: convene.NewID(), Name: "Tusky", Website: "https://tusky.app",
		RedirectURIs: []string{"oauth2redirect://com.keylesspalace.tusky/", convene.OOBRedirectURI},
		Scopes:       []string{"read", "write", "follow", "push"}, ClientID: clientID, SecretHash: "secret-hash", CreatedAt: at}
	if err := d.CreateOAuthApp(context.Background(), app); err != nil {
		t.Fatal(err)
	}
	return app
}

func TestOAuthAppRoundTrip(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		app := mustCreateApp(t, d, "client-1")
		for _, find := range []func() (*convene.OAuthApp, error){
			func() (*convene.OAuthApp, error) { return d.FindOAuthApp(ctx, app.ID) },
			func() (*convene.OAuthApp, error) { return d.FindOAuthAppByClientID(ctx, "client-1") },
		} {
			got, err := find()
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "Tusky" || got.Website != "https://tusky.app" || !slices.Equal(got.RedirectURIs, app.RedirectURIs) ||
				!slices.Equal(got.Scopes, app.Scopes) || got.SecretHash != "secret-hash" || !got.CreatedAt.Equal(at) {
				t.Errorf("app = %+v, want %+v", got, app)
			}
		}
		_, err := d.FindOAuthAppByClientID(ctx, "nobody")
		wantCode(t, err, convene.ENOTFOUND)
		dup := *app
		dup.ID = convene.NewID()
		wantCode(t, d.CreateOAuthApp(ctx, &dup), convene.ECONFLICT)
	})
}

func TestOAuthTokensWithAndWithoutAccount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		app, alice := mustCreateApp(t, d, "client-1"), mustCreateAccount(t, d, "alice")
		user := &convene.OAuthToken{ID: convene.NewID(), TokenHash: "h-user", AppID: app.ID, AccountID: alice.ID,
			Scopes: []string{"read", "write:statuses"}, CreatedAt: at, LastUsedAt: at}
		client := &convene.OAuthToken{ID: convene.NewID(), TokenHash: "h-client", AppID: app.ID, Scopes: []string{"read"},
			CreatedAt: at, LastUsedAt: at}
		for _, tok := range []*convene.OAuthToken{user, client} {
			if err := d.CreateOAuthToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
			got, err := d.FindOAuthToken(ctx, tok.TokenHash)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tok.ID || got.AccountID != tok.AccountID || !slices.Equal(got.Scopes, tok.Scopes) || !got.LastUsedAt.Equal(at) {
				t.Errorf("token = %+v, want %+v", got, tok)
			}
		}
		later := at.Add(2 * time.Hour)
		if err := d.TouchOAuthToken(ctx, user.ID, later); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.FindOAuthToken(ctx, "h-user"); !got.LastUsedAt.Equal(later) {
			t.Errorf("last used = %v, want %v", got.LastUsedAt, later)
		}
		if err := d.DeleteOAuthToken(ctx, user.ID); err != nil {
			t.Fatal(err)
		}
		_, err := d.FindOAuthToken(ctx, "h-user")
		wantCode(t, err, convene.ENOTFOUND)
		if _, err := d.FindOAuthToken(ctx, "h-client"); err != nil {
			t.Errorf("the other token: %v", err)
		}
		// A token must name an app that exists.
		wantCode(t, d.CreateOAuthToken(ctx, &convene.OAuthToken{ID: convene.NewID(), TokenHash: "h-x", AppID: "no-app",
			CreatedAt: at, LastUsedAt: at}), convene.EINVALID)
	})
}

func TestOAuthCodeIsTakenOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		app, alice := mustCreateApp(t, d, "client-1"), mustCreateAccount(t, d, "alice")
		code := &convene.OAuthCode{CodeHash: "c1", AppID: app.ID, AccountID: alice.ID, RedirectURI: convene.OOBRedirectURI,
			Scopes: []string{"read", "write"}, Challenge: "chal", CreatedAt: at, ExpiresAt: at.Add(10 * time.Minute)}
		if err := d.CreateOAuthCode(ctx, code); err != nil {
			t.Fatal(err)
		}
		got, err := d.TakeOAuthCode(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if got.AppID != app.ID || got.AccountID != alice.ID || got.RedirectURI != code.RedirectURI ||
			!slices.Equal(got.Scopes, code.Scopes) || got.Challenge != "chal" || !got.ExpiresAt.Equal(code.ExpiresAt) {
			t.Errorf("code = %+v, want %+v", got, code)
		}
		_, err = d.TakeOAuthCode(ctx, "c1")
		wantCode(t, err, convene.ENOTFOUND)

		// Making a code clears the expired ones.
		old := *code
		old.CodeHash = "old"
		if err := d.CreateOAuthCode(ctx, &old); err != nil {
			t.Fatal(err)
		}
		fresh := *code
		fresh.CodeHash, fresh.CreatedAt, fresh.ExpiresAt = "fresh", at.Add(time.Hour), at.Add(time.Hour+10*time.Minute)
		if err := d.CreateOAuthCode(ctx, &fresh); err != nil {
			t.Fatal(err)
		}
		_, err = d.TakeOAuthCode(ctx, "old")
		wantCode(t, err, convene.ENOTFOUND)
		if _, err := d.TakeOAuthCode(ctx, "fresh"); err != nil {
			t.Errorf("fresh code: %v", err)
		}
	})
}

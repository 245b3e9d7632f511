package service_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

const appRedirect = "oauth2redirect://com.keylesspalace.tusky/"

func mustRegisterApp(t *testing.T, svc *service.Service) (*convene.OAuthApp, service.ClientAuth) {
	t.Helper()
	app, secret, err := svc.RegisterApp(context.Background(), service.AppCreate{Name: "Tusky", Website: "https://tusky.app",
		RedirectURIs: []string{appRedirect + "\n" + convene.OOBRedirectURI}, Scopes: "read write follow push"})
	if err != nil {
		t.Fatal(err)
	}
	return app, service.ClientAuth{ClientID: app.ClientID, ClientSecret: secret}
}

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestRegisterAppChecksItsInput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		svc := newService(t, d, convene.RegistrationOpen)
		ctx := context.Background()
		app, secret, err := svc.RegisterApp(ctx, service.AppCreate{Name: " Ivory ",
			RedirectURIs: []string{"com.tapbots.Ivory.10217:/request_token", "icecubesapp://"}})
		if err != nil {
			t.Fatal(err)
		}
		if app.Name != "Ivory" || !slices.Equal(app.Scopes, []string{"read"}) || len(secret) != 43 || app.SecretHash == secret ||
			!slices.Equal(app.RedirectURIs, []string{"com.tapbots.Ivory.10217:/request_token", "icecubesapp://"}) {
			t.Errorf("app = %+v, secret %q", app, secret)
		}
		for _, in := range []service.AppCreate{
			{Name: "", RedirectURIs: []string{appRedirect}},
			{Name: "x", RedirectURIs: nil},
			{Name: "x", RedirectURIs: []string{"javascript:alert(1)"}},
			{Name: "x", RedirectURIs: []string{"JavaScript://%0aalert(1)"}},
			{Name: "x", RedirectURIs: []string{"data:text/html,hi"}},
			{Name: "x", RedirectURIs: []string{"vbscript:msgbox"}},
			{Name: "x", RedirectURIs: []string{"/relative"}},
			{Name: "x", RedirectURIs: []string{"https://app.example/cb#frag"}},
			{Name: "x", RedirectURIs: []string{appRedirect}, Scopes: "read admin:read"},
			{Name: "x", RedirectURIs: []string{appRedirect}, Website: "javascript:alert(1)"},
		} {
			_, _, err := svc.RegisterApp(ctx, in)
			if convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("RegisterApp(%+v) = %v, want invalid", in, err)
			}
		}
	})
}

func TestHasScope(t *testing.T) {
	for _, c := range []struct {
		granted []string
		need    string
		want    bool
	}{
		{[]string{"read"}, "read:statuses", true},
		{[]string{"read"}, "read", true},
		{[]string{"read"}, "write:statuses", false},
		{[]string{"write"}, "write:favourites", true},
		{[]string{"read:statuses"}, "read", false},
		{[]string{"read:statuses"}, "read:accounts", false},
		{[]string{"follow"}, "write:follows", true},
		{[]string{"follow"}, "read:follows", true},
		{[]string{"follow"}, "write:blocks", true},
		{[]string{"follow"}, "write:mutes", true},
		{[]string{"follow"}, "write:statuses", false},
		{[]string{"read"}, "profile", false},
		{nil, "", true},
	} {
		if got := convene.HasScope(c.granted, c.need); got != c.want {
			t.Errorf("HasScope(%v, %q) = %v, want %v", c.granted, c.need, got, c.want)
		}
	}
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		svc, clock := clockService(t, d)
		alice := mustCreate(t, svc, "alice", convene.RoleMember)
		app, client := mustRegisterApp(t, svc)
		verifier := "a-verifier-that-is-long-enough-to-be-a-real-pkce-verifier-000"
		req := service.AuthorizeRequest{ClientID: app.ClientID, RedirectURI: appRedirect, ResponseType: "code",
			Scope: "read+write:statuses", CodeChallenge: challenge(verifier), CodeChallengeMethod: "S256"}

		// Checks before anyone is asked.
		for _, bad := range []func(r *service.AuthorizeRequest){
			func(r *service.AuthorizeRequest) { r.ClientID = "unknown" },
			func(r *service.AuthorizeRequest) { r.RedirectURI = "https://evil.example/" },
			func(r *service.AuthorizeRequest) { r.ResponseType = "token" },
			func(r *service.AuthorizeRequest) { r.Scope = "read admin:write" },
			func(r *service.AuthorizeRequest) { r.CodeChallengeMethod = "plain" },
			func(r *service.AuthorizeRequest) { r.CodeChallenge = "short" },
		} {
			r := req
			bad(&r)
			if _, err := svc.CheckAuthorization(context.Background(), r); err == nil {
				t.Errorf("CheckAuthorization(%+v) accepted", r)
			}
		}
		if _, _, err := svc.Authorize(context.Background(), req); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("a visitor authorizing: %v", err)
		}

		issue := func() string {
			code, az, err := svc.Authorize(as(alice), req)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(az.Scopes, []string{"read", "write:statuses"}) {
				t.Errorf("scopes = %v", az.Scopes)
			}
			return code
		}
		ctx := context.Background()
		// A wrong verifier uses the code up.
		code := issue()
		_, err := svc.ExchangeCode(ctx, client, code, appRedirect, "wrong-verifier")
		wantOAuth(t, err, "invalid_grant")
		_, err = svc.ExchangeCode(ctx, client, code, appRedirect, verifier)
		wantOAuth(t, err, "invalid_grant")
		// A client that fails to authenticate does not spend the code; a wrong redirect_uri does.
		code = issue()
		_, err = svc.ExchangeCode(ctx, service.ClientAuth{ClientID: app.ClientID, ClientSecret: "guess"}, code, appRedirect, verifier)
		wantOAuth(t, err, "invalid_client")
		_, err = svc.ExchangeCode(ctx, client, code, "icecubesapp://", verifier)
		wantOAuth(t, err, "invalid_grant")

		code = issue()
		tok, err := svc.ExchangeCode(ctx, client, code, appRedirect, verifier)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tok.Scopes, []string{"read", "write:statuses"}) {
			t.Errorf("token scopes = %v", tok.Scopes)
		}
		_, err = svc.ExchangeCode(ctx, client, code, appRedirect, verifier)
		wantOAuth(t, err, "invalid_grant")
		p, stored, err := svc.TokenPrincipal(ctx, tok.AccessToken)
		if err != nil || p.Account == nil || p.Account.ID != alice.ID || stored.AppID != app.ID {
			t.Fatalf("TokenPrincipal = %+v, %+v, %v", p, stored, err)
		}

		// Codes last ten minutes.
		code = issue()
		*clock = clock.Add(10 * time.Minute)
		_, err = svc.ExchangeCode(ctx, client, code, appRedirect, verifier)
		wantOAuth(t, err, "invalid_grant")
	})
}

func wantOAuth(t *testing.T, err error, kind string) {
	t.Helper()
	oe, ok := err.(*convene.OAuthError)
	if !ok || oe.Kind != kind {
		t.Fatalf("error = %v, want OAuth %s", err, kind)
	}
}

func TestPasswordGrantSharesSignInThrottle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		svc := newService(t, d, convene.RegistrationOpen)
		mustCreate(t, svc, "alice", convene.RoleMember)
		_, client := mustRegisterApp(t, svc)
		ctx := context.Background()
		tok, err := svc.PasswordGrant(ctx, client, "alice", "correct horse battery", "read write", "192.0.2.1")
		if err != nil || !slices.Equal(tok.Scopes, []string{"read", "write"}) {
			t.Fatalf("PasswordGrant = %+v, %v", tok, err)
		}
		_, err = svc.PasswordGrant(ctx, client, "alice", "wrong", "", "192.0.2.1")
		wantOAuth(t, err, "invalid_grant")
		_, err = svc.PasswordGrant(ctx, client, "alice", "correct horse battery", "admin:read", "192.0.2.1")
		wantOAuth(t, err, "invalid_scope")
		// 25 attempts per address in 5 minutes, counted with the web sign-in's.
		for range 20 {
			_, _, _ = svc.SignIn(ctx, "alice", "wrong", "192.0.2.9")
		}
		for range 5 {
			_, _ = svc.PasswordGrant(ctx, client, "alice", "wrong", "", "192.0.2.9")
		}
		_, err = svc.PasswordGrant(ctx, client, "alice", "correct horse battery", "", "192.0.2.9")
		wantCode(t, err, convene.ETOOMANY)
		if _, _, err := svc.SignIn(ctx, "alice", "correct horse battery", "192.0.2.9"); convene.ErrorCode(err) != convene.ETOOMANY {
			t.Errorf("web sign-in after the grant's attempts: %v", err)
		}
	})
}

func TestClientCredentialsAndRevoke(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		svc, clock := clockService(t, d)
		alice := mustCreate(t, svc, "alice", convene.RoleMember)
		_, client := mustRegisterApp(t, svc)
		_, other := mustRegisterApp(t, svc)
		ctx := context.Background()
		cc, err := svc.ClientCredentials(ctx, client, "")
		if err != nil || !slices.Equal(cc.Scopes, []string{"read"}) {
			t.Fatalf("ClientCredentials = %+v, %v", cc, err)
		}
		p, tok, err := svc.TokenPrincipal(ctx, cc.AccessToken)
		if err != nil || p.Account != nil || tok.AccountID != "" {
			t.Errorf("client token principal = %+v, %+v, %v", p, tok, err)
		}
		_, err = svc.ClientCredentials(ctx, service.ClientAuth{ClientID: client.ClientID}, "")
		wantOAuth(t, err, "invalid_client")

		user, err := svc.PasswordGrant(ctx, client, "alice", "correct horse battery", "", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		// last_used_at moves at most hourly.
		_, first, _ := svc.TokenPrincipal(ctx, user.AccessToken)
		*clock = clock.Add(30 * time.Minute)
		if _, tok, _ := svc.TokenPrincipal(ctx, user.AccessToken); !tok.LastUsedAt.Equal(first.LastUsedAt) {
			t.Errorf("last used moved after 30 minutes: %v", tok.LastUsedAt)
		}
		*clock = clock.Add(31 * time.Minute)
		if _, tok, _ := svc.TokenPrincipal(ctx, user.AccessToken); !tok.LastUsedAt.After(first.LastUsedAt) {
			t.Errorf("last used did not move after an hour: %v", tok.LastUsedAt)
		}

		wantOAuth(t, svc.RevokeToken(ctx, other, user.AccessToken), "unauthorized_client")
		if err := svc.RevokeToken(ctx, client, user.AccessToken); err != nil {
			t.Fatal(err)
		}
		_, _, err = svc.TokenPrincipal(ctx, user.AccessToken)
		wantCode(t, err, convene.EUNAUTHORIZED)
		if err := svc.RevokeToken(ctx, client, "never-issued"); err != nil {
			t.Errorf("revoking an unknown token: %v", err)
		}

		// A token stops working when its account may no longer sign in.
		again, _ := svc.PasswordGrant(ctx, client, "alice", "correct horse battery", "", "192.0.2.1")
		alice.State = convene.AccountPending
		if err := d.UpdateAccount(ctx, alice); err != nil {
			t.Fatal(err)
		}
		_, _, err = svc.TokenPrincipal(ctx, again.AccessToken)
		wantCode(t, err, convene.EUNAUTHORIZED)
		_, _, err = svc.TokenPrincipal(ctx, "")
		wantCode(t, err, convene.EUNAUTHORIZED)
	})
}

func TestRacingExchangesOfOneCodeGetOneToken(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		svc := newService(t, d, convene.RegistrationOpen)
		alice := mustCreate(t, svc, "alice", convene.RoleMember)
		app, client := mustRegisterApp(t, svc)
		code, _, err := svc.Authorize(as(alice), service.AuthorizeRequest{ClientID: app.ClientID, RedirectURI: appRedirect, ResponseType: "code"})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make(chan error, 5)
		for range 5 {
			wg.Go(func() {
				_, err := svc.ExchangeCode(context.Background(), client, code, appRedirect, "")
				results <- err
			})
		}
		wg.Wait()
		close(results)
		won := 0
		for err := range results {
			if err == nil {
				won++
			} else if oe, ok := err.(*convene.OAuthError); !ok || oe.Kind != "invalid_grant" {
				t.Errorf("losing exchange: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d exchanges of one code succeeded, want 1", won)
		}
	})
}

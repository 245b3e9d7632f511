package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// signIn signs name in through the sign-in form in a new browser.
func signIn(t *testing.T, h http.Handler, name, password string) *browser {
	t.Helper()
	b := newBrowser(t, h)
	_, page := b.get("/login")
	resp, _ := b.post("/login", url.Values{"csrf": {b.formSecret(page)}, "login": {name}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s = %d", name, resp.StatusCode)
	}
	return b
}

func TestProfileShowsBioCommunitiesAndPostsAfterSettingsSave(t *testing.T) {
	h, svc := newServer(t, nil)
	b := signedIn(t, h)
	if _, err := svc.CreateCommunity(convene.WithOperator(context.Background()), service.CommunityCreate{Slug: "surrey", Name: "Surrey conveners"}); err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/settings")
	secret := b.formSecret(page)
	if !strings.Contains(page, `href="/settings"`) || !strings.Contains(page, `value="UTC"`) {
		t.Errorf("the settings page lacks the nav link or the account's time zone")
	}
	b.post("/c/surrey/join", url.Values{"csrf": {secret}})
	resp, _ := b.post("/c/surrey/threads", url.Values{"csrf": {secret}, "title": {"Seed swap"}, "body": {"Bring seeds."}})
	thread := resp.Header.Get("Location")

	profile := url.Values{"csrf": {secret}, "display_name": {"Ada Lovelace"}, "bio": {"I *convene* gardeners."},
		"timezone": {"Mars/Olympus"}}
	resp, page = b.post("/settings/profile", profile)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `role="alert"`) ||
		!strings.Contains(page, `value="Mars/Olympus"`) || !strings.Contains(page, "I *convene* gardeners.</textarea>") {
		t.Errorf("an unknown time zone = %d; want 422 with the form as typed", resp.StatusCode)
	}
	if a, _ := svc.FindAccount(context.Background(), "ada"); a.DisplayName != "" {
		t.Errorf("a refused form saved the display name %q", a.DisplayName)
	}
	profile.Set("timezone", "Europe/Rome")
	profile.Set("discoverable", "1")
	resp, _ = b.post("/settings/profile", profile)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?saved=profile" {
		t.Fatalf("saving the profile = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = b.get("/settings?saved=profile")
	if !strings.Contains(page, "Saved.") || !strings.Contains(page, `value="Ada Lovelace"`) || !strings.Contains(page, `value="Europe/Rome"`) ||
		!strings.Contains(page, `aria-describedby="discoverable-help" checked>`) {
		t.Error("the settings page does not confirm the save or show the saved values")
	}
	if a, _ := svc.FindAccount(context.Background(), "ada"); !a.Discoverable {
		t.Error("ticking 'let people find me' was not saved")
	}
	profile.Del("discoverable") // an unticked box is not sent at all
	b.post("/settings/profile", profile)
	if a, _ := svc.FindAccount(context.Background(), "ada"); a.Discoverable {
		t.Error("unticking 'let people find me' was not saved")
	}

	visitor := newBrowser(t, h)
	resp, page = visitor.get("/u/ada")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/u/ada = %d", resp.StatusCode)
	}
	for _, want := range []string{"<h1>Ada Lovelace</h1>", "@ada@convene.test", "I <em>convene</em> gardeners.",
		`<a href="https://convene.test/c/surrey">Surrey conveners</a>`, `<a href="` + thread + `">Seed swap</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the profile lacks %q", want)
		}
	}
	if strings.Contains(page, `href="/settings"`) {
		t.Error("a visitor is offered ada's settings")
	}
	if strings.Contains(page, "Europe/Rome") {
		t.Error("a visitor is told where ada lives (her time zone)")
	}
	if _, page := b.get("/u/ada"); !strings.Contains(page, "Edit your profile and settings") {
		t.Error("ada's own profile does not link to her settings")
	}
}

func TestSettingsRequireSignIn(t *testing.T) {
	h, _ := newServer(t, nil)
	signedIn(t, h) // the instance has an account, so nobody is sent to /setup
	visitor := newBrowser(t, h)
	resp, page := visitor.get("/settings")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fsettings" {
		t.Errorf("/settings for a visitor = %d to %q, want /login?next=%%2Fsettings", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = visitor.get("/login")
	for _, path := range []string{"/settings/profile", "/settings/password"} {
		resp, _ := visitor.post(path, url.Values{"csrf": {visitor.formSecret(page)}, "display_name": {"Mallory"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fsettings" {
			t.Errorf("a visitor's POST %s = %d to %q, want sign-in and back to the settings", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestChangePasswordFromSettings(t *testing.T) {
	h, _ := newServer(t, nil)
	b := signedIn(t, h)
	other := signIn(t, h, "ada", "correct horse battery") // ada on another device
	_, page := b.get("/settings")
	secret := b.formSecret(page)
	for _, c := range []struct{ what, current, next, confirm, message string }{
		{"a wrong current password", "wrong password", "staple of the commons", "staple of the commons", "current password is not right"},
		{"a too short new password", "correct horse battery", "short", "short", "at least 8 characters"},
		{"a too long new password", "correct horse battery", strings.Repeat("long ", 60), strings.Repeat("long ", 60), "at most 256 bytes"},
		{"a confirmation that differs", "correct horse battery", "staple of the commons", "staple of the common", "confirmation differ"},
	} {
		resp, page := b.post("/settings/password", url.Values{"csrf": {secret}, "current": {c.current}, "new": {c.next}, "confirm": {c.confirm}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `role="alert"`) || !strings.Contains(page, c.message) {
			t.Errorf("%s = %d; want 422 saying %q", c.what, resp.StatusCode, c.message)
		}
	}
	if resp, _ := other.get("/settings"); resp.StatusCode != http.StatusOK {
		t.Fatalf("a refused change signed the other device out (%d)", resp.StatusCode)
	}

	resp, _ := b.post("/settings/password", url.Values{"csrf": {secret}, "current": {"correct horse battery"},
		"new": {"staple of the commons"}, "confirm": {"staple of the commons"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?saved=password" {
		t.Fatalf("changing the password = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, page := b.get("/settings?saved=password"); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Password changed") {
		t.Errorf("the browser that changed the password = %d, want still signed in and told", resp.StatusCode)
	}
	if resp, _ := other.get("/settings"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the other device after the change = %d, want signed out", resp.StatusCode)
	}
	visitor := newBrowser(t, h)
	_, page = visitor.get("/login")
	login := url.Values{"csrf": {visitor.formSecret(page)}, "login": {"ada"}, "password": {"correct horse battery"}}
	if resp, _ := visitor.post("/login", login); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("sign-in with the old password = %d, want 401", resp.StatusCode)
	}
	login.Set("password", "staple of the commons")
	if resp, _ := visitor.post("/login", login); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in with the new password = %d, want 303", resp.StatusCode)
	}
}

// TestPendingAccountIsNotPublished: a sign-up waiting for approval has no profile, actor,
// collections or WebFinger answer yet; once approved it has.
func TestPendingAccountIsNotPublished(t *testing.T) {
	h, svc := newServer(t, nil) // approval registration
	mustAccount(t, svc, "olga")
	if _, err := svc.SignUp(context.Background(), service.AccountCreate{Username: "spammer", Email: "s@example.org",
		Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/u/spammer", "/u/spammer/outbox", "/u/spammer/followers",
		"/.well-known/webfinger?resource=acct:spammer@convene.test"}
	for _, path := range paths {
		if rec := get(h, path); rec.Code != http.StatusNotFound {
			t.Errorf("%s = %d for a pending account, want 404", path, rec.Code)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/u/spammer", nil)
	req.Header.Set("Accept", "application/activity+json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound {
		t.Errorf("the actor of a pending account = %d, want 404", rec.Code)
	}
	if rec := get(h, "/u/olga"); rec.Code != http.StatusOK {
		t.Errorf("/u/olga = %d, want 200", rec.Code)
	}
}

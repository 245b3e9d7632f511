package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/convene-social/convene"
)

// browserSignedInAs signs an existing account in, in a new browser.
func browserSignedInAs(t *testing.T, h http.Handler, login string) *browser {
	t.Helper()
	b := newBrowser(t, h)
	_, page := b.get("/login")
	resp, _ := b.post("/login", url.Values{"csrf": {b.formSecret(page)}, "login": {login}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s = %d", login, resp.StatusCode)
	}
	return b
}

// signUpInBrowser asks for an account through /signup as a visitor and returns the page.
func signUpInBrowser(t *testing.T, h http.Handler, name string) (*http.Response, string) {
	t.Helper()
	b := newBrowser(t, h)
	_, page := b.get("/signup")
	return b.post("/signup", url.Values{"csrf": {b.formSecret(page)}, "username": {name}, "email": {name + "@example.org"},
		"password": {"correct horse battery"}, "timezone": {"Europe/Rome"}})
}

var adminPages = []string{"/admin", "/admin/signups", "/admin/domains", "/admin/settings"}

func TestAdminPagesSendVisitorsToSignInAndRefuseMembers(t *testing.T) {
	h, svc := newServer(t, nil)
	admin := signedIn(t, h)
	mustAccount(t, svc, "mel")
	if _, page := admin.get("/"); !strings.Contains(page, `href="/admin"`) {
		t.Error("the layout does not link an admin to /admin")
	}
	member := browserSignedInAs(t, h, "mel")
	if _, page := member.get("/"); strings.Contains(page, `href="/admin"`) {
		t.Error("the layout links a member to /admin")
	}
	visitor := newBrowser(t, h)
	for _, path := range adminPages {
		if resp, _ := visitor.get(path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(path) {
			t.Errorf("visitor GET %s = %d to %q, want sign-in and back", path, resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := member.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("member GET %s = %d, want 403", path, resp.StatusCode)
		}
		if resp, page := admin.get(path); resp.StatusCode != http.StatusOK || !strings.Contains(page, "<h1>") {
			t.Errorf("admin GET %s = %d", path, resp.StatusCode)
		}
	}

	signUpInBrowser(t, h, "ben")
	_, page := member.get("/")
	memberSecret := member.formSecret(page)
	_, page = visitor.get("/login")
	visitorSecret := visitor.formSecret(page)
	posts := []struct {
		path    string
		form    url.Values
		section string // where a visitor comes back to after signing in
	}{
		{"/admin/signups/ben/approve", url.Values{}, "/admin/signups"},
		{"/admin/signups/ben/reject", url.Values{}, "/admin/signups"},
		{"/admin/domains", url.Values{"host": {"spam.example"}}, "/admin/domains"},
		{"/admin/domains/unblock", url.Values{"host": {"spam.example"}}, "/admin/domains"},
		{"/admin/settings", url.Values{"name": {"Taken over"}, "registration": {"open"}}, "/admin/settings"},
	}
	for _, p := range posts {
		p.form.Set("csrf", memberSecret)
		if resp, page := member.post(p.path, p.form); resp.StatusCode != http.StatusForbidden || strings.Contains(page, "<form method=\"post\" action=\"/admin") {
			t.Errorf("member POST %s = %d, want 403 without an admin form", p.path, resp.StatusCode)
		}
		p.form.Set("csrf", visitorSecret)
		if resp, _ := visitor.post(p.path, p.form); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(p.section) {
			t.Errorf("visitor POST %s = %d to %q, want sign-in and back to %s", p.path, resp.StatusCode, resp.Header.Get("Location"), p.section)
		}
	}
	// None of it changed anything.
	ctx := convene.WithOperator(context.Background())
	if ben, err := svc.FindAccount(ctx, "ben"); err != nil || ben.State != convene.AccountPending {
		t.Errorf("ben after members' and visitors' posts = %+v, %v; want still pending", ben, err)
	}
	if hosts, _ := svc.DomainBlocks(ctx); len(hosts) != 0 {
		t.Errorf("blocked domains = %v", hosts)
	}
	if set, _ := svc.InstanceSettings(ctx); set.Name != "" || set.Registration != convene.RegistrationApproval {
		t.Errorf("settings = %+v", set)
	}
}

func TestApprovingASignUpLetsThePersonSignIn(t *testing.T) {
	h, _ := newServer(t, nil)
	admin := signedIn(t, h)
	if resp, page := signUpInBrowser(t, h, "ben"); resp.StatusCode != http.StatusOK || !strings.Contains(page, "waits for a moderator") {
		t.Fatalf("sign-up = %d", resp.StatusCode)
	}
	_, page := admin.get("/admin")
	if !strings.Contains(page, "Waiting for approval: 1") || !strings.Contains(page, "has 1 account;") {
		t.Errorf("overview does not count one sign-up and one account:\n%s", page)
	}
	_, page = admin.get("/admin/signups")
	for _, want := range []string{"@ben", "ben@example.org", "Europe/Rome", `action="/admin/signups/ben/approve"`, `action="/admin/signups/ben/reject"`} {
		if !strings.Contains(page, want) {
			t.Errorf("sign-ups page lacks %q", want)
		}
	}
	resp, _ := admin.post("/admin/signups/ben/approve", url.Values{"csrf": {admin.formSecret(page)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/signups?approved=ben" {
		t.Fatalf("approve = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = admin.get(resp.Header.Get("Location"))
	if !strings.Contains(page, "@ben is approved") || strings.Contains(page, `action="/admin/signups/ben/approve"`) {
		t.Error("after approving, the page does not say so or still lists ben")
	}
	browserSignedInAs(t, h, "ben") // fails the test unless ben may sign in
}

func TestRejectingASignUpFreesTheName(t *testing.T) {
	h, _ := newServer(t, nil)
	admin := signedIn(t, h)
	signUpInBrowser(t, h, "ben")
	_, page := admin.get("/admin/signups")
	resp, _ := admin.post("/admin/signups/ben/reject", url.Values{"csrf": {admin.formSecret(page)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject = %d", resp.StatusCode)
	}
	_, page = admin.get(resp.Header.Get("Location"))
	if !strings.Contains(page, "the name is free again") || !strings.Contains(page, "No sign-ups are waiting.") {
		t.Error("after rejecting, the page does not say so or still lists ben")
	}
	b := newBrowser(t, h)
	_, page = b.get("/login")
	login := url.Values{"csrf": {b.formSecret(page)}, "login": {"ben"}, "password": {"correct horse battery"}}
	if resp, _ := b.post("/login", login); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("signing in as a rejected sign-up = %d, want 401", resp.StatusCode)
	}
	if resp, page := signUpInBrowser(t, h, "ben"); resp.StatusCode != http.StatusOK || !strings.Contains(page, "waits for a moderator") {
		t.Errorf("signing up again with the rejected name and email = %d", resp.StatusCode)
	}
	// An approved account cannot be "rejected" away.
	_, page = admin.get("/admin/signups")
	if resp, _ := admin.post("/admin/signups/ada/reject", url.Values{"csrf": {admin.formSecret(page)}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("rejecting the approved ada = %d, want 409", resp.StatusCode)
	}
}

func TestBlockingADomainListsItAndUnblockingRemovesIt(t *testing.T) {
	h, _ := newServer(t, nil)
	admin := signedIn(t, h)
	_, page := admin.get("/admin/domains")
	secret := admin.formSecret(page)
	if !strings.Contains(page, "No domain is blocked.") {
		t.Error("a new instance lists blocked domains")
	}
	if resp, page := admin.post("/admin/domains", url.Values{"csrf": {secret}, "host": {"https://spam.example/x"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `role="alert"`) || !strings.Contains(page, `value="https://spam.example/x"`) {
		t.Errorf("blocking a URL = %d, want 422 with the form filled again", resp.StatusCode)
	}
	resp, _ := admin.post("/admin/domains", url.Values{"csrf": {secret}, "host": {" Spam.Example. "}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("block = %d", resp.StatusCode)
	}
	_, page = admin.get(resp.Header.Get("Location"))
	if !strings.Contains(page, "spam.example is blocked; 0 follows were removed.") || !strings.Contains(page, `name="host" value="spam.example"`) {
		t.Errorf("after blocking, the page lacks the notice or the unblock button:\n%s", page)
	}
	if _, page := admin.get("/admin"); !strings.Contains(page, "Blocked domains: 1") {
		t.Error("overview does not count the block")
	}
	resp, _ = admin.post("/admin/domains/unblock", url.Values{"csrf": {secret}, "host": {"spam.example"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unblock = %d", resp.StatusCode)
	}
	_, page = admin.get(resp.Header.Get("Location"))
	if !strings.Contains(page, "spam.example is no longer blocked.") || !strings.Contains(page, "No domain is blocked.") {
		t.Errorf("after unblocking, the page lacks the notice or still lists the domain")
	}
	if resp, _ := admin.post("/admin/domains/unblock", url.Values{"csrf": {secret}, "host": {"spam.example"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unblocking a domain that is not blocked = %d, want 404", resp.StatusCode)
	}
}

func TestClosingRegistrationInSettingsMakesSignUpRefuse(t *testing.T) {
	h, svc := newServer(t, nil) // approval configured
	admin := signedIn(t, h)
	_, page := admin.get("/admin/settings")
	if !strings.Contains(page, `value="" checked`) || !strings.Contains(page, "As configured on the server (approval)") {
		t.Errorf("settings form of a new instance does not keep the configured mode")
	}
	form := url.Values{"csrf": {admin.formSecret(page)}, "name": {"Surrey conveners"}, "description": {"We *meet* monthly."}, "registration": {"sometimes"}}
	if resp, page := admin.post("/admin/settings", form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="Surrey conveners"`) {
		t.Errorf("an unknown mode = %d, want 422 with the form filled again", resp.StatusCode)
	}
	form.Set("registration", "closed")
	resp, _ := admin.post("/admin/settings", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save = %d", resp.StatusCode)
	}
	_, page = admin.get(resp.Header.Get("Location"))
	if !strings.Contains(page, "The settings are saved.") || !strings.Contains(page, `value="closed" checked`) ||
		!strings.Contains(page, `value="Surrey conveners"`) || !strings.Contains(page, "We *meet* monthly.</textarea>") {
		t.Errorf("settings page after saving does not show what was saved:\n%s", page)
	}
	if set, err := svc.InstanceSettings(context.Background()); err != nil || set.Description != "We *meet* monthly." {
		t.Errorf("InstanceSettings = %+v, %v", set, err)
	}

	visitor := newBrowser(t, h)
	_, page = visitor.get("/signup")
	if !strings.Contains(page, "Registration is closed") {
		t.Error("the sign-up page does not say registration is closed")
	}
	_, page = visitor.get("/login")
	if !strings.Contains(page, `<a class="brand" href="/">Surrey conveners</a>`) || !strings.Contains(page, "<title>Sign in – Surrey conveners</title>") {
		t.Error("pages do not carry the instance's name in their header and title")
	}
	if _, home := visitor.get("/"); !strings.Contains(home, "<h1>Surrey conveners</h1>") || !strings.Contains(home, "<em>meet</em> monthly") {
		t.Error("the home page does not show the instance's name and description")
	}
	resp, _ = visitor.post("/signup", url.Values{"csrf": {visitor.formSecret(page)}, "username": {"ben"},
		"email": {"ben@example.org"}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-up while closed = %d, want 403", resp.StatusCode)
	}
	if _, err := svc.FindAccount(context.Background(), "ben"); convene.ErrorCode(err) != convene.ENOTFOUND {
		t.Errorf("a closed instance made ben's account: %v", err)
	}

	// Open: a sign-up is usable at once.
	_, page = admin.get("/admin/settings")
	form.Set("registration", string(convene.RegistrationOpen))
	if resp, _ := admin.post("/admin/settings", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save = %d", resp.StatusCode)
	}
	if resp, _ := signUpInBrowser(t, h, "cat"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-up while open = %d, want signed in and redirected", resp.StatusCode)
	}
}

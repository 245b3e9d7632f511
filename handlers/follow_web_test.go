package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// mastodonPeer is a fediverse server on loopback answering WebFinger: alice's answer carries
// Mastodon's subscribe template, bob's has none, anyone else is unknown (404).
func mastodonPeer(t *testing.T) (host string, lookups *atomic.Int64) {
	t.Helper()
	lookups = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lookups.Add(1)
		resource := r.URL.Query().Get("resource")
		links := []map[string]string{{"rel": "self", "type": "application/activity+json", "href": "http://" + r.Host + "/users/x"}}
		switch {
		case r.URL.Path != "/.well-known/webfinger":
			http.NotFound(w, r)
			return
		case resource == "acct:alice@"+r.Host:
			links = append(links, map[string]string{"rel": "http://ostatus.org/schema/1.0/subscribe",
				"template": "http://" + r.Host + "/authorize_interaction?uri={uri}"})
		case resource != "acct:bob@"+r.Host:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json; charset=utf-8")
		json.NewEncoder(w).Encode(map[string]any{"subject": resource, "links": links})
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), lookups
}

// followFixture is an instance with the admin ada and her open community surrey.
func followFixture(t *testing.T, o testServer) (http.Handler, *service.Service, context.Context) {
	t.Helper()
	h, svc := newTestServer(t, o)
	ada, err := svc.CreateAccount(convene.WithOperator(context.Background()), service.AccountCreate{Username: "ada",
		Email: "ada@example.org", Password: "correct horse battery", Role: convene.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	asAda := convene.WithPrincipal(context.Background(), convene.Principal{Account: ada})
	if _, err := svc.CreateCommunity(asAda, service.CommunityCreate{Slug: "surrey", Name: "Surrey conveners"}); err != nil {
		t.Fatal(err)
	}
	return h, svc, asAda
}

func TestFollowFromMastodonSendsTheVisitorToTheirServer(t *testing.T) {
	h, _, _ := followFixture(t, testServer{allowLoopback: true})
	peer, _ := mastodonPeer(t)
	visitor := newBrowser(t, h)
	_, page := visitor.get("/c/surrey")
	for _, want := range []string{`action="/c/surrey/follow-remote"`, `<label for="remote-handle">`, `href="/login?next=/c/surrey"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the community page offers a visitor no %s", want)
		}
	}
	for _, unwanted := range []string{`action="/c/surrey/join"`, `action="/c/surrey/leave"`} {
		if strings.Contains(page, unwanted) {
			t.Errorf("a visitor is offered %s", unwanted)
		}
	}
	resp, _ := visitor.post("/c/surrey/follow-remote", url.Values{"csrf": {visitor.formSecret(page)}, "handle": {" @alice@" + peer + " "}})
	want := "http://" + peer + "/authorize_interaction?uri=" + url.QueryEscape("https://convene.test/c/surrey")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Errorf("follow from alice's server = %d to %q; want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	// The same form on its own page.
	resp, page = visitor.get("/c/surrey/follow-remote")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<label for="remote-handle">`) || !strings.Contains(page, "@surrey@convene.test") {
		t.Errorf("/c/surrey/follow-remote = %d without the form or the community's handle", resp.StatusCode)
	}
	if resp, _ := visitor.get("/c/nowhere/follow-remote"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the form of a community that does not exist = %d, want 404", resp.StatusCode)
	}
}

func TestFollowFromMastodonExplainsWhatWentWrong(t *testing.T) {
	h, svc, asAda := followFixture(t, testServer{allowLoopback: true})
	peer, lookups := mastodonPeer(t)
	if _, err := svc.BlockDomain(asAda, "blocked.example"); err != nil {
		t.Fatal(err)
	}
	visitor := newBrowser(t, h)
	_, page := visitor.get("/c/surrey/follow-remote")
	secret := visitor.formSecret(page)
	for _, c := range []struct {
		handle string
		status int
		says   string
		asked  bool // whether the handle's server is asked at all
	}{
		{"bob@" + peer, http.StatusUnprocessableEntity, "does not say where to follow from. Search for @surrey@convene.test in your app instead.", true},
		{"nobody@" + peer, http.StatusUnprocessableEntity, "There is no account nobody@" + peer, true},
		{"alice@", http.StatusUnprocessableEntity, "is not a handle like @name@example.org", false},
		{"alice@" + peer + "/@evil", http.StatusUnprocessableEntity, "is not a handle", false},
		{"", http.StatusUnprocessableEntity, "is not a handle", false},
		{"eve@social.blocked.example", http.StatusForbidden, "cannot follow communities here", false},
	} {
		before := lookups.Load()
		resp, page := visitor.post("/c/surrey/follow-remote", url.Values{"csrf": {secret}, "handle": {c.handle}})
		if resp.StatusCode != c.status || !strings.Contains(page, `role="alert"`) || !strings.Contains(page, c.says) ||
			!strings.Contains(page, `action="/c/surrey/follow-remote"`) {
			t.Errorf("%q = %d; want %d and the form again saying %q:\n%s", c.handle, resp.StatusCode, c.status, c.says, page)
		}
		if !strings.Contains(page, `value="`+c.handle+`"`) {
			t.Errorf("%q: the form does not keep what was typed", c.handle)
		}
		if asked := lookups.Load() > before; asked != c.asked {
			t.Errorf("%q: the peer asked = %v, want %v", c.handle, asked, c.asked)
		}
	}
	if resp, _ := visitor.post("/c/surrey/follow-remote", url.Values{"handle": {"alice@" + peer}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a follow form without its secret = %d, want 403", resp.StatusCode)
	}
}

func TestFollowFromMastodonDoesNotReachPrivateAddresses(t *testing.T) {
	h, _, _ := followFixture(t, testServer{}) // as in production: no private network allowed
	peer, lookups := mastodonPeer(t)
	visitor := newBrowser(t, h)
	_, page := visitor.get("/c/surrey")
	resp, page := visitor.post("/c/surrey/follow-remote", url.Values{"csrf": {visitor.formSecret(page)}, "handle": {"alice@" + peer}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "public name") || lookups.Load() != 0 {
		t.Errorf("a loopback handle = %d after %d lookups; want 422 and none", resp.StatusCode, lookups.Load())
	}
}

func TestMemberJoinsLeavesAndJoinsAgain(t *testing.T) {
	h, svc := newServer(t, nil)
	b := signedIn(t, h)
	operator := convene.WithOperator(context.Background())
	for _, c := range []service.CommunityCreate{{Slug: "surrey", Name: "Surrey conveners"},
		{Slug: "closed", Name: "Closed circle", FollowPolicy: convene.FollowApproval}} {
		if _, err := svc.CreateCommunity(operator, c); err != nil {
			t.Fatal(err)
		}
	}
	_, page := b.get("/c/surrey")
	secret := b.formSecret(page)
	wantPage := func(step string, want, unwanted []string) {
		t.Helper()
		_, page := b.get("/c/surrey")
		for _, s := range want {
			if !strings.Contains(page, s) {
				t.Errorf("%s: the page lacks %s", step, s)
			}
		}
		for _, s := range unwanted {
			if strings.Contains(page, s) {
				t.Errorf("%s: the page shows %s", step, s)
			}
		}
	}
	join, leave := `action="/c/surrey/join"`, `action="/c/surrey/leave"`
	wantPage("before joining", []string{join, "<strong>0</strong> followers"}, []string{leave, `action="/c/surrey/follow-remote"`})
	post := func(path string, status int) {
		t.Helper()
		if resp, _ := b.post(path, url.Values{"csrf": {secret}}); resp.StatusCode != status {
			t.Fatalf("POST %s = %d, want %d", path, resp.StatusCode, status)
		} else if status == http.StatusSeeOther && resp.Header.Get("Location") != "/c/surrey" && strings.HasPrefix(path, "/c/surrey") {
			t.Errorf("POST %s went to %q, want back to the community", path, resp.Header.Get("Location"))
		}
	}
	post("/c/surrey/join", http.StatusSeeOther)
	wantPage("a member", []string{leave, "You are a member", "<strong>1</strong> follower,"}, []string{join})
	post("/c/surrey/leave", http.StatusSeeOther)
	wantPage("after leaving", []string{join, "<strong>0</strong> followers"}, []string{leave})
	post("/c/surrey/leave", http.StatusNotFound)
	post("/c/surrey/join", http.StatusSeeOther)
	wantPage("joined again", []string{leave}, []string{join})

	// Visitors see the count, not the buttons.
	if _, page := newBrowser(t, h).get("/c/surrey"); !strings.Contains(page, "<strong>1</strong> follower,") || strings.Contains(page, leave) {
		t.Error("a visitor does not see one follower, or sees Leave")
	}
	// A request waiting for a moderator can be withdrawn.
	post("/c/closed/join", http.StatusSeeOther)
	if _, page := b.get("/c/closed"); !strings.Contains(page, "waits for a moderator") || !strings.Contains(page, `action="/c/closed/leave"`) {
		t.Error("a pending request is not shown with a way to withdraw it")
	}
	post("/c/closed/leave", http.StatusSeeOther)
	if _, page := b.get("/c/closed"); !strings.Contains(page, `action="/c/closed/join"`) {
		t.Error("after withdrawing, Join is not offered again")
	}
}

func TestCommunityPageLinksItsFeedsAndCalendar(t *testing.T) {
	h, _, _ := followFixture(t, testServer{})
	_, page := newBrowser(t, h).get("/c/surrey")
	// html/template writes the + of a media type as &#43;, which browsers read back as +.
	for _, want := range []string{
		`<link rel="alternate" type="application/rss&#43;xml" title="Surrey conveners (RSS)" href="https://convene.test/c/surrey/feed.rss">`,
		`<link rel="alternate" type="application/atom&#43;xml" title="Surrey conveners (Atom)" href="https://convene.test/c/surrey/feed.atom">`,
		`<link rel="alternate" type="text/calendar" title="Surrey conveners events" href="https://convene.test/c/surrey/events.ics">`,
		`<a href="https://convene.test/c/surrey/feed.rss">RSS feed</a>`,
		`<a href="https://convene.test/c/surrey/feed.atom">Atom feed</a>`,
		`<a href="https://convene.test/c/surrey/events.ics">Calendar (.ics)</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the community page lacks %s", want)
		}
	}
}

// What garden (groupPeer) shows of itself, as Lemmy publishes a community's pictures and
// sidebar; its bio carries a script that must never reach a page or an app.
const (
	gardenAvatar  = "https://files.garden.example/pictrs/image/icon.png"
	gardenHeader  = "https://files.garden.example/pictrs/image/banner.jpg"
	gardenSummary = `<p>We grow <strong>together</strong></p><script>alert(document.cookie)</script>`
	gardenNote    = `<p>We grow <strong>together</strong></p>` // its bio as sanitized
)

// groupPeer is a server on loopback with one community actor, garden, at /groups/garden.
func groupPeer(t *testing.T) (actorIRI string) {
	t.Helper()
	keys, err := service.GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/groups/garden" {
			http.NotFound(w, r)
			return
		}
		id := "http://" + r.Host + "/groups/garden"
		w.Header().Set("Content-Type", "application/activity+json")
		json.NewEncoder(w).Encode(map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Group",
			"preferredUsername": "garden", "name": "Garden circle", "inbox": id + "/inbox",
			"publicKey": map[string]string{"id": id + "#main-key", "owner": id, "publicKeyPem": keys.PublicKeyPEM},
			"icon":      map[string]string{"type": "Image", "url": gardenAvatar},
			"image":     map[string]string{"type": "Image", "url": gardenHeader},
			"summary":   gardenSummary,
		})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/groups/garden"
}

func TestMemberFollowsSomethingElsewhereFromItsFollowButton(t *testing.T) {
	h, svc := newTestServer(t, testServer{allowLoopback: true})
	garden := groupPeer(t)
	b := signedIn(t, h)
	path := "/authorize_interaction?uri=" + url.QueryEscape(garden)
	if resp, _ := newBrowser(t, h).get(path); resp.StatusCode != http.StatusSeeOther ||
		resp.Header.Get("Location") != "/login?next="+url.QueryEscape(path) {
		t.Errorf("a visitor = %d to %q; want to sign in first and come back", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, page := b.get(path)
	avatar := `<img src="` + gardenAvatar + `" alt="" class="avatar-small" width="24" height="24" loading="lazy" referrerpolicy="no-referrer"> <strong>Garden circle</strong>`
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, avatar) ||
		!strings.Contains(page, `<input type="hidden" name="uri" value="`+garden+`">`) {
		t.Fatalf("the confirmation = %d, without the group's name beside its avatar:\n%s", resp.StatusCode, page)
	}
	form := url.Values{"csrf": {b.formSecret(page)}, "uri": {garden}}
	if resp, page := b.post("/authorize_interaction", form); resp.StatusCode != http.StatusOK || !strings.Contains(page, "You asked to follow") {
		t.Fatalf("confirming = %d:\n%s", resp.StatusCode, page)
	}
	if resp, page := b.post("/authorize_interaction", form); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "already follow") {
		t.Errorf("confirming twice = %d, want 409 saying so", resp.StatusCode)
	}

	// Something of this server opens; what is not an http(s) address, or is blocked, is refused.
	operator := convene.WithOperator(context.Background())
	if _, err := svc.CreateCommunity(operator, service.CommunityCreate{Slug: "surrey", Name: "Surrey"}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := b.get("/authorize_interaction?uri=" + url.QueryEscape("https://convene.test/c/surrey")); resp.Header.Get("Location") != "/c/surrey" {
		t.Errorf("a local community = %d to %q, want /c/surrey", resp.StatusCode, resp.Header.Get("Location"))
	}
	ada, _ := svc.FindAccount(context.Background(), "ada")
	if _, err := svc.BlockDomain(convene.WithPrincipal(context.Background(), convene.Principal{Account: ada}), "blocked.example"); err != nil {
		t.Fatal(err)
	}
	for uri, status := range map[string]int{"javascript:alert(1)": http.StatusUnprocessableEntity,
		"https://blocked.example/c/x": http.StatusForbidden, "http://" + strings.TrimPrefix(garden, "http://") + "/gone": http.StatusUnprocessableEntity} {
		if resp, page := b.get("/authorize_interaction?uri=" + url.QueryEscape(uri)); resp.StatusCode != status || strings.Contains(page, `name="uri"`) {
			t.Errorf("%s = %d, want %d without a follow button", uri, resp.StatusCode, status)
		}
	}
}

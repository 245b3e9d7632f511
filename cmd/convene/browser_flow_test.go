package main

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserFlow walks the life of an instance in Chromium, as its first people would:
// the first admin sets it up, a member signs up and is approved, a community is made, a
// thread started with a poll, voted in and answered, an event announced, attended and taken home as a calendar.
// Every page on the way is checked by axe-core and photographed.
func TestBrowserFlow(t *testing.T) {
	b := startBrowser(t)
	in := newInstance(t, map[string]string{"CONVENE_REGISTRATION": "approval"})
	in.Start()
	defer in.Stop()

	// The first admin.
	b.open(in.URL("/"))
	b.mustSee("No account exists yet")
	b.check("home-first-run")
	b.click(`a[href="/setup"]`)
	b.check("setup")
	if zone := b.value("#timezone"); zone != browserZone {
		t.Errorf("the setup form guessed the zone %q; the browser runs in %s", zone, browserZone)
	}
	b.submit(`form[action="/setup"]`, map[string]string{"#username": "ada", "#email": "ada@example.org",
		"#password": "correct horse battery", "#timezone": "Europe/London"})
	b.check("home-admin")
	b.signOut()

	// A member signs up and waits for approval.
	b.open(in.URL("/signup"))
	b.check("signup")
	b.submit(`form[action="/signup"]`, map[string]string{"#username": "bea", "#email": "bea@example.org",
		"#password": "lantern by the river", "#timezone": "Europe/Paris"})
	b.mustSee("waits for a moderator's approval")
	b.check("signup-pending")

	// The admin approves her.
	b.signIn(in, "ada", "correct horse battery")
	b.open(in.URL("/admin"))
	b.check("admin")
	b.open(in.URL("/admin/signups"))
	b.mustSee("bea")
	b.check("admin-signups")
	b.click(`form[action="/admin/signups/bea/approve"] button`)
	b.open(in.URL("/admin/domains"))
	b.check("admin-domains")
	b.open(in.URL("/admin/settings"))
	b.check("admin-settings")

	// The admin makes a community.
	b.open(in.URL("/communities/new"))
	b.check("community-new")
	b.submit(`form[action="/communities/new"]`, map[string]string{"#slug": "surrey", "#name": "Surrey conveners",
		"#summary": "People who *convene* in Surrey.", "#region": "Surrey"})
	b.mustSee("Surrey conveners")
	b.open(in.URL("/c/surrey/settings"))
	b.check("community-settings")
	b.signOut()

	// The member joins, starts a thread and the admin answers it.
	b.signIn(in, "bea", "lantern by the river")
	b.open(in.URL("/c/surrey"))
	b.click(`form[action="/c/surrey/join"] button`)
	b.do("open the thread form", chromedp.Click(chromedp.CSS(`details summary`)))
	b.do("open the poll fields", chromedp.Click(chromedp.CSS(`details.poll-compose summary`)))
	b.submit(`form[action="/c/surrey/threads"]`, map[string]string{"#thread-title": "Seed swap in March",
		"#thread-body": "Who brings *beans*?", "#poll-option-1": "Runner beans", "#poll-option-2": "Broad beans"})
	b.mustSee("Who brings beans?")
	thread := b.location()
	b.signOut()
	b.signIn(in, "ada", "correct horse battery")
	b.open(thread)
	b.check("thread-poll-vote")
	b.submit(`form[action$="/vote"]`, map[string]string{`input[value="0"]`: "on"})
	b.mustSee("(your choice)")
	b.submit(`form[action$="/reply"]`, map[string]string{"textarea": "I will bring runner beans."})
	b.mustSee("I will bring runner beans.")
	b.check("thread")
	b.click(`a[href$="/edit"]`)
	b.check("post-edit")

	// The admin announces an event; the member says she is going and takes it home.
	b.open(in.URL("/c/surrey/events/new"))
	b.check("event-new")
	b.submit(`form.event-form`, map[string]string{"#ev-title": "Seed swap", "#ev-description": "Bring seeds.",
		"#ev-start-date": "2031-03-14", "#ev-start-time": "18:30", "#ev-end-date": "2031-03-14", "#ev-end-time": "20:00",
		"#ev-timezone": "Europe/London", "#ev-place-name": "Guildford Library", "#ev-locality": "Guildford", "#ev-capacity": "30"})
	b.mustSee("Seed swap")
	event := b.location()
	b.check("event-organiser")
	b.open(event + "/edit")
	b.check("event-edit")
	b.open(in.URL("/"))
	b.mustSee("Seed swap")
	b.check("home-landscape")
	b.signOut()
	b.signIn(in, "bea", "lantern by the river")
	b.open(event)
	b.mustSee("your time")
	b.submit(`form[action$="/rsvp"]`, nil)
	b.mustSee("1 of 30 going")
	b.check("event")
	ics := b.downloadLink(`a[href$=".ics"]`)
	if !strings.Contains(ics, "SUMMARY:Seed swap") || !strings.Contains(ics, "DTSTART;TZID=Europe/London:20310314T183000") {
		t.Errorf("the calendar the event page gives:\n%s", ics)
	}

	// Her own pages, and the community as she sees it.
	b.open(in.URL("/c/surrey"))
	b.check("community")
	b.open(in.URL("/u/bea"))
	b.check("profile")
	b.open(in.URL("/settings"))
	b.check("settings")
	b.open(in.URL("/admin"))
	b.mustSee("You are signed in as @bea")
	b.check("forbidden")
	b.open(in.URL("/no/such/page"))
	b.mustSee("There is nothing at this address")
	b.check("not-found")
	b.signOut()
	b.open(in.URL("/login"))
	b.check("signin")
}

// signIn signs in through the sign-in page.
func (b *webBrowser) signIn(in *instance, login, password string) {
	b.t.Helper()
	b.open(in.URL("/login"))
	b.submit(`form[action="/login"]`, map[string]string{"#login": login, "#password": password})
	if got := b.text(); strings.Contains(got, "Sign in") && strings.Contains(got, "Password") {
		b.t.Fatalf("signing in as %s failed:\n%s", login, got)
	}
}

// signOut presses the sign-out button in the header.
func (b *webBrowser) signOut() {
	b.t.Helper()
	b.click(`form[action="/logout"] button`)
}

// TestBrowserFollowFromMastodon: a visitor of a community page types their fediverse handle
// and their browser lands on their own server's page for following it, found by WebFinger.
func TestBrowserFollowFromMastodon(t *testing.T) {
	b := startBrowser(t)
	// The visitor's server: WebFinger names its subscribe template, and the template's page
	// shows what it was asked to follow.
	var peer *httptest.Server
	peer = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/webfinger":
			if r.URL.Query().Get("resource") != "acct:alice@"+peer.Listener.Addr().String() {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/jrd+json")
			fmt.Fprintf(w, `{"subject": %q, "links": [
				{"rel": "self", "type": "application/activity+json", "href": "%s/users/alice"},
				{"rel": "http://ostatus.org/schema/1.0/subscribe", "template": "%s/authorize_interaction?uri={uri}"}]}`,
				r.URL.Query().Get("resource"), peer.URL, peer.URL)
		case "/authorize_interaction":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Follow</title><main><p>Follow %s?</p></main></html>`,
				html.EscapeString(r.URL.Query().Get("uri")))
		default:
			http.NotFound(w, r)
		}
	}))
	defer peer.Close()

	in := newInstance(t, nil)
	in.Start()
	defer in.Stop()
	in.CLI("correct horse battery\n", "user", "create", "ada", "--email", "ada@example.org", "--admin")
	in.CLI("", "community", "create", "surrey", "--name", "Surrey conveners")

	b.open(in.URL("/c/surrey"))
	b.check("community-visitor")
	b.open(in.URL("/c/surrey/follow-remote"))
	b.check("follow-remote")
	b.open(in.URL("/c/surrey"))
	b.submit(`form[action="/c/surrey/follow-remote"]`, map[string]string{"#remote-handle": "@alice@" + peer.Listener.Addr().String()})
	want := peer.URL + "/authorize_interaction?uri=" + url.QueryEscape(in.URL("/c/surrey"))
	if got := b.location(); got != want {
		t.Errorf("Follow from Mastodon went to %s, want %s", got, want)
	}
	b.mustSee("Follow " + in.URL("/c/surrey") + "?")
}

// TestAxeCatchesViolations proves the accessibility check can fail: a page with an image
// without alternative text and an unlabelled field must be reported.
func TestAxeCatchesViolations(t *testing.T) {
	b := startBrowser(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>bad</title><main><img src="/x.png"><input></main></html>`)
	}))
	defer srv.Close()
	b.open(srv.URL)
	found := map[string]bool{}
	for _, v := range b.axeViolations("bad page") {
		found[v.ID] = true
	}
	if !found["image-alt"] || !found["label"] {
		t.Errorf("axe found %v on a page without alt text and labels; want image-alt and label", found)
	}
}

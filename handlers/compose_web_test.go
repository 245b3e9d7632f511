package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// signedIn sets up the instance with ada as its first admin, signed in in a new browser.
func signedIn(t *testing.T, h http.Handler) *browser {
	t.Helper()
	b := newBrowser(t, h)
	_, page := b.get("/setup")
	resp, _ := b.post("/setup", url.Values{"csrf": {b.formSecret(page)}, "username": {"ada"},
		"email": {"ada@example.org"}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup = %d", resp.StatusCode)
	}
	return b
}

func TestMemberJoinsPostsRepliesAndRSVPsFromThePages(t *testing.T) {
	h, svc := newServer(t, nil)
	b := signedIn(t, h)
	operator := convene.WithOperator(context.Background())
	if _, err := svc.CreateCommunity(operator, service.CommunityCreate{Slug: "surrey", Name: "Surrey conveners"}); err != nil {
		t.Fatal(err)
	}
	visitor := newBrowser(t, h)
	if _, page := visitor.get("/c/surrey"); strings.Contains(page, `action="/c/surrey/threads"`) {
		t.Error("a visitor is offered the new-thread form")
	}
	_, page := b.get("/c/surrey")
	secret := b.formSecret(page)
	if resp, _ := b.post("/c/surrey/join", url.Values{"csrf": {secret}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("join = %d", resp.StatusCode)
	}
	resp, _ := b.post("/c/surrey/threads", url.Values{"csrf": {secret}, "title": {"Seed swap"}, "body": {"Bring *seeds*."}})
	thread := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(thread, "/p/") {
		t.Fatalf("new thread = %d to %q", resp.StatusCode, thread)
	}
	if _, page := b.get("/c/surrey"); !strings.Contains(page, `href="`+thread+`">Seed swap</a>`) {
		t.Error("the community page does not list the new thread")
	}
	_, page = b.get(thread)
	if !strings.Contains(page, "<em>seeds</em>") || !strings.Contains(page, `action="`+thread+`/reply"`) {
		t.Fatalf("thread page lacks the post or the reply form")
	}
	resp, _ = b.post(thread+"/reply", url.Values{"csrf": {secret}, "body": {"I have *beans*."}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), thread+"#p-") {
		t.Fatalf("reply = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := b.get(thread); !strings.Contains(page, "<em>beans</em>") {
		t.Error("the reply is not on the thread page")
	}

	ada, err := svc.FindAccount(context.Background(), "ada")
	if err != nil {
		t.Fatal(err)
	}
	e, err := svc.CreateEvent(convene.WithPrincipal(context.Background(), convene.Principal{Account: ada}),
		service.EventInput{Community: "surrey", Title: "Seed swap day", Start: "2030-03-14T10:00", Timezone: "Europe/London", Capacity: 5})
	if err != nil {
		t.Fatal(err)
	}
	eventPage := "/e/" + e.ID
	// ada organises it, and RSVPs like anyone else.
	if resp, _ := b.post(eventPage+"/rsvp", url.Values{"csrf": {secret}, "message": {"See you"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("RSVP = %d", resp.StatusCode)
	}
	_, page = b.get(eventPage)
	if !strings.Contains(page, "You are going.") || !regexp.MustCompile(`1 of 5 going`).MatchString(page) ||
		!strings.Contains(page, `href="https://convene.test/e/`+e.ID+`.ics"`) {
		t.Errorf("event page after the RSVP lacks the answer, the count or the calendar link")
	}
	if resp, _ := b.post(eventPage+"/leave", url.Values{"csrf": {secret}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw = %d", resp.StatusCode)
	}
	if _, page := b.get(eventPage); !strings.Contains(page, "I'm going") || !strings.Contains(page, "0 of 5 going") {
		t.Error("event page after withdrawing does not offer the RSVP again")
	}

	// A visitor's post, with a valid form secret but no session, is refused.
	_, page = visitor.get("/login")
	resp, _ = visitor.post("/c/surrey/threads", url.Values{"csrf": {visitor.formSecret(page)}, "title": {"Spam"}, "body": {"spam"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a visitor starting a thread = %d, want 401", resp.StatusCode)
	}
}

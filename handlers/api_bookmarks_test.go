package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

func TestClientAPIBookmarksPostsAndEvents(t *testing.T) {
	w := newAPIWorld(t)
	b, alice, bob := w.b, w.alice, w.bob
	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Who has a ladder?"}`, alice)
	thread := obj(v)["id"].(string)
	account, err := w.svc.FindAccount(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	e, err := w.svc.CreateEvent(convene.WithPrincipal(context.Background(), convene.Principal{Account: account}),
		service.EventInput{Community: "surrey", Title: "Orchard walk", Start: "2030-03-14T10:00", Timezone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}

	if resp, v := b.apiJSON("POST", "/api/v1/statuses/"+thread+"/bookmark", "", bob); resp.StatusCode != 200 || obj(v)["bookmarked"] != true {
		t.Fatalf("bookmark the thread = %d %v", resp.StatusCode, v)
	}
	if resp, v := b.apiJSON("POST", "/api/v1/statuses/"+thread+"/bookmark", "", bob); resp.StatusCode != 200 || obj(v)["bookmarked"] != true {
		t.Errorf("bookmark it again = %d %v, want it as it is", resp.StatusCode, v)
	}
	if resp, v := b.apiJSON("POST", "/api/v1/statuses/"+e.ID+"/bookmark", "", bob); resp.StatusCode != 200 || obj(v)["bookmarked"] != true {
		t.Fatalf("bookmark the event = %d %v", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("POST", "/api/v1/statuses/"+convene.NewID()+"/bookmark", "", bob); resp.StatusCode != 404 {
		t.Errorf("bookmark nothing = %d, want 404", resp.StatusCode)
	}
	// Only bob's view shows them saved.
	if _, v := b.apiJSON("GET", "/api/v1/statuses/"+thread, "", alice); obj(v)["bookmarked"] != false {
		t.Errorf("alice sees bookmarked = %v", obj(v)["bookmarked"])
	}
	if _, v := b.apiJSON("GET", "/api/v1/statuses/"+e.ID, "", bob); obj(v)["bookmarked"] != true {
		t.Errorf("bob's event shows bookmarked = %v", obj(v)["bookmarked"])
	}

	// Newest bookmark first, paged by the bookmarks' own ids.
	resp, v := b.apiJSON("GET", "/api/v1/bookmarks?limit=1", "", bob)
	if list := arr(v); resp.StatusCode != 200 || len(list) != 1 || obj(list[0])["id"] != e.ID || obj(list[0])["bookmarked"] != true {
		t.Fatalf("bookmarks = %d %v", resp.StatusCode, v)
	}
	link := resp.Header.Get("Link")
	start := strings.Index(link, "<") + 1
	next := link[start : start+strings.Index(link[start:], ">")]
	if !strings.Contains(next, "max_id=") || strings.Contains(next, "max_id="+e.ID) {
		t.Fatalf("next link %q should page by the bookmark's id", next)
	}
	if _, v := b.apiJSON("GET", strings.TrimPrefix(next, "https://convene.test"), "", bob); len(arr(v)) != 1 || obj(arr(v)[0])["id"] != thread {
		t.Errorf("the next page = %v, want the thread", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/bookmarks", "", alice); len(arr(v)) != 0 {
		t.Errorf("alice's bookmarks = %v", v)
	}

	if resp, v := b.apiJSON("POST", "/api/v1/statuses/"+thread+"/unbookmark", "", bob); resp.StatusCode != 200 || obj(v)["bookmarked"] != false {
		t.Errorf("unbookmark = %d %v", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("POST", "/api/v1/statuses/"+thread+"/unbookmark", "", bob); resp.StatusCode != 200 {
		t.Errorf("unbookmark again = %d, want 200", resp.StatusCode)
	}
	if _, v := b.apiJSON("GET", "/api/v1/bookmarks", "", bob); len(arr(v)) != 1 || obj(arr(v)[0])["id"] != e.ID {
		t.Errorf("bookmarks after unbookmarking the thread = %v", v)
	}
}

// A notifications page renders its posts together and each event once, however many
// notifications name it.
func TestClientAPINotificationsShareTheirEvents(t *testing.T) {
	w := newAPIWorld(t)
	b, alice := w.b, w.alice
	mustCreateAccountH(t, w.svc, "carol")
	carol := b.tokenFor(w.app, "carol", "read write follow")
	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Who has a ladder?"}`, alice)
	thread := obj(v)["id"].(string)
	account, _ := w.svc.FindAccount(context.Background(), "alice")
	e, err := w.svc.CreateEvent(convene.WithPrincipal(context.Background(), convene.Principal{Account: account}),
		service.EventInput{Community: "surrey", Title: "Orchard walk", Start: "2030-03-14T10:00", Timezone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"bob", "carol"} {
		a, _ := w.svc.FindAccount(context.Background(), name)
		if _, err := w.svc.JoinEvent(convene.WithPrincipal(context.Background(), convene.Principal{Account: a}), e.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	b.apiJSON("POST", "/api/v1/statuses", `{"status":"@alice I have one","in_reply_to_id":"`+thread+`"}`, carol)
	_, v = b.apiJSON("GET", "/api/v1/notifications", "", alice)
	statuses := map[string]int{}
	for _, n := range arr(v) {
		statuses[obj(obj(n)["status"])["id"].(string)]++
	}
	if len(arr(v)) != 3 || statuses[e.ID] != 2 || len(statuses) != 2 {
		t.Errorf("notifications name statuses %v, want the event twice and carol's reply: %v", statuses, v)
	}
}

package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// threadFixture is a community surrey whose owner mo moderates it, members ben (who reads
// in Tokyo time) and cara, and a thread by ben: cara's reply r1 to it, ben's answer r2 to
// r1, and cara's second reply r3 to the thread.
type threadFixture struct {
	h                  http.Handler
	svc                *service.Service
	mo, ben, cara      *convene.Account
	thread, r1, r2, r3 *convene.Post
}

func newThreadFixture(t *testing.T) *threadFixture {
	t.Helper()
	h, svc := newTestServer(t, testServer{newKeyPair: eventKeys})
	x := &threadFixture{h: h, svc: svc}
	x.mo = mustMember(t, svc, "mo", "")
	x.ben = mustMember(t, svc, "ben", "Asia/Tokyo")
	x.cara = mustMember(t, svc, "cara", "")
	if _, err := svc.CreateCommunity(asAccount(x.mo), service.CommunityCreate{Slug: "surrey", Name: "Surrey conveners"}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []*convene.Account{x.ben, x.cara} {
		if _, err := svc.Join(asAccount(a), "surrey"); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if x.thread, err = svc.CreateThread(asAccount(x.ben), service.ThreadCreate{Community: "surrey", Title: "Seed swap", Body: "Bring *seeds*."}); err != nil {
		t.Fatal(err)
	}
	x.r1 = mustReply(t, svc, x.cara, x.thread.ID, "I have beans.")
	x.r2 = mustReply(t, svc, x.ben, x.r1.ID, "Which beans?")
	x.r3 = mustReply(t, svc, x.cara, x.thread.ID, "And squash.")
	return x
}

func mustMember(t *testing.T, svc *service.Service, name, tz string) *convene.Account {
	t.Helper()
	a, err := svc.CreateAccount(convene.WithOperator(context.Background()), service.AccountCreate{Username: name,
		Email: name + "@example.org", Password: "correct horse battery", Timezone: tz})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustReply(t *testing.T, svc *service.Service, a *convene.Account, parent, body string) *convene.Post {
	t.Helper()
	p, err := svc.Reply(asAccount(a), parent, body)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// signIn opens a browser signed in as name.
func (x *threadFixture) signIn(t *testing.T, name string) *browser {
	t.Helper()
	b := newBrowser(t, x.h)
	_, page := b.get("/login")
	resp, _ := b.post("/login", url.Values{"csrf": {b.formSecret(page)}, "login": {name}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s = %d", name, resp.StatusCode)
	}
	return b
}

func (x *threadFixture) page(t *testing.T, b *browser) string {
	t.Helper()
	resp, page := b.get("/p/" + x.thread.ID)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("thread page = %d", resp.StatusCode)
	}
	return page
}

// element finds the element with the given id in a page.
func element(t *testing.T, page, id string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				found = n
			}
		}
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

// within reports whether the element with id inner is inside the element with id outer.
func within(t *testing.T, page, inner, outer string) bool {
	t.Helper()
	n := element(t, page, inner)
	for ; n != nil; n = n.Parent {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == outer {
				return true
			}
		}
	}
	return false
}

// postHTML is the markup of one post, without the replies nested in it.
func postHTML(t *testing.T, page, id string) string {
	t.Helper()
	n := element(t, page, "p-"+id)
	if n == nil {
		t.Fatalf("no post %s on the page", id)
	}
	var sb strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "ol" {
			continue
		}
		if err := html.Render(&sb, c); err != nil {
			t.Fatal(err)
		}
	}
	return sb.String()
}

func TestThreadPageNestsRepliesUnderThePostTheyAnswer(t *testing.T) {
	x := newThreadFixture(t)
	visitor := newBrowser(t, x.h)
	page := x.page(t, visitor)
	if !within(t, page, "p-"+x.r2.ID, "replies-"+x.r1.ID) {
		t.Error("ben's answer to cara's reply is not in the list of replies to it")
	}
	if within(t, page, "p-"+x.r3.ID, "replies-"+x.r1.ID) || !within(t, page, "p-"+x.r3.ID, "replies-"+x.thread.ID) {
		t.Error("cara's second reply is not directly under the thread")
	}
	r1 := postHTML(t, page, x.r1.ID)
	if !strings.Contains(r1, `<a href="https://convene.test/u/cara">cara</a>`) || !strings.Contains(r1, "@cara@convene.test") {
		t.Errorf("reply does not name its author: %s", r1)
	}
	if !strings.Contains(r1, `href="#p-`+x.r1.ID+`"`) || !strings.Contains(r1, `<time datetime="`) || !strings.Contains(r1, " UTC</time>") {
		t.Errorf("a visitor's reply lacks its permalink or its UTC time: %s", r1)
	}
	if strings.Contains(page, `action="/p/`+x.r1.ID+`/like"`) || strings.Contains(page, "/edit") {
		t.Error("a visitor is offered buttons")
	}

	// ben reads in Tokyo time, and answers r3 from its own reply form.
	ben := x.signIn(t, "ben")
	page = x.page(t, ben)
	if r1 := postHTML(t, page, x.r1.ID); !strings.Contains(r1, " JST</time>") {
		t.Errorf("ben's page does not show times in his zone: %s", r1)
	}
	link := "/p/" + x.r3.ID + "?reply=1#reply-" + x.r3.ID
	if !strings.Contains(postHTML(t, page, x.r3.ID), `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) {
		t.Fatalf("no reply link under r3")
	}
	_, page = ben.get("/p/" + x.r3.ID + "?reply=1")
	if !within(t, page, "reply-body-"+x.r3.ID, "p-"+x.r3.ID) || !strings.Contains(page, `action="/p/`+x.r3.ID+`/reply"`) {
		t.Fatal("?reply=1 does not open r3's reply form under it")
	}
	resp, _ := ben.post("/p/"+x.r3.ID+"/reply", url.Values{"csrf": {ben.formSecret(page)}, "body": {"Squash *please*."}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/p/"+x.thread.ID+"#p-") {
		t.Fatalf("reply = %d to %q", resp.StatusCode, loc)
	}
	page = x.page(t, ben)
	newID := strings.TrimPrefix(loc, "/p/"+x.thread.ID+"#p-")
	if !within(t, page, "p-"+newID, "replies-"+x.r3.ID) || !strings.Contains(postHTML(t, page, newID), "<em>please</em>") {
		t.Error("the new reply is not under r3")
	}
}

func TestDeepRepliesStopIndentingButStayNested(t *testing.T) {
	x := newThreadFixture(t)
	parent := x.r2
	for i := 0; i < 6; i++ {
		parent = mustReply(t, x.svc, x.ben, parent.ID, "deeper")
	}
	page := x.page(t, newBrowser(t, x.h))
	if !within(t, page, "p-"+parent.ID, "replies-"+x.r1.ID) {
		t.Error("a deep reply left its ancestors' lists")
	}
	indented := strings.Count(page, `class="replies indented"`)
	if lists := strings.Count(page, `class="replies`); indented != 4 || lists != 8 {
		t.Errorf("%d of %d reply lists indented, want 4 of 8", indented, lists)
	}
}

func TestLikeThenUnlikeFromTheThreadPage(t *testing.T) {
	x := newThreadFixture(t)
	ben := x.signIn(t, "ben")
	page := x.page(t, ben)
	secret := ben.formSecret(page)
	if r1 := postHTML(t, page, x.r1.ID); !strings.Contains(r1, `action="/p/`+x.r1.ID+`/like"`) || strings.Contains(r1, "1 like") {
		t.Fatalf("before liking: %s", r1)
	}
	resp, _ := ben.post("/p/"+x.r1.ID+"/like", url.Values{"csrf": {secret}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/p/"+x.thread.ID+"#p-"+x.r1.ID {
		t.Fatalf("like = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	r1 := postHTML(t, x.page(t, ben), x.r1.ID)
	if !strings.Contains(r1, "1 like<") || !strings.Contains(r1, `action="/p/`+x.r1.ID+`/unlike"`) || strings.Contains(r1, `/like"`) {
		t.Errorf("after liking: %s", r1)
	}
	if r1 := postHTML(t, x.page(t, x.signIn(t, "cara")), x.r1.ID); !strings.Contains(r1, "1 like<") || !strings.Contains(r1, `/like"`) {
		t.Errorf("cara sees ben's like as hers, or not at all: %s", r1)
	}
	if resp, _ := ben.post("/p/"+x.r1.ID+"/unlike", url.Values{"csrf": {secret}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlike = %d", resp.StatusCode)
	}
	r1 = postHTML(t, x.page(t, ben), x.r1.ID)
	if strings.Contains(r1, "1 like") || !strings.Contains(r1, `action="/p/`+x.r1.ID+`/like"`) {
		t.Errorf("after unliking: %s", r1)
	}
}

func TestAStrangerMayNeitherEditNorDelete(t *testing.T) {
	x := newThreadFixture(t)
	cara := x.signIn(t, "cara")
	page := x.page(t, cara)
	secret := cara.formSecret(page)
	thread := postHTML(t, page, x.thread.ID)
	if strings.Contains(thread, "/edit") || strings.Contains(thread, "/delete") {
		t.Errorf("cara is offered to edit or delete ben's thread: %s", thread)
	}
	if own := postHTML(t, page, x.r1.ID); !strings.Contains(own, `href="/p/`+x.r1.ID+`/edit"`) || !strings.Contains(own, `href="/p/`+x.r1.ID+`/delete"`) {
		t.Errorf("cara is not offered to edit and delete her own reply: %s", own)
	}
	base := "/p/" + x.thread.ID
	for _, path := range []string{base + "/edit", base + "/delete"} {
		if resp, _ := cara.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s by a stranger = %d, want 403", path, resp.StatusCode)
		}
	}
	if resp, _ := cara.post(base+"/edit", url.Values{"csrf": {secret}, "title": {"Mine"}, "body": {"mine now"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST edit by a stranger = %d, want 403", resp.StatusCode)
	}
	if resp, _ := cara.post(base+"/delete", url.Values{"csrf": {secret}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST delete by a stranger = %d, want 403", resp.StatusCode)
	}
	if page := x.page(t, cara); !strings.Contains(page, "<em>seeds</em>") || strings.Contains(page, "mine now") {
		t.Error("the stranger changed the thread")
	}
}

func TestTheAuthorEditsAndDeletes(t *testing.T) {
	x := newThreadFixture(t)
	ben := x.signIn(t, "ben")
	base := "/p/" + x.thread.ID
	resp, page := ben.get(base + "/edit")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="Seed swap"`) || !strings.Contains(page, ">Bring *seeds*.</textarea>") {
		t.Fatalf("edit form = %d without the title and markdown", resp.StatusCode)
	}
	secret := ben.formSecret(page)
	resp, page = ben.post(base+"/edit", url.Values{"csrf": {secret}, "title": {"Seed swap"}, "body": {"  "}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `role="alert"`) {
		t.Errorf("an empty edit = %d, want 422 with the form again", resp.StatusCode)
	}
	resp, _ = ben.post(base+"/edit", url.Values{"csrf": {secret}, "title": {"Seed and plant swap"}, "body": {"Bring **plants** too."}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"#p-"+x.thread.ID {
		t.Fatalf("edit = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	page = x.page(t, ben)
	if !strings.Contains(page, "<h1>Seed and plant swap</h1>") || !strings.Contains(postHTML(t, page, x.thread.ID), "<strong>plants</strong>") ||
		!strings.Contains(postHTML(t, page, x.thread.ID), "edited") {
		t.Error("the edit is not shown")
	}

	// ben deletes his reply r2, after confirming.
	resp, page = ben.get("/p/" + x.r2.ID + "/delete")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Delete this post?") || !strings.Contains(page, `action="/p/`+x.r2.ID+`/delete"`) {
		t.Fatalf("delete confirmation = %d", resp.StatusCode)
	}
	resp, _ = ben.post("/p/"+x.r2.ID+"/delete", url.Values{"csrf": {secret}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"#p-"+x.r2.ID {
		t.Fatalf("delete reply = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	page = x.page(t, ben)
	if r2 := postHTML(t, page, x.r2.ID); !strings.Contains(r2, "This post was deleted.") || strings.Contains(r2, "Which beans") ||
		strings.Contains(r2, "/edit") || !within(t, page, "p-"+x.r2.ID, "replies-"+x.r1.ID) {
		t.Errorf("deleted reply: %s", r2)
	}

	// Deleting the thread's first post leads to the community.
	resp, _ = ben.post(base+"/delete", url.Values{"csrf": {secret}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/c/surrey" {
		t.Fatalf("delete thread = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	page = x.page(t, ben)
	if !strings.Contains(postHTML(t, page, x.thread.ID), "This post was deleted.") || !within(t, page, "p-"+x.r3.ID, "replies-"+x.thread.ID) {
		t.Error("the deleted thread does not keep its replies under a placeholder")
	}
	if strings.Contains(page, `action="`+base+`/reply"`) {
		t.Error("a deleted thread still offers its reply form")
	}
}

func TestAModeratorDeletesSomeoneElsesReply(t *testing.T) {
	x := newThreadFixture(t)
	mo := x.signIn(t, "mo")
	page := x.page(t, mo)
	r1 := postHTML(t, page, x.r1.ID)
	if !strings.Contains(r1, `href="/p/`+x.r1.ID+`/delete"`) || strings.Contains(r1, "/edit") {
		t.Errorf("the moderator should be offered delete but not edit on cara's reply: %s", r1)
	}
	resp, _ := mo.post("/p/"+x.r1.ID+"/delete", url.Values{"csrf": {mo.formSecret(page)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("moderator's delete = %d", resp.StatusCode)
	}
	page = x.page(t, newBrowser(t, x.h))
	r1 = postHTML(t, page, x.r1.ID)
	if !strings.Contains(r1, "This post was deleted.") || strings.Contains(r1, "beans") || strings.Contains(r1, "cara") {
		t.Errorf("removed reply: %s", r1)
	}
	if !within(t, page, "p-"+x.r2.ID, "replies-"+x.r1.ID) || !strings.Contains(page, "Which beans?") {
		t.Error("the answer to the removed reply left its place")
	}
}

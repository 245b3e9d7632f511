package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

func TestPostsAreDereferenceable(t *testing.T) {
	h, svc := newServerWith(t, nil, false)
	ctx := convene.WithOperator(context.Background())
	mia, err := svc.CreateAccount(ctx, service.AccountCreate{Username: "mia", Email: "m@example.org", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateCommunity(ctx, service.CommunityCreate{Slug: "surrey", Name: "Surrey", Owner: "mia"}); err != nil {
		t.Fatal(err)
	}
	asMia := convene.WithPrincipal(context.Background(), convene.Principal{Account: mia})
	public, err := svc.CreateThread(asMia, service.ThreadCreate{Community: "surrey", Title: "Open <thread>", Body: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := svc.Reply(asMia, public.ID, "A reply")
	secret, _ := svc.CreateThread(asMia, service.ThreadCreate{Community: "surrey", Title: "Inside", Body: "Psst",
		Visibility: convene.VisibilityCommunity})

	note := decodeJSON(t, getWith(h, "/p/"+public.ID, "application/activity+json"))
	if note["type"] != "Note" || note["name"] != "Open <thread>" || note["id"] != public.IRI {
		t.Errorf("note = %v", note)
	}
	ctxColl := decodeJSON(t, getWith(h, "/p/"+public.ID+"/context", "application/activity+json"))
	if items, _ := ctxColl["orderedItems"].([]any); len(items) != 2 || items[1] != reply.IRI {
		t.Errorf("context = %v", ctxColl)
	}
	replies := decodeJSON(t, getWith(h, "/p/"+public.ID+"/replies", "application/activity+json"))
	if items, _ := replies["orderedItems"].([]any); len(items) != 1 {
		t.Errorf("replies = %v", replies)
	}
	page := getWith(h, "/p/"+public.ID, "text/html")
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Open &lt;thread&gt;") || !strings.Contains(page.Body.String(), "A reply") {
		t.Errorf("thread page = %d:\n%s", page.Code, page.Body)
	}
	for _, path := range []string{"/p/" + secret.ID, "/p/" + secret.ID + "/context"} {
		for _, accept := range []string{"application/activity+json", "text/html"} {
			if rec := getWith(h, path, accept); rec.Code != http.StatusNotFound {
				t.Errorf("unsigned %s of community-only %s = %d, want 404", accept, path, rec.Code)
			}
		}
	}
	req := getWith(h, "/p/"+public.ID, "application/activity+json")
	if req.Code != http.StatusOK {
		t.Fatal(req.Code)
	}
	if rec := getWithHeader(h, "/p/"+secret.ID, map[string]string{"Accept": "application/activity+json",
		"Signature": `keyId="https://x.example/u#k",headers="date",signature="AAAA"`}); rec.Code != http.StatusUnauthorized {
		t.Errorf("a bad signature = %d, want 401", rec.Code)
	}
	if rec := getWithHeader(h, "/a/"+convene.NewID(), map[string]string{"Accept": "application/activity+json",
		"Signature": `keyId="https://x.example/u#k",headers="date",signature="AAAA"`}); rec.Code != http.StatusUnauthorized {
		t.Errorf("an activity fetched with a bad signature = %d, want 401", rec.Code)
	}
	if rec := getWith(h, "/a/"+convene.NewID(), "application/activity+json"); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown activity = %d, want 404", rec.Code)
	}
}

func TestFeedsListPublicThreadsOnly(t *testing.T) {
	h, svc := newServerWith(t, nil, false)
	ctx := convene.WithOperator(context.Background())
	mia, _ := svc.CreateAccount(ctx, service.AccountCreate{Username: "mia", Email: "m@example.org", Password: "correct horse battery"})
	svc.CreateCommunity(ctx, service.CommunityCreate{Slug: "surrey", Name: "Surrey", Owner: "mia"})
	asMia := convene.WithPrincipal(context.Background(), convene.Principal{Account: mia})
	svc.CreateThread(asMia, service.ThreadCreate{Community: "surrey", Title: "Open & shut", Body: "Hello <b>world</b>"})
	svc.CreateThread(asMia, service.ThreadCreate{Community: "surrey", Title: "Members only", Body: "x",
		Visibility: convene.VisibilityCommunity})
	for path, want := range map[string]string{"/c/surrey/feed.rss": "<rss version=\"2.0\"", "/c/surrey/feed.atom": "<feed xmlns=\"http://www.w3.org/2005/Atom\""} {
		rec := get(h, path)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, want) || !strings.Contains(body, "Open &amp; shut") {
			t.Errorf("%s = %d:\n%s", path, rec.Code, body)
		}
		if strings.Contains(body, "Members only") {
			t.Errorf("%s lists a community-only thread", path)
		}
	}
}

func TestTagPage(t *testing.T) {
	h, svc := newServerWith(t, nil, false)
	ctx := convene.WithOperator(context.Background())
	mia, _ := svc.CreateAccount(ctx, service.AccountCreate{Username: "mia", Email: "m@example.org", Password: "correct horse battery"})
	svc.CreateCommunity(ctx, service.CommunityCreate{Slug: "surrey", Name: "Surrey", Owner: "mia"})
	asMia := convene.WithPrincipal(context.Background(), convene.Principal{Account: mia})
	if _, err := svc.CreateThread(asMia, service.ThreadCreate{Community: "surrey", Title: "T", Body: "Walks in #Surrey"}); err != nil {
		t.Fatal(err)
	}
	rec := get(h, "/tags/surrey")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Walks in") || !strings.Contains(rec.Body.String(), "<h1>#surrey</h1>") {
		t.Errorf("tag page = %d:\n%s", rec.Code, rec.Body)
	}
	if rec := get(h, "/tags/nothing"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "No public posts") {
		t.Errorf("empty tag page = %d", rec.Code)
	}
}

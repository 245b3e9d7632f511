package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/handlers"
	"github.com/convene-social/convene/service"
)

// newPopulatedServer has alice (admin) and an approval-only community surrey she owns.
func newPopulatedServer(t *testing.T) *handlers.Server {
	t.Helper()
	h, svc := newServer(t, nil)
	populateService(t, svc)
	return h
}

func populateService(t *testing.T, svc *service.Service) {
	t.Helper()
	ctx := convene.WithOperator(context.Background())
	if _, err := svc.CreateAccount(ctx, service.AccountCreate{Username: "alice", Email: "a@example.org",
		Password: "correct horse battery", Role: convene.RoleAdmin, DisplayName: "Alice A."}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateCommunity(ctx, service.CommunityCreate{Slug: "surrey", Name: "Surrey conveners",
		Summary: "We *meet*.", Region: "Surrey", FollowPolicy: convene.FollowApproval}); err != nil {
		t.Fatal(err)
	}
}

func getWith(h http.Handler, path, accept string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept", accept)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func getWithHeader(h http.Handler, path string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decodeJSON(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("not JSON (%d): %v\n%s", rec.Code, err, rec.Body)
	}
	return m
}

const ldProfile = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

func TestGroupActorDocument(t *testing.T) {
	h := newPopulatedServer(t)
	for _, accept := range []string{"application/activity+json", ldProfile} {
		rec := getWith(h, "/c/surrey", accept)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/activity+json") {
			t.Fatalf("Accept %s: %d %s", accept, rec.Code, rec.Header().Get("Content-Type"))
		}
		g := decodeJSON(t, rec)
		want := map[string]any{
			"id": "https://convene.test/c/surrey", "type": "Group", "preferredUsername": "surrey",
			"name": "Surrey conveners", "inbox": "https://convene.test/c/surrey/inbox",
			"outbox": "https://convene.test/c/surrey/outbox", "followers": "https://convene.test/c/surrey/followers",
			"following": "https://convene.test/c/surrey/following", "featured": "https://convene.test/c/surrey/featured",
			"attributedTo": "https://convene.test/c/surrey/moderators", "manuallyApprovesFollowers": true,
			"url": "https://convene.test/c/surrey", "summary": "<p>We <em>meet</em>.</p>\n",
			"discoverable": true, "indexable": true,
		}
		for k, v := range want {
			if g[k] != v {
				t.Errorf("%s = %#v, want %#v", k, g[k], v)
			}
		}
		if ep, _ := g["endpoints"].(map[string]any); ep["sharedInbox"] != "https://convene.test/inbox" {
			t.Errorf("endpoints = %v", g["endpoints"])
		}
		key, _ := g["publicKey"].(map[string]any)
		if key["id"] != "https://convene.test/c/surrey#main-key" || key["owner"] != "https://convene.test/c/surrey" ||
			!strings.HasPrefix(key["publicKeyPem"].(string), "-----BEGIN PUBLIC KEY-----") {
			t.Errorf("publicKey = %v", key)
		}
		if ctx, _ := g["@context"].([]any); len(ctx) < 2 || ctx[0] != "https://www.w3.org/ns/activitystreams" {
			t.Errorf("@context = %v", g["@context"])
		}
	}
}

func TestPersonActorDocument(t *testing.T) {
	h := newPopulatedServer(t)
	p := decodeJSON(t, getWith(h, "/u/alice", "application/activity+json"))
	if p["type"] != "Person" || p["preferredUsername"] != "alice" || p["name"] != "Alice A." ||
		p["manuallyApprovesFollowers"] != false || p["inbox"] != "https://convene.test/u/alice/inbox" ||
		p["discoverable"] != false || p["indexable"] != false {
		t.Errorf("person = %v (discoverable only once she chooses it)", p)
	}
	if _, leaked := p["email"]; leaked || strings.Contains(getWith(h, "/u/alice", "application/activity+json").Body.String(), "PRIVATE") {
		t.Error("the actor document leaks private data")
	}
}

func TestInstanceActorDocument(t *testing.T) {
	h := newPopulatedServer(t)
	a := decodeJSON(t, getWith(h, "/actor", "application/activity+json"))
	if a["type"] != "Application" || a["id"] != "https://convene.test/actor" || a["preferredUsername"] != "convene.test" {
		t.Errorf("instance actor = %v", a)
	}
	again := decodeJSON(t, getWith(h, "/actor", "application/activity+json"))
	if a["publicKey"].(map[string]any)["publicKeyPem"] != again["publicKey"].(map[string]any)["publicKeyPem"] {
		t.Error("the instance actor's key changed between fetches")
	}
}

func TestActorURLsServePagesToBrowsers(t *testing.T) {
	h := newPopulatedServer(t)
	rec := getWith(h, "/c/surrey", "text/html,application/xhtml+xml,*/*;q=0.8")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `<link rel="alternate" type="application/activity+json" href="https://convene.test/c/surrey">`) ||
		!strings.Contains(body, "@surrey@convene.test") || !strings.Contains(body, "Alice A.") {
		t.Errorf("community page = %d:\n%s", rec.Code, body)
	}
	if rec := getWith(h, "/u/alice", "text/html"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "@alice@convene.test") {
		t.Errorf("profile page = %d", rec.Code)
	}
	for _, path := range []string{"/c/nobody", "/u/nobody", "/c/alice", "/u/surrey"} {
		if rec := getWith(h, path, "application/activity+json"); rec.Code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, rec.Code)
		}
	}
}

func TestWebFinger(t *testing.T) {
	h := newPopulatedServer(t)
	tests := []struct {
		resource, subject, self string
	}{
		{"acct:surrey@convene.test", "acct:surrey@convene.test", "https://convene.test/c/surrey"},
		{"acct:ALICE@Convene.Test", "acct:alice@convene.test", "https://convene.test/u/alice"},
		{"alice@convene.test", "acct:alice@convene.test", "https://convene.test/u/alice"},
		{"https://convene.test/c/surrey", "acct:surrey@convene.test", "https://convene.test/c/surrey"},
		{"acct:convene.test@convene.test", "acct:convene.test@convene.test", "https://convene.test/actor"},
		{"acct:relay@convene.test", "acct:convene.test@convene.test", "https://convene.test/actor"},
		{"https://convene.test/actor", "acct:convene.test@convene.test", "https://convene.test/actor"},
	}
	for _, tt := range tests {
		rec := get(h, "/.well-known/webfinger?resource="+tt.resource)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/jrd+json") {
			t.Errorf("%s: %d %s", tt.resource, rec.Code, rec.Header().Get("Content-Type"))
			continue
		}
		var jrd struct {
			Subject string
			Aliases []string
			Links   []struct{ Rel, Type, Href, Template string }
		}
		json.Unmarshal(rec.Body.Bytes(), &jrd)
		rels := map[string]string{}
		for _, l := range jrd.Links {
			rels[l.Rel] = l.Href + l.Template
		}
		if jrd.Subject != tt.subject || rels["self"] != tt.self || len(jrd.Aliases) == 0 ||
			rels["http://webfinger.net/rel/profile-page"] == "" || !strings.Contains(rels["http://ostatus.org/schema/1.0/subscribe"], "{uri}") {
			t.Errorf("%s: %+v", tt.resource, jrd)
		}
	}
	for _, resource := range []string{"acct:nobody@convene.test", "acct:alice@elsewhere.example", "", "acct:@convene.test",
		"https://elsewhere.example/c/surrey", "acct:a/b@convene.test"} {
		if rec := get(h, "/.well-known/webfinger?resource="+resource); rec.Code != http.StatusNotFound {
			t.Errorf("%q: %d, want 404", resource, rec.Code)
		}
	}
}

func TestHostMeta(t *testing.T) {
	h := newPopulatedServer(t)
	rec := get(h, "/.well-known/host-meta")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `template="https://convene.test/.well-known/webfinger?resource={uri}"`) {
		t.Errorf("host-meta = %d:\n%s", rec.Code, rec.Body)
	}
}

func TestNodeInfo(t *testing.T) {
	h := newPopulatedServer(t)
	links := decodeJSON(t, get(h, "/.well-known/nodeinfo"))["links"].([]any)
	hrefs := map[string]string{}
	for _, l := range links {
		m := l.(map[string]any)
		hrefs[m["rel"].(string)] = m["href"].(string)
	}
	if hrefs["http://nodeinfo.diaspora.software/ns/schema/2.0"] != "https://convene.test/nodeinfo/2.0" ||
		hrefs["http://nodeinfo.diaspora.software/ns/schema/2.1"] != "https://convene.test/nodeinfo/2.1" ||
		hrefs["https://www.w3.org/ns/activitystreams#Application"] != "https://convene.test/actor" {
		t.Errorf("nodeinfo links = %v", hrefs)
	}
	for _, v := range []string{"2.0", "2.1"} {
		doc := decodeJSON(t, get(h, "/nodeinfo/"+v))
		software := doc["software"].(map[string]any)
		users := doc["usage"].(map[string]any)["users"].(map[string]any)
		if doc["version"] != v || software["name"] != "convene" || software["version"] != "1.2.3" || users["total"] != 1.0 ||
			doc["openRegistrations"] != true {
			t.Errorf("nodeinfo %s = %v", v, doc)
		}
	}
	if rec := get(h, "/nodeinfo/3.0"); rec.Code != http.StatusNotFound {
		t.Errorf("/nodeinfo/3.0 = %d", rec.Code)
	}
}

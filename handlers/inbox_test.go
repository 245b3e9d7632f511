package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func post(h http.Handler, path, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/activity+json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const follow = `{"id":"https://peer.example/f/1","type":"Follow","actor":"https://peer.example/u/x","object":"https://convene.test/c/surrey"}`

func TestInboxRoutesRefuseUnsignedPosts(t *testing.T) {
	h := newPopulatedServer(t)
	for _, path := range []string{"/inbox", "/c/surrey/inbox", "/u/alice/inbox", "/actor/inbox"} {
		if rec := post(h, path, follow, nil); rec.Code != http.StatusUnauthorized {
			t.Errorf("unsigned POST %s = %d, want 401", path, rec.Code)
		}
	}
	if rec := post(h, "/c/nobody/inbox", follow, nil); rec.Code != http.StatusNotFound {
		t.Errorf("POST to a missing actor's inbox = %d, want 404", rec.Code)
	}
	big := `{"pad":"` + strings.Repeat("x", 1<<20) + `"}`
	if rec := post(h, "/inbox", big, nil); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize POST = %d, want 413", rec.Code)
	}
	if rec := get(h, "/inbox"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /inbox = %d, want 405", rec.Code)
	}
}

func TestAuthorizedFetchRefusesUnsignedGets(t *testing.T) {
	h, svc := newServerWith(t, nil, true)
	populateService(t, svc)
	for _, path := range []string{"/c/surrey", "/u/alice", "/c/surrey/followers", "/c/surrey/moderators"} {
		if rec := getWith(h, path, "application/activity+json"); rec.Code != http.StatusUnauthorized {
			t.Errorf("unsigned GET %s = %d, want 401", path, rec.Code)
		}
	}
	if rec := getWith(h, "/actor", "application/activity+json"); rec.Code != http.StatusOK {
		t.Errorf("the instance actor must stay fetchable: %d", rec.Code)
	}
	if rec := getWith(h, "/c/surrey", "text/html"); rec.Code != http.StatusOK {
		t.Errorf("the HTML page needs no signature: %d", rec.Code)
	}
}

func TestCollections(t *testing.T) {
	h := newPopulatedServer(t)
	followers := decodeJSON(t, getWith(h, "/c/surrey/followers", "application/activity+json"))
	if followers["type"] != "OrderedCollection" || followers["totalItems"] != 0.0 ||
		followers["first"] != "https://convene.test/c/surrey/followers?page=true" {
		t.Errorf("followers = %v", followers)
	}
	page := decodeJSON(t, getWith(h, "/c/surrey/followers?page=true", "application/activity+json"))
	if page["type"] != "OrderedCollectionPage" || page["partOf"] != "https://convene.test/c/surrey/followers" {
		t.Errorf("followers page = %v", page)
	}
	if items, ok := page["orderedItems"].([]any); !ok || len(items) != 0 {
		t.Errorf("an empty page must still carry orderedItems: []: %v", page)
	}
	mods := decodeJSON(t, getWith(h, "/c/surrey/moderators", "application/activity+json"))
	if items, _ := mods["orderedItems"].([]any); len(items) != 1 || items[0] != "https://convene.test/u/alice" {
		t.Errorf("moderators = %v", mods)
	}
	for _, path := range []string{"/u/alice/outbox", "/u/alice/following", "/c/surrey/featured", "/actor/followers"} {
		if rec := getWith(h, path, "application/activity+json"); rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d", path, rec.Code)
		}
	}
	if rec := getWith(h, "/u/alice/moderators", "application/activity+json"); rec.Code != http.StatusNotFound {
		t.Errorf("people have no moderators: %d", rec.Code)
	}
}

package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// apiJSON sends an API request (JSON body when it starts with "{" or "[", else a form) and
// decodes any JSON answer.
func (b *browser) apiJSON(method, path, body, token string, header ...string) (*http.Response, any) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	if strings.HasPrefix(body, "{") {
		req.Header.Set("Content-Type", "application/json")
	} else if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		b.t.Fatalf("%s %s = %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp, v
}

// tokenFor gets an access token for a user with the password grant.
func (b *browser) tokenFor(app testApp, user, scope string) string {
	b.t.Helper()
	resp, tok := b.apiCall(http.MethodPost, "/oauth/token", url.Values{"grant_type": {"password"}, "username": {user},
		"password": {"correct horse battery"}, "client_id": {app.clientID}, "client_secret": {app.secret}, "scope": {scope}}.Encode(), "")
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("token for %s = %d %v", user, resp.StatusCode, tok)
	}
	return tok["access_token"].(string)
}

// apiWorld is an instance where alice owns the community surrey and bob is a member of
// nothing yet, with a registered app in a browser and a full token for each.
type apiWorld struct {
	b          *browser
	svc        *service.Service
	app        testApp
	alice, bob string
}

func newAPIWorld(t *testing.T) apiWorld {
	t.Helper()
	h, svc := newServer(t, nil)
	mustCreateAccountH(t, svc, "alice")
	mustCreateAccountH(t, svc, "bob")
	if _, err := svc.CreateCommunity(convene.WithOperator(context.Background()),
		service.CommunityCreate{Slug: "surrey", Name: "Surrey conveners", Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, h)
	app := b.registerApp(convene.OOBRedirectURI)
	return apiWorld{b: b, svc: svc, app: app, alice: b.tokenFor(app, "alice", "read write follow"),
		bob: b.tokenFor(app, "bob", "read write follow")}
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func arr(v any) []any          { a, _ := v.([]any); return a }

func TestClientAPIReadsAndPostsInCommunities(t *testing.T) {
	w := newAPIWorld(t)
	b, app, alice, bob := w.b, w.app, w.alice, w.bob
	bobReads := b.tokenFor(app, "bob", "read")

	// Who am I.
	if resp, v := b.apiJSON("GET", "/api/v1/accounts/verify_credentials", "", alice); resp.StatusCode != 200 ||
		obj(v)["username"] != "alice" || obj(obj(v)["source"]) == nil {
		t.Fatalf("verify_credentials = %d %v", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("GET", "/api/v1/accounts/verify_credentials", "", ""); resp.StatusCode != 401 {
		t.Errorf("verify_credentials without a token = %d", resp.StatusCode)
	}

	// bob joins surrey from his app: the community is a group account.
	_, v := b.apiJSON("GET", "/api/v1/accounts/lookup?acct=surrey", "", "")
	surrey := obj(v)
	if surrey["group"] != true || surrey["acct"] != "surrey" {
		t.Fatalf("lookup surrey = %v", v)
	}
	if resp, v := b.apiJSON("POST", "/api/v1/accounts/"+surrey["id"].(string)+"/follow", "", bob); resp.StatusCode != 200 || obj(v)["following"] != true {
		t.Fatalf("bob joining surrey = %d %v", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("POST", "/api/v1/accounts/"+surrey["id"].(string)+"/follow", "", bobReads); resp.StatusCode != 403 {
		t.Errorf("following with a read-only token = %d, want 403", resp.StatusCode)
	}

	// alice starts a thread by mentioning the community; a retry with the same key is the same status.
	post := func(token, body, key string) (*http.Response, map[string]any) {
		resp, v := b.apiJSON("POST", "/api/v1/statuses", body, token, "Idempotency-Key", key)
		return resp, obj(v)
	}
	resp, st := post(alice, `{"status":"@surrey Seed swap on Saturday? #seeds","visibility":"public"}`, "k1")
	if resp.StatusCode != 200 || !strings.Contains(st["content"].(string), "Seed swap on Saturday?") || st["visibility"] != "public" {
		t.Fatalf("post status = %d %v", resp.StatusCode, st)
	}
	thread := st["id"].(string)
	if _, again := post(alice, `{"status":"@surrey Seed swap on Saturday? #seeds"}`, "k1"); again["id"] != thread {
		t.Errorf("a retry with the same Idempotency-Key made %v, want %s", again["id"], thread)
	}
	if resp, m := post(alice, "status=no+community+here", "k2"); resp.StatusCode != 422 || m["error"] == "" {
		t.Errorf("a status mentioning no community = %d %v", resp.StatusCode, m)
	}
	if resp, m := post(alice, `{"status":"@surrey later","scheduled_at":"2030-01-01T00:00:00Z"}`, "k4"); resp.StatusCode != 422 || m["error"] == "" {
		t.Errorf("a scheduled status = %d %v; Convene cannot schedule, so it must not post now", resp.StatusCode, m)
	}
	if resp, _ := post(bobReads, `{"status":"@surrey hi"}`, "k3"); resp.StatusCode != 403 {
		t.Errorf("posting with a read-only token = %d", resp.StatusCode)
	}
	// bob answers from his app (a form, as Tusky sends it); alice hears of it.
	resp, r1 := post(bob, url.Values{"status": {"I will bring beans"}, "in_reply_to_id": {thread}}.Encode(), "")
	if resp.StatusCode != 200 || r1["in_reply_to_id"] != thread || r1["in_reply_to_account_id"] != obj(st["account"])["id"] {
		t.Fatalf("reply = %d %v; want it to answer alice's thread", resp.StatusCode, r1)
	}
	if _, v := b.apiJSON("GET", "/nodeinfo/2.1", "", ""); obj(obj(v)["usage"])["localPosts"] != 2.0 {
		t.Errorf("NodeInfo usage = %v; want 2 local posts", obj(v)["usage"])
	}
	if _, v := b.apiJSON("GET", "/api/v1/instance", "", ""); obj(obj(v)["stats"])["status_count"] != 2.0 {
		t.Errorf("instance stats = %v; want 2 statuses", obj(v)["stats"])
	}
	if _, v := b.apiJSON("GET", "/api/v1/statuses/"+thread+"/context", "", ""); len(arr(obj(v)["descendants"])) != 1 ||
		len(arr(obj(v)["ancestors"])) != 0 {
		t.Errorf("context = %v", v)
	}
	resp, v = b.apiJSON("GET", "/api/v1/notifications?types[]=mention", "", alice)
	if notes := arr(v); resp.StatusCode != 200 || len(notes) != 1 || obj(notes[0])["type"] != "mention" ||
		obj(obj(notes[0])["status"])["id"] != r1["id"] {
		t.Errorf("alice's mentions = %d %v", resp.StatusCode, v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/notifications?types[]=follow", "", alice); len(arr(v)) != 0 {
		t.Errorf("filtered to follows: %v", v)
	}

	// Favourites.
	if _, v := b.apiJSON("POST", "/api/v1/statuses/"+thread+"/favourite", "", bob); obj(v)["favourited"] != true || obj(v)["favourites_count"] != 1.0 {
		t.Errorf("favourite = %v", v)
	}
	if _, v := b.apiJSON("POST", "/api/v1/statuses/"+thread+"/unfavourite", "", bob); obj(v)["favourited"] != false || obj(v)["favourites_count"] != 0.0 {
		t.Errorf("unfavourite = %v", v)
	}

	// Editing from an app: the source comes back as written, the edit shows.
	if _, v := b.apiJSON("GET", "/api/v1/statuses/"+thread+"/source", "", alice); !strings.Contains(obj(v)["text"].(string), "Seed swap on Saturday?") {
		t.Errorf("source = %v", v)
	}
	if resp, v := b.apiJSON("PUT", "/api/v1/statuses/"+thread, `{"status":"@surrey Seed swap on *Sunday* #seeds"}`, alice); resp.StatusCode != 200 ||
		!strings.Contains(obj(v)["content"].(string), "<em>Sunday</em>") || obj(v)["edited_at"] == nil {
		t.Errorf("edit = %d %v", resp.StatusCode, v)
	}
	if resp, v := b.apiJSON("GET", "/api/v1/statuses/"+thread+"/history", "", bob); resp.StatusCode != 200 || len(arr(v)) != 2 ||
		strings.Contains(obj(arr(v)[0])["content"].(string), "Sunday") || !strings.Contains(obj(arr(v)[1])["content"].(string), "<em>Sunday</em>") ||
		obj(obj(arr(v)[0])["account"])["username"] != "alice" {
		t.Errorf("history = %d %v; want the first version, then the edit", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("PUT", "/api/v1/statuses/"+thread, `{"status":"mine now"}`, bob); resp.StatusCode != 403 {
		t.Errorf("bob editing alice's thread = %d", resp.StatusCode)
	}

	// Boosts: the answer is the boost, whose reblog is the thread.
	if _, v := b.apiJSON("POST", "/api/v1/statuses/"+thread+"/reblog", "", bob); obj(obj(v)["reblog"])["id"] != thread ||
		obj(obj(v)["reblog"])["reblogged"] != true || obj(obj(v)["reblog"])["reblogs_count"] != 1.0 || obj(obj(v)["account"])["username"] != "bob" {
		t.Errorf("reblog = %v", v)
	}
	if _, v := b.apiJSON("POST", "/api/v1/statuses/"+thread+"/unreblog", "", bob); obj(v)["reblogged"] != false || obj(v)["reblogs_count"] != 0.0 {
		t.Errorf("unreblog = %v", v)
	}

	// Timelines: bob's home has the thread and the reply (he joined surrey); pages link on.
	resp, v = b.apiJSON("GET", "/api/v1/timelines/home?limit=1", "", bob)
	if home := arr(v); resp.StatusCode != 200 || len(home) != 1 || obj(home[0])["id"] != r1["id"] ||
		!strings.Contains(resp.Header.Get("Link"), `rel="next"`) {
		t.Fatalf("bob's home = %d %v Link %q", resp.StatusCode, v, resp.Header.Get("Link"))
	}
	if _, v := b.apiJSON("GET", "/api/v1/timelines/home?max_id="+r1["id"].(string), "", bob); len(arr(v)) != 1 || obj(arr(v)[0])["id"] != thread {
		t.Errorf("the next page = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/timelines/public?local=true", "", ""); len(arr(v)) != 2 {
		t.Errorf("public local timeline = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/timelines/public?remote=true", "", ""); len(arr(v)) != 0 {
		t.Errorf("remote-only public timeline = %v; nothing came from elsewhere", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/timelines/public?only_media=true", "", ""); len(arr(v)) != 0 {
		t.Errorf("only_media = %v; no status has media", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/accounts/"+obj(r1["account"])["id"].(string)+"/statuses?exclude_replies=true", "", ""); len(arr(v)) != 0 {
		t.Errorf("bob's statuses without replies = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/timelines/tag/seeds", "", ""); len(arr(v)) != 1 {
		t.Errorf("#seeds = %v", v)
	}
	if resp, _ := b.apiJSON("GET", "/api/v1/timelines/home?max_id=9", "", bob); resp.StatusCode != 422 {
		t.Errorf("a max_id that is no id = %d", resp.StatusCode)
	}

	// Relationships, markers, preferences, filters.
	_, me := b.apiJSON("GET", "/api/v1/accounts/verify_credentials", "", alice)
	if _, v := b.apiJSON("POST", "/api/v1/accounts/"+obj(me)["id"].(string)+"/follow", "", bob); obj(v)["following"] != true {
		t.Errorf("bob following alice = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/accounts/relationships?id[]="+obj(me)["id"].(string), "", bob); len(arr(v)) != 1 ||
		obj(arr(v)[0])["following"] != true {
		t.Errorf("relationships = %v", v)
	}
	if _, v := b.apiJSON("POST", "/api/v1/markers", `{"home":{"last_read_id":"`+thread+`"}}`, bob); obj(obj(v)["home"])["last_read_id"] != thread {
		t.Errorf("save marker = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/markers?timeline[]=home&timeline[]=notifications", "", bob); obj(obj(v)["home"])["version"] != 1.0 {
		t.Errorf("markers = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/preferences", "", bob); obj(v)["posting:default:visibility"] != "public" {
		t.Errorf("preferences = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v2/filters", "", bob); v == nil || len(arr(v)) != 0 {
		t.Errorf("filters = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v2/instance", "", ""); !strings.HasPrefix(obj(v)["version"].(string), "4.2.0 (compatible; Convene") {
		t.Errorf("instance = %v", v)
	}

	// Deleting: the author or the community's moderators; the answer carries the text for
	// delete-and-redraft.
	if resp, _ := b.apiJSON("DELETE", "/api/v1/statuses/"+thread, "", bob); resp.StatusCode != 403 {
		t.Errorf("bob deleting alice's thread = %d", resp.StatusCode)
	}
	if resp, v := b.apiJSON("DELETE", "/api/v1/statuses/"+r1["id"].(string), "", bob); resp.StatusCode != 200 || obj(v)["text"] != "I will bring beans" {
		t.Errorf("delete = %d %v", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("GET", "/api/v1/timelines/home", "", ""); resp.StatusCode != 401 {
		t.Errorf("home without a token = %d", resp.StatusCode)
	}
	if resp := b.rateHeaders("/api/v1/timelines/public"); resp.Header.Get("X-RateLimit-Limit") != "300" {
		t.Errorf("no rate limit headers: %v", resp.Header)
	}
}

// rateHeaders makes a request and returns its answer.
func (b *browser) rateHeaders(path string) *http.Response {
	b.t.Helper()
	resp, err := b.c.Get(b.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestClientAPIRoutesRequireTokensAndScopes(t *testing.T) {
	h, svc := newServer(t, nil)
	mustCreateAccountH(t, svc, "alice")
	b := newBrowser(t, h)
	app := b.registerApp(convene.OOBRedirectURI)
	reads := b.tokenFor(app, "alice", "read")
	writes := b.tokenFor(app, "alice", "write")
	id := convene.NewID()
	routes := []struct {
		method, path string
		write        bool // needs a write scope; otherwise a read one
	}{
		{"GET", "/api/v1/accounts/verify_credentials", false},
		{"PATCH", "/api/v1/accounts/update_credentials", true},
		{"DELETE", "/api/v1/profile/avatar", true},
		{"DELETE", "/api/v1/profile/header", true},
		{"GET", "/api/v1/accounts/relationships?id[]=" + id, false},
		{"POST", "/api/v1/accounts/" + id + "/follow", true},
		{"POST", "/api/v1/accounts/" + id + "/unfollow", true},
		{"POST", "/api/v1/statuses", true},
		{"DELETE", "/api/v1/statuses/" + id, true},
		{"PUT", "/api/v1/statuses/" + id, true},
		{"GET", "/api/v1/statuses/" + id + "/source", false},
		{"POST", "/api/v1/statuses/" + id + "/favourite", true},
		{"POST", "/api/v1/statuses/" + id + "/unfavourite", true},
		{"POST", "/api/v1/statuses/" + id + "/reblog", true},
		{"POST", "/api/v1/statuses/" + id + "/bookmark", true},
		{"POST", "/api/v1/statuses/" + id + "/unbookmark", true},
		{"GET", "/api/v1/bookmarks", false},
		{"POST", "/api/v1/statuses/" + id + "/unreblog", true},
		{"GET", "/api/v1/timelines/home", false},
		{"GET", "/api/v1/notifications", false},
		{"POST", "/api/v1/notifications/clear", true},
		{"POST", "/api/v1/notifications/" + id + "/dismiss", true},
		{"GET", "/api/v1/markers", false},
		{"POST", "/api/v1/markers", true},
		{"GET", "/api/v1/follow_requests", false},
		{"POST", "/api/v1/follow_requests/" + id + "/authorize", true},
		{"POST", "/api/v1/follow_requests/" + id + "/reject", true},
		{"GET", "/api/v1/preferences", false},
		{"GET", "/api/v1/suggestions", false},
		{"GET", "/api/v1/accounts/" + id + "/lists", false},
		{"GET", "/api/v2/suggestions", false},
		{"GET", "/api/v2/filters", false},
		{"GET", "/api/v1/announcements", false},
		{"GET", "/api/v1/conversations", false},
		{"GET", "/api/v1/scheduled_statuses", false},
		{"GET", "/api/v1/followed_tags", false},
		{"POST", "/api/v1/polls/" + id + "/votes", true},
		// Mastodon asks write:media of every media endpoint, reads included.
		{"POST", "/api/v2/media", true},
		{"POST", "/api/v1/media", true},
		{"GET", "/api/v1/media/" + id, true},
		{"PUT", "/api/v1/media/" + id, true},
	}
	for _, rt := range routes {
		if resp, v := b.apiJSON(rt.method, rt.path, "", ""); resp.StatusCode != 401 || obj(v)["error"] == "" {
			t.Errorf("%s %s without a token = %d %v, want 401 with a JSON error", rt.method, rt.path, resp.StatusCode, v)
		}
		wrong := writes
		if rt.write {
			wrong = reads
		}
		if resp, _ := b.apiJSON(rt.method, rt.path, "", wrong); resp.StatusCode != 403 {
			t.Errorf("%s %s with the other scope = %d, want 403", rt.method, rt.path, resp.StatusCode)
		}
	}
	// Public reads work without a token, and a bad token is refused even there.
	for _, path := range []string{"/api/v1/timelines/public", "/api/v1/directory", "/api/v2/instance", "/api/v1/instance", "/api/v1/custom_emojis",
		"/api/v2/search?q=alice"} {
		if resp, _ := b.apiJSON("GET", path, "", ""); resp.StatusCode != 200 {
			t.Errorf("GET %s anonymously = %d", path, resp.StatusCode)
		}
	}
	// Reads that work anonymously still check the scope of a token that is sent.
	for _, path := range []string{"/api/v1/polls/" + id, "/api/v1/statuses/" + id} {
		if resp, _ := b.apiJSON("GET", path, "", writes); resp.StatusCode != 403 {
			t.Errorf("GET %s with a write-only token = %d, want 403", path, resp.StatusCode)
		}
	}
	if resp, _ := b.apiJSON("GET", "/api/v1/timelines/public", "", "not-a-token"); resp.StatusCode != 401 {
		t.Errorf("a bad token on a public read = %d, want 401", resp.StatusCode)
	}
}

func TestClientAPIProfilesFollowersAndSearch(t *testing.T) {
	w := newAPIWorld(t)
	b, alice, bob := w.b, w.alice, w.bob
	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Hello #seeds"}`, alice)
	thread := obj(v)["id"].(string)
	aliceID := obj(obj(v)["account"])["id"].(string)
	b.apiJSON("POST", "/api/v1/accounts/"+aliceID+"/follow", "", bob)

	if _, v := b.apiJSON("GET", "/api/v1/accounts/"+aliceID+"/statuses", "", ""); len(arr(v)) != 1 || obj(arr(v)[0])["id"] != thread {
		t.Errorf("alice's statuses = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/accounts/"+aliceID+"/followers", "", ""); len(arr(v)) != 1 || obj(arr(v)[0])["username"] != "bob" {
		t.Errorf("alice's followers = %v", v)
	}
	_, v = b.apiJSON("GET", "/api/v1/accounts/lookup?acct=surrey", "", "")
	if _, v := b.apiJSON("GET", "/api/v1/accounts/"+obj(v)["id"].(string)+"/statuses", "", ""); len(arr(v)) != 1 {
		t.Errorf("surrey's statuses = %v", v)
	}
	for q, want := range map[string]string{"@alice": "accounts", "#seeds": "hashtags", "https://convene.test/p/" + thread: "statuses"} {
		_, v := b.apiJSON("GET", "/api/v2/search?q="+url.QueryEscape(q), "", bob)
		if len(arr(obj(v)[want])) != 1 {
			t.Errorf("search %q = %v; want one in %s", q, v, want)
		}
	}
	if _, v := b.apiJSON("GET", "/api/v1/accounts/search?q=surrey", "", ""); len(arr(v)) != 1 || obj(arr(v)[0])["group"] != true {
		t.Errorf("accounts/search = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/follow_requests", "", alice); v == nil || len(arr(v)) != 0 {
		t.Errorf("follow requests = %v", v)
	}
}

func TestClientAPILists(t *testing.T) {
	w := newAPIWorld(t)
	b, app, alice, bob := w.b, w.app, w.alice, w.bob
	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Seeds"}`, alice)
	thread, aliceID := obj(v)["id"].(string), obj(obj(v)["account"])["id"].(string)
	b.apiJSON("POST", "/api/v1/accounts/"+aliceID+"/follow", "", bob)

	resp, v := b.apiJSON("POST", "/api/v1/lists", `{"title":"Conveners","replies_policy":"none"}`, bob)
	list := obj(v)
	if resp.StatusCode != 200 || list["title"] != "Conveners" || list["replies_policy"] != "none" || list["exclusive"] != false {
		t.Fatalf("create list = %d %v", resp.StatusCode, v)
	}
	lid := list["id"].(string)
	if resp, _ := b.apiJSON("POST", "/api/v1/lists/"+lid+"/accounts", "account_ids[]="+aliceID, bob); resp.StatusCode != 200 {
		t.Fatalf("add to list = %d", resp.StatusCode)
	}
	if _, v := b.apiJSON("GET", "/api/v1/accounts/"+aliceID+"/lists", "", bob); len(arr(v)) != 1 || obj(arr(v)[0])["id"] != lid {
		t.Errorf("bob's lists holding alice = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/accounts/"+aliceID+"/lists", "", alice); len(arr(v)) != 0 {
		t.Errorf("alice's lists holding herself = %v; bob's list is his", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/lists/"+lid+"/accounts", "", bob); len(arr(v)) != 1 || obj(arr(v)[0])["id"] != aliceID {
		t.Errorf("list accounts = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/timelines/list/"+lid, "", bob); len(arr(v)) != 1 || obj(arr(v)[0])["id"] != thread {
		t.Errorf("list timeline = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/lists", "", bob); len(arr(v)) != 1 {
		t.Errorf("lists = %v", v)
	}
	if resp, _ := b.apiJSON("GET", "/api/v1/lists/"+lid, "", alice); resp.StatusCode != 404 {
		t.Errorf("alice reading bob's list = %d", resp.StatusCode)
	}
	if _, v := b.apiJSON("PUT", "/api/v1/lists/"+lid, "title=Gardeners", bob); obj(v)["title"] != "Gardeners" {
		t.Errorf("rename = %v", v)
	}
	if resp, _ := b.apiJSON("DELETE", "/api/v1/lists/"+lid+"/accounts?account_ids[]="+aliceID, "", bob); resp.StatusCode != 200 {
		t.Errorf("remove from list = %d", resp.StatusCode)
	}
	if resp, _ := b.apiJSON("DELETE", "/api/v1/lists/"+lid, "", bob); resp.StatusCode != 200 {
		t.Errorf("delete list = %d", resp.StatusCode)
	}
	if resp, _ := b.apiJSON("GET", "/api/v1/lists", "", b.tokenFor(app, "bob", "write")); resp.StatusCode != 403 {
		t.Errorf("reading lists without read:lists = %d", resp.StatusCode)
	}
}
